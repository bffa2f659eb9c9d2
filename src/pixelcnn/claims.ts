/**
 * PixelCNN vs MDRNN claims (CSE891 HW3 P4, 2 points + 1 extra credit).  Every number comes from the
 * dependency graphs (src/mdrnn/graphs.ts): edge counts, longest paths, ancestor sets.  The O(·)
 * answers are checked by measurement (src/pixelcnn/bigo.ts): count / expression must stay within a
 * factor 4 over a sweep in which d, k, H and W each vary by 5× or more.
 */
import type { Claim } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { BigOSyntaxError, readBigO, thetaCheck, type BigOAnswer, type Expr, type Vars } from './bigo.ts';
import { readingLine } from '../verify/formula.ts';
import { describe } from '../verify/tensor.ts';
import { diffCells, diffMessage, readCells, sameCells, type CellPair } from '../mdrnn/cells.ts';
import { contextOf, mdrnnGraph, pixelcnnGraph, stepsOf } from '../mdrnn/graphs.ts';
import type { PixelcnnContract } from './contract.ts';
import { causalWindow, mdrnnConnections, mdrnnContextFormula, mdrnnSteps, pixelcnnConnections, pixelcnnContextFormula, pixelcnnSteps } from './reference.ts';
import { nameMistake, recognised } from '../verify/failure.ts';
import { recogniseMdrnnContext, recognisePixelContext, recogniseOrder, type WrongOrders } from './misconceptions.ts';

const VARS = ['d', 'k', 'H', 'W'];
const base = { course: 'CSE891', hw: 'HW3', problem: 4 } as const;

function readO(v: unknown, name: string): BigOAnswer {
  if (typeof v !== 'string') fail(`\`${name}\` should be a string such as "O(d^2 k)", got ${describe(v)}`);
  try {
    return readBigO(v, VARS);
  } catch (e) {
    if (e instanceof BigOSyntaxError) fail(`\`${name}\`: ${e.message}; write it over d, k, H, W, e.g. "O(d^2 k)"`);
    throw e;
  }
}

function checkO(got: string, name: string, what: string, count: (v: Vars) => number, sweep: Record<string, number[]>, known: WrongOrders, note: (line: string) => void) {
  const read = readO(got, name);
  const f: Expr = read.f;
  // how the string was read where it was not explicit (implied products, "read h as H")
  for (const n of read.notes) note(n);
  const rep = thetaCheck(f, count, sweep);
  if (!rep.tight) {
    const v = rep.worstVar;
    const m = nameMistake(() => recogniseOrder(known, f, VARS, sweep));
    const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : String(x));
    fail(
      [
        `${name} = "${got}" is not a tight bound for ${what}: the measured count divided by your expression ranges over [${rep.ratioMin.toPrecision(3)}, ${rep.ratioMax.toPrecision(3)}] (a factor ${rep.spread.toPrecision(3)}; a Θ answer stays within 4) over ${rep.points} sizes.`,
        ...(v
          ? [`  Measured along ${v} (${sweep[v][0]} → ${sweep[v][sweep[v].length - 1]}): the count grows like ${v}^${fmt(rep.slopes[v][0])}, your expression like ${v}^${fmt(rep.slopes[v][1])}.`]
          : []),
        ...(m ? [`  ${recognised(m)}.`] : []),
        ...(readingLine(read) ? [`  ${readingLine(read)}`] : []),
      ].join('\n'),
      { spread: rep.spread },
    );
  }
  return { spread: rep.spread, ratioRange: [rep.ratioMin, rep.ratioMax], sizes: rep.points };
}

const connSweep = { d: [1, 2, 4, 8, 16], k: [3, 5, 9, 17], H: [34, 68, 136, 272], W: [34, 68, 136, 272] };
const stepSweep = { d: [1, 4, 16, 64, 256], k: [1, 3, 9, 17], H: [2, 8, 32, 128, 512], W: [2, 8, 32, 128, 512] };

