/**
 * MDRNN claims (CSC421 HW3 P2; the restated text gives no points: 1 point per lettered part, assumed).
 * Counts come from built models and an instrumented forward pass; steps, schedules and contexts from
 * the dependency graph (src/mdrnn/graphs.ts).
 */
import type { Claim, Evidence } from '../claims/types.ts';
import { ClaimFailure, fail } from '../claims/types.ts';
import { readNumber } from '../verify/read.ts';
import { makeRng } from '../verify/rng.ts';
import { gradeOrder, readingLine } from '../verify/symbolic.ts';
import { describe } from '../verify/tensor.ts';
import { diffCells, diffMessage, readCells } from './cells.ts';
import { MDRNN_OP_VARS, type MdrnnContract } from './contract.ts';
import { cnnGraph, contextOf, mdrnnGraph, stepsOf } from './graphs.ts';
import { buildModel, countWeights, instrumentedForward, opCountFormula } from './reference.ts';
import { nameMistake, recognised } from '../verify/failure.ts';
import { MDRNN_MISTAKES, recogniseOpCount, recogniseWeightCount } from './misconceptions.ts';

const refs = { course: 'CSC421', hw: 'HW3', problem: 2 } as const;

const int = (v: unknown, where: string): number => {
  const n = readNumber(v, where);
  if (!Number.isInteger(n)) fail(`${where} should be an integer, got ${n}`);
  return n;
};

/** The order of the operation count, and its terms as a wrong order names them. */
const OP_ORDER = 'G^2*H*(D + H)';
const OP_TERMS = [
  { expr: 'G^2*H*D', name: 'G²·H·D term (the input products W_inᵀx)' },
  { expr: 'G^2*H^2', name: 'G²·H² term (the recurrent products W_Wᵀh, W_Nᵀh)' },
];

/** mdrnnOpCount against the instrumented forward pass, for G = 1–6 and four (D, H). */
function exactOpCount(impl: MdrnnContract): Evidence {
  const rng = makeRng(5);
  let n = 0;
  const ratios: number[] = [];
  for (let G = 1; G <= 6; G++) {
    for (const [D, H] of [
      [1, 1],
      [2, 3],
      [4, 2],
      [3, 5],
    ]) {
      const m = buildModel(D, H, G);
      const x = Array.from({ length: G }, () => Array.from({ length: G }, () => Array.from({ length: D }, () => rng.normal())));
      const r = instrumentedForward(m, x);
      const want = r.mults + r.adds;
      if (want !== opCountFormula(G, D, H)) fail(`internal: instrumented count ${want} ≠ the key's G²H(2D+4H−1) = ${opCountFormula(G, D, H)} (G=${G}, D=${D}, H=${H})`);
      const got = int(impl.mdrnnOpCount(G, D, H), `mdrnnOpCount(${G}, ${D}, ${H})`);
      if (got !== want) {
        const named = nameMistake(() => recogniseOpCount(impl.mdrnnOpCount));
        const hint = named ? `\n  ${recognised(named)}.` : '';
        fail(`mdrnnOpCount(G = ${G}, D = ${D}, H = ${H}) = ${got}, but the instrumented forward pass does ${r.mults} multiplications + ${r.adds} additions = ${want}.${hint}`);
      }
      ratios.push(want / (G * G * H * (D + H)));
      n++;
    }
  }
  return { cases: n, countOverG2H_DplusH: [Math.min(...ratios), Math.max(...ratios)], example_G6_D3_H5: opCountFormula(6, 3, 5) };
}