/** PixelCNN context measured on the graph, as (row, column) pairs */
function pixelGraphContext(H: number, W: number, d: number, k: number, r: number, c: number): CellPair[] {
  const g = pixelcnnGraph(H, W, d, k);
  return contextOf(g, g.node(d, r, c)); // pixelcnnGraph's input positions are already (row, column)
}
function mdrnnGraphContext(H: number, W: number, d: number, r: number, c: number): CellPair[] {
  const g = mdrnnGraph(W, H, d);
  return contextOf(g, g.node(d, c, r))
    .map(([i, j]) => [j, i] as CellPair)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

export const pixelcnnClaims: Claim<PixelcnnContract>[] = [
  {
    id: 'pixelcnn.connections',
    ...base,
    part: '1.a',
    points: 0.5,
    statement: "a d-layer PixelCNN has Θ(d k² H W) connections: the key's exact count equals the dependency graph's edges, and the answer's O(·) tracks it",
    answer:
      'Each output pixel of a masked $k\\times k$ layer has $(k^2-1)/2$ (type A) or $(k^2+1)/2$ (type B) incoming connections, so $$\\#\\text{connections}=O(d\\,k^2HW).$$ ' +
      'Exactly, with zero padding and $r=(k-1)/2$: $E_A=T_H(W+2T_W)+H\\,T_W$ with $T_n=\\sum_{m=1}^{r}(n-m)^+$, $E_B=E_A+HW$, total $E_A+(d-1)E_B$ (one unit per pixel and layer; $\\times C^2$ for $C$ channels).',
    uses: ['pixelcnnConnectionsO'],
    check(impl, ctx) {
      let graphs = 0;
      for (const d of [1, 2, 3])
        for (const k of [1, 3, 5, 7])
          for (const H of [1, 2, 5, 9])
            for (const W of [1, 3, 8]) {
              const e = pixelcnnGraph(H, W, d, k).dag.edgeCount;
              if (e !== pixelcnnConnections(d, k, H, W)) fail(`internal: the key's exact count ${pixelcnnConnections(d, k, H, W)} ≠ ${e} graph edges (d=${d}, k=${k}, H=${H}, W=${W})`);
              graphs++;
            }
      const o = checkO(impl.pixelcnnConnectionsO, 'pixelcnnConnectionsO', "the PixelCNN's connections", (v) => pixelcnnConnections(v.d, v.k, v.H, v.W), connSweep, 'connections', ctx.note);
      return { exactFormulaEqualsGraphEdges: graphs, example_d4_k5_H32_W32: pixelcnnConnections(4, 5, 32, 32), ...o };
    },
  },
  {
    id: 'pixelcnn.steps',
    ...base,
    part: '1.b',
    points: 0.5,
    statement: "the PixelCNN needs d sequential steps (the graph's longest path), independent of H and W, over many sizes: Θ(d)",
    answer:
      'All pixels of a layer depend only on the layer below, so with unlimited parallel matrix–vector products each layer is one step: exactly $d$ steps, $$O(d),$$ independent of $k$, $H$ and $W$ ' +
      '— for the forward (likelihood) pass, when the whole image is given: training, or evaluating $\\log p(x)$. ' +
      'Sampling is different: pixel $(i,j)$ can be drawn only after every pixel before it is, and each draw needs a forward pass of the $d$ layers, ' +
      'so generating an image takes $$O(d\\cdot H\\cdot W)$$ sequential steps ($HW$ passes one after another; times the number of channels when they are drawn one by one).',
    uses: ['pixelcnnStepsO'],
    check(impl, ctx) {
      const seen = new Set<string>();
      for (const d of [1, 2, 3, 5])
        for (const k of [3, 5])
          for (const H of [1, 4, 9])
            for (const W of [2, 7, 12]) {
              const s = stepsOf(pixelcnnGraph(H, W, d, k));
              if (s !== pixelcnnSteps(d) && !(H === 1 && W <= (k - 1) / 2)) fail(`internal: PixelCNN longest path ${s} ≠ d = ${d} (k=${k}, H=${H}, W=${W})`);
              seen.add(`${d}:${s}`);
            }
      const o = checkO(impl.pixelcnnStepsO, 'pixelcnnStepsO', "the PixelCNN's sequential steps", (v) => pixelcnnSteps(v.d), stepSweep, 'pixelSteps', ctx.note);
      return { longestPathByD: [...seen].sort().join(' '), sizesMeasured: 72, ...o };
    },
  },
  {
    id: 'pixelcnn.mdrnn-connections',
    ...base,
    part: '2.a',
    points: 0.5,
    statement: "a d-layer MDRNN with k channels has d k²(3HW − H − W) = Θ(d k² H W) connections (graph edges × k²), and the answer's O(·) tracks it",
    answer:
      'Each hidden vector receives three $k\\times k$ weight matrices (bottom-up, west, north): $3k^2$ connections per pixel per layer, $$O(d\\,k^2HW);$$ ' +
      'exactly $d\\,k^2\\big(HW+H(W-1)+(H-1)W\\big)$ (no west/north neighbour on the first column/row).',
    uses: ['pixelcnnMdrnnConnectionsO'],
    check(impl, ctx) {
      let graphs = 0;
      for (const d of [1, 2, 4])
        for (const k of [1, 2, 5])
          for (const H of [1, 3, 8])
            for (const W of [1, 4, 9]) {
              const e = mdrnnGraph(W, H, d).dag.edgeCount * k * k;
              if (e !== mdrnnConnections(d, k, H, W)) fail(`internal: MDRNN exact count ${mdrnnConnections(d, k, H, W)} ≠ graph ${e}`);
              graphs++;
            }
      const o = checkO(impl.pixelcnnMdrnnConnectionsO, 'pixelcnnMdrnnConnectionsO', "the MDRNN's connections", (v) => mdrnnConnections(v.d, v.k, v.H, v.W), connSweep, 'mdrnnConnections', ctx.note);
      return { exactFormulaEqualsGraphEdges: graphs, example_d4_k5_H32_W32: mdrnnConnections(4, 5, 32, 32), ...o };
    },
  },
  {
    id: 'pixelcnn.mdrnn-steps',
    ...base,
    part: '2.b',
    points: 0.5,
    statement: "a d-layer MDRNN needs H + W + d − 2 sequential steps (the graph's longest path, growing with H + W), over many sizes: Θ(H + W + d)",
    answer:
      'h at $(r,c)$ needs its west and north neighbours, so one layer needs $H+W-1$ anti-diagonal steps; layer $l$ at $(r,c)$ only waits for layer $l-1$ at $(r,c)$, so the layers pipeline: ' +
      '$H+W+d-2$ steps, $$O(H+W+d)$$ (the bound $O(d(H+W))$, finishing each layer before the next, is valid but not tight). ' +
      "The homework's equation writes $x^{(i-1,j)}, x^{(i,j-1)}$ where $h^{(i-1,j)}, h^{(i,j-1)}$ is meant: with $x$ there would be no recurrence and $O(d)$ steps.",
    uses: ['pixelcnnMdrnnStepsO'],
    check(impl, ctx) {
      let n = 0;
      for (const d of [1, 2, 3, 4])
        for (let H = 1; H <= 10; H += 3)
          for (let W = 1; W <= 10; W += 2) {
            const s = stepsOf(mdrnnGraph(W, H, d));
            if (s !== mdrnnSteps(d, H, W)) fail(`internal: MDRNN longest path ${s} ≠ H + W + d − 2 = ${mdrnnSteps(d, H, W)}`);
            n++;
          }
      const o = checkO(impl.pixelcnnMdrnnStepsO, 'pixelcnnMdrnnStepsO', "the MDRNN's sequential steps", (v) => mdrnnSteps(v.d, v.H, v.W), stepSweep, 'mdrnnSteps', ctx.note);
      return { longestPathEqualsHplusWplusDminus2: n, example_d4_H32_W32: mdrnnSteps(4, 32, 32), ...o };
    },
  },
  {
    id: 'pixelcnn.context',
    ...base,
    part: '3-ec',
    points: 1,
    statement: "extra credit: the context of each pixel, as pixel sets from the graphs — PixelCNN's growing but limited field with its blind spot, the MDRNN's whole upper-left region",
    answer:
      "**PixelCNN:** context after $d$ layers of $k\\times k$ masks ($r=(k-1)/2$): rows $r'=r-m$, $0\\le m\\le dr$, columns $c-dr\\dots c+r\\min(d,m)$ (row $r$ itself: left of $c$) — " +
      'a field that grows linearly with depth but is bounded, with a **blind spot** above-right ($d(d-1)/2$ pixels for $k=3$) that no stack of these masks reaches. ' +
      "**MDRNN:** every pixel of the upper-left rectangle $r'\\le r, c'\\le c$ — unbounded context at any depth. " +
      '**Trade-off:** PixelCNN: $O(d)$ sequential steps for the likelihood ($O(dHW)$ to sample), fully parallel training, $O(dk^2HW)$ connections, activations $O(dHW)$ all at once in memory, limited context with a blind spot. ' +
      'MDRNN: the same $O(dk^2HW)$ connections, but $H+W+d-2$ sequential steps (poor parallelism, slow on GPUs), state passed along the wavefront, and a large context. ' +
      'PixelCNN is preferred because training parallelises; its context is enlarged by depth, dilation or gated/two-stream masks (which remove the blind spot).',
    uses: ['pixelcnnContext', 'pixelcnnMdrnnContext'],
    check(impl) {
      const ev: Record<string, number> = {};
      for (const [H, W, d, k, r, c] of [
        [6, 6, 1, 3, 4, 3],
        [10, 10, 3, 3, 8, 5],
        [12, 12, 4, 3, 9, 6],
        [12, 12, 2, 5, 8, 7],
        [7, 9, 3, 3, 1, 5],
        [9, 9, 3, 3, 5, 9],
      ]) {
        const want = pixelGraphContext(H, W, d, k, r, c);
        if (!sameCells(want, pixelcnnContextFormula(H, W, d, k, r, c))) fail(`internal: PixelCNN context formula ≠ graph (H=${H}, W=${W}, d=${d}, k=${k}, r=${r}, c=${c})`);
        const got = readCells(impl.pixelcnnContext(H, W, d, k, r, c), `pixelcnnContext(${H}, ${W}, ${d}, ${k}, ${r}, ${c})`);
        const diff = diffCells(got, want);
        if (!diff.equal) {
          const named = nameMistake(() => recognisePixelContext(got, want, diff, { H, W, d, k, r, c }));
          fail(`pixelcnnContext(H=${H}, W=${W}, d=${d}, k=${k}, r=${r}, c=${c}) is wrong: ${diffMessage(diff, 'pixels')}.${named ? `\n  ${recognised(named)}.` : ''}`);
        }
        const blindSpot = causalWindow(H, W, d, k, r, c).length - want.length;
        ev[`pixelcnn_d${d}_k${k}_at${r},${c}_context`] = want.length;
        ev[`pixelcnn_d${d}_k${k}_at${r},${c}_blindSpot`] = blindSpot;
      }
      for (const [H, W, d, r, c] of [
        [5, 5, 1, 3, 4],
        [8, 6, 2, 8, 6],
        [7, 7, 3, 4, 7],
        [6, 9, 2, 1, 9],
      ]) {
        const want = mdrnnGraphContext(H, W, d, r, c);
        if (!sameCells(want, mdrnnContextFormula(H, W, d, r, c))) fail('internal: MDRNN context formula ≠ graph');
        const got = readCells(impl.pixelcnnMdrnnContext(H, W, d, r, c), `pixelcnnMdrnnContext(${H}, ${W}, ${d}, ${r}, ${c})`);
        const diff = diffCells(got, want);
        if (!diff.equal) {
          const named = nameMistake(() => recogniseMdrnnContext(diff, r, c));
          fail(`pixelcnnMdrnnContext(H=${H}, W=${W}, d=${d}, r=${r}, c=${c}) is wrong: ${diffMessage(diff, 'pixels')}.${named ? `\n  ${recognised(named)}.` : ''}`);
        }
        ev[`mdrnn_d${d}_at${r},${c}_context`] = want.length;
      }
      ev.steps_pixelcnn_d4_H32_W32 = pixelcnnSteps(4);
      ev.steps_mdrnn_d4_H32_W32 = mdrnnSteps(4, 32, 32);
      ev.connections_pixelcnn_d4_k3_H32_W32 = pixelcnnConnections(4, 3, 32, 32);
      ev.connections_mdrnn_d4_k3_H32_W32 = mdrnnConnections(4, 3, 32, 32);
      return ev;
    },
  },
];