export const mdrnnClaims: Claim<MdrnnContract>[] = [
  {
    id: 'mdrnn.weights',
    ...refs,
    part: 'a',
    points: 0.5,
    statement: 'the MDRNN has (D + 2H)·H weights, counted from a built model for D, H = 1–8',
    answer: '$W_{in}\\in\\mathbb R^{D\\times H}$, $W_W,W_N\\in\\mathbb R^{H\\times H}$: $\\;DH+2H^2=(D+2H)H$ weights, independent of the grid size (shared by every cell).',
    uses: ['mdrnnWeightCount'],
    check(impl) {
      let n = 0;
      for (let D = 1; D <= 8; D++) {
        for (let H = 1; H <= 8; H++) {
          const want = countWeights(buildModel(D, H));
          const got = int(impl.mdrnnWeightCount(D, H), `mdrnnWeightCount(${D}, ${H})`);
          if (got !== want) {
            const named = nameMistake(() => recogniseWeightCount(impl.mdrnnWeightCount));
            const m = named ? `\n  ${recognised(named)}.` : '';
            fail(`mdrnnWeightCount(D = ${D}, H = ${H}) = ${got}, but the built model (W_in ${D}×${H}, W_W and W_N ${H}×${H}) has ${want} weights.${m}`);
          }
          n++;
        }
      }
      return { pairsChecked: n, example_D3_H4: countWeights(buildModel(3, 4)) };
    },
  },
  {
    id: 'mdrnn.ops',
    ...refs,
    part: 'a',
    points: 0.5,
    statement:
      'computing every hidden activation of a G×G grid takes G²H(2D + 4H − 1) arithmetic operations under the stated convention (= an instrumented count), i.e. O(G²H(D + H)); the homework says big-O is enough',
    answer:
      'Per cell: $W_{in}^\\top x$ costs $HD$ multiplications and $H(D-1)$ additions, each recurrent product $H^2$ and $H(H-1)$, and summing the three vectors $2H$ additions: ' +
      '$H(2D+4H-1)$ operations (plus $H$ evaluations of $\\phi$). For the grid: $$G^2H(2D+4H-1)=O\\big(G^2H(D+H)\\big).$$ ' +
      '(Convention: boundary neighbours are zero vectors and their products are still computed; skipping them saves $2GH(2H-1)$.)',
    uses: ['mdrnnOpCount'],
    // big-O is enough: a formula answer stands in for the counting function
    alternatives: ['mdrnnOpCountOrder'],
    check(impl, ctx) {
      const formula = impl.mdrnnOpCountOrder;
      if (formula !== undefined && typeof formula !== 'string') fail(`mdrnnOpCountOrder should be a string such as "O(G^3 D)", got ${describe(formula)}`);
      let formulaFeedback: string[] = [];
      if (formula !== undefined && formula.trim() !== '') {
        const g = gradeOrder(formula, { vars: MDRNN_OP_VARS, key: OP_ORDER, base: { G: 4, D: 4, H: 4 }, terms: OP_TERMS });
        for (const n of g.notes) ctx.note(n);
        if (g.ok) {
          const ev: Evidence = {
            answeredBy: 'mdrnnOpCountOrder',
            answer: g.answer ?? formula,
            probes: g.probes.map((p) => ({ variable: p.variable, answerGrowth: p.answerGrowth, keyGrowth: p.keyGrowth })),
          };
          if (typeof impl.mdrnnOpCount !== 'function') return ev;
          // the counting function too, when given: its evidence is kept; a wrong one costs nothing here
          try {
            return { ...exactOpCount(impl), ...ev };
          } catch (e) {
            if (!(e instanceof ClaimFailure) || e.message.startsWith('internal:')) throw e;
            ctx.note(`the formula answer earns the points; mdrnnOpCount is not right: ${e.message.split('\n')[0]}`);
            return ev;
          }
        }
        formulaFeedback = [`mdrnnOpCountOrder = "${formula}" does not have the order of the operation count, O(G²H(D + H)):`, ...g.feedback.map((f) => `  ${f}`)];
        const read = g.answer ? readingLine({ text: g.answer, notes: g.notes }) : undefined;
        if (read) formulaFeedback.push(`  ${read}`);
        if (typeof impl.mdrnnOpCount !== 'function') fail(formulaFeedback.join('\n'), { feedback: g.feedback });
      }
      try {
        return { answeredBy: 'mdrnnOpCount', ...exactOpCount(impl) };
      } catch (e) {
        if (e instanceof ClaimFailure && formulaFeedback.length) fail([...formulaFeedback, e.message].join('\n'), e.details);
        throw e;
      }
    },
  },
  {
    id: 'mdrnn.steps',
    ...refs,
    part: 'b',
    points: 0.5,
    statement: 'the fewest sequential steps is 2G − 1: the longest path of the dependency graph, for G = 1–30',
    answer:
      'h(i,j) needs h(i−1,j) and h(i,j−1), so the longest dependency chain runs from (1,1) to (G,G) through $2G-1$ cells: at least $2G-1$ steps, ' + 'and the anti-diagonal order below achieves it.',
    uses: ['mdrnnSteps'],
    check(impl) {
      const measured: number[] = [];
      for (let G = 1; G <= 30; G++) {
        const want = stepsOf(mdrnnGraph(G, G));
        const got = int(impl.mdrnnSteps(G), `mdrnnSteps(${G})`);
        if (got !== want) {
          const m = got === G * G ? MDRNN_MISTAKES.raster : got === G ? MDRNN_MISTAKES.sameStep : got === want - 1 ? MDRNN_MISTAKES.pathEdges : '';
          fail(`mdrnnSteps(${G}) = ${got}, but the longest path of the dependency graph has ${want} cells (x(1,1) → h(1,1) → … → h(${G},${G})).${m ? `\n  ${recognised(m)}.` : ''}`);
        }
        measured.push(want);
      }
      return { G: '1–30', longestPath: measured.join(','), equals2Gminus1: measured.every((s, k) => s === 2 * (k + 1) - 1) };
    },
  },
  {
    id: 'mdrnn.order',
    ...refs,
    part: 'b',
    points: 0.5,
    statement: 'the schedule computes every cell once, each after its west and north neighbours, in 2G − 1 steps (the anti-diagonal wavefront), for G = 1–12',
    answer: 'Step $s=1,\\dots,2G-1$ computes, in parallel, every cell on the anti-diagonal $i+j-1=s$: its west and north neighbours lie on diagonal $s-1$.',
    uses: ['mdrnnOrder'],
    check(impl) {
      for (let G = 1; G <= 12; G++) {
        const raw = impl.mdrnnOrder(G);
        if (!Array.isArray(raw)) fail(`mdrnnOrder(${G}) should return an array of steps, got ${describe(raw)}`);
        const stepOf = new Map<string, number>();
        raw.forEach((cells, s) => {
          for (const [i, j] of readCells(cells, `mdrnnOrder(${G})[${s}]`)) {
            if (i < 1 || i > G || j < 1 || j > G) fail(`mdrnnOrder(${G}) step ${s + 1} has cell (${i},${j}) outside the ${G}×${G} grid`);
            if (stepOf.has(`${i},${j}`)) fail(`mdrnnOrder(${G}) computes cell (${i},${j}) twice (steps ${stepOf.get(`${i},${j}`)! + 1} and ${s + 1})`);
            stepOf.set(`${i},${j}`, s);
          }
        });
        if (stepOf.size !== G * G) fail(`mdrnnOrder(${G}) computes ${stepOf.size} of the ${G * G} cells`);
        for (const [key, s] of stepOf) {
          const [i, j] = key.split(',').map(Number);
          for (const [pi, pj, dir] of [
            [i - 1, j, 'west'],
            [i, j - 1, 'north'],
          ] as const) {
            if (pi < 1 || pj < 1) continue;
            const ps = stepOf.get(`${pi},${pj}`)!;
            if (ps >= s)
              fail(`mdrnnOrder(${G}): cell (${i},${j}) is computed at step ${s + 1} but its ${dir} neighbour (${pi},${pj}) only at step ${ps + 1}.\n  ${recognised(MDRNN_MISTAKES.sameStep)}.`);
          }
        }
        const best = stepsOf(mdrnnGraph(G, G));
        if (raw.length !== best)
          fail(`mdrnnOrder(${G}) is valid but takes ${raw.length} steps; the dependency graph allows ${best}.${raw.length === G * G ? `\n  ${recognised(MDRNN_MISTAKES.raster)}.` : ''}`);
      }
      return { G: '1–12', valid: true, optimal: true };
    },
  },
  {
    id: 'mdrnn.vs-cnn',
    ...refs,
    part: 'c',
    points: 1,
    statement:
      'MDRNN vs CNN, measured on the graphs: the MDRNN sees the whole upper-left region of the grid but needs 2G − 1 sequential steps; an L-layer k×k CNN needs L steps but sees only an (L(k−1)+1)² window',
    answer:
      "**Advantage of the MDRNN:** its context is global — $h(i,j)$ depends on every $x(i',j')$ with $i'\\le i$, $j'\\le j$ (the whole upper-left region, $ij$ cells), " +
      'with only $(D+2H)H$ weights, while an $L$-layer $k\\times k$ CNN sees a window of side $L(k-1)+1$ and needs depth proportional to $G/k$ to see the whole image. ' +
      '**Disadvantage:** it is sequential — $2G-1$ dependent steps for a $G\\times G$ grid, against $L$ (independent of $G$) for the CNN, whose units in a layer are all computed in parallel; ' +
      'it also only looks west/north (a one-sided context).',
    uses: ['mdrnnContext', 'mdrnnCnnContext'],
    check(impl) {
      const evidence: Record<string, number> = {};
      for (const G of [1, 3, 6, 9]) {
        const g = mdrnnGraph(G, G);
        for (const [i, j] of [
          [1, 1],
          [G, G],
          [Math.ceil(G / 2), G],
          [G, 1],
          [Math.ceil(G / 3), Math.ceil((2 * G) / 3)],
        ]) {
          const want = contextOf(g, g.node(1, i, j));
          const d = diffCells(readCells(impl.mdrnnContext(G, i, j), `mdrnnContext(${G}, ${i}, ${j})`), want);
          if (!d.equal) {
            const cross = d.missing.every(([a, b]) => a !== i && b !== j) && !d.extra.length;
            const beyond = !d.missing.length && d.extra.every(([a, b]) => a > i || b > j);
            const named = cross ? MDRNN_MISTAKES.cross : beyond ? MDRNN_MISTAKES.wholeGrid : '';
            fail(`mdrnnContext(G = ${G}, i = ${i}, j = ${j}) is wrong: ${diffMessage(d, 'input cells')}.${named ? `\n  ${recognised(named)}.` : ''}`);
          }
        }
        evidence[`mdrnnSteps_G${G}`] = stepsOf(g);
        evidence[`mdrnnContext_G${G}_at_GG`] = G * G;
      }
      for (const [G, L, k] of [
        [7, 1, 3],
        [9, 2, 3],
        [9, 3, 3],
        [11, 2, 5],
        [5, 3, 5],
      ]) {
        const g = cnnGraph(G, L, k);
        for (const [i, j] of [
          [1, 1],
          [Math.ceil(G / 2), Math.ceil(G / 2)],
          [G, 2],
        ]) {
          const want = contextOf(g, g.node(L, i, j));
          const d = diffCells(readCells(impl.mdrnnCnnContext(G, L, k, i, j), `mdrnnCnnContext(${G}, ${L}, ${k}, ${i}, ${j})`), want);
          if (!d.equal)
            fail(
              `mdrnnCnnContext(G = ${G}, L = ${L}, k = ${k}, i = ${i}, j = ${j}) is wrong: ${diffMessage(d, 'input cells')}.${d.extra.length && !d.missing.length ? `\n  ${recognised(MDRNN_MISTAKES.cnnWidth)}.` : ''}`,
            );
        }
        evidence[`cnnSteps_G${G}_L${L}_k${k}`] = stepsOf(g);
        evidence[`cnnCentreField_G${G}_L${L}_k${k}`] = contextOf(g, g.node(L, Math.ceil(G / 2), Math.ceil(G / 2))).length;
      }
      return evidence;
    },
  },
];
