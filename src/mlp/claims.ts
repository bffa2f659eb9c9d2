/**
 * The MLP counting problem's claims (CIE6032 HW2 P3 = ELEG5491 HW2 P4, 20 points: 5 + 5 + 10).
 * Counting answers are proven by instrumented counters and a built tfjs model; students'
 * formula answers are graded as formulas (src/verify/symbolic.ts).
 */
import type { Claim, Evidence, ProblemRef } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { compareTensor, formatComparison } from '../verify/compare.ts';
import { makeMulCounter, type Mul } from './counters.ts';
import { fc, forAll } from '../verify/property.ts';
import { field, readTensor } from '../verify/read.ts';
import { makeRng, randnMatrix, randnVector } from '../verify/rng.ts';
import { gradeExact, gradeOrder, readingLine, type Env, type FormulaGrade, type OrderGrade } from '../verify/symbolic.ts';
import { toTensor } from '../verify/tensor.ts';
import { MLP_VARS, type MlpContract, type MlpNet } from './contract.ts';
import { backpropGrad, backpropGradCount, FORMULAS, paramCount, pathGradCount, pathIterationCount, sgdStep, sgdStepCount, type Sizes } from './reference.ts';
import { tfjsMlpParamCount } from './tfjs.ts';

/** Gradients and updates are compared with the float64 reference: identical arithmetic up to
 *  summation order, so 1e-9 relative per tensor leaves ~6 orders of margin over rounding. */
export const MLP_TOL = 1e-9;

const refs = { course: 'CIE6032', hw: 'HW2', problem: 3 } as const;
const alsoIn = (part: string, points: number): ProblemRef[] => [{ course: 'ELEG5491', hw: 'HW2', problem: 4, part, points }];

export const PARAM_TERMS = [
  { expr: 'd*n', name: 'd·n term (input → first hidden layer weights)' },
  { expr: '(L-1)*n^2', name: '(L−1)·n² term (hidden → hidden weights)' },
  { expr: 'n*c', name: 'n·c term (last hidden → output weights)' },
  // hidden and output biases apart, so a forgotten output bias is named as such; both wrong alike: "the biases L·n + c"
  { expr: 'L*n', name: 'hidden-layer biases L·n', group: 'biases L·n + c' },
  { expr: 'c', name: 'output biases c', group: 'biases L·n + c' },
];
export const SGD_TERMS = [
  { expr: 'd*n', name: 'd·n term (input layer)' },
  { expr: '(L-1)*n^2', name: '(L−1)·n² term (hidden → hidden layers)' },
  { expr: 'n*c', name: 'n·c term (output layer)' },
];
export const PATH_TERMS = [
  { expr: 'd*n', name: 'd·n term (input-layer weights: forward pass, gradients, update)' },
  { expr: 'c*L*n^L', name: 'c·L·n^L term (≈ c·n^L paths of up to L+1 factors from each first-layer node)' },
];
/** every variable grows alone from here (n ≥ 2: with n = 1 there is one path per output) */
export const ORDER_BASE: Env = { d: 4, L: 3, n: 4, c: 4 };
/** sizes of the three measured examples in the key */
export const EXAMPLE_SIZES: Sizes[] = [
  { d: 4, L: 1, n: 3, c: 2 },
  { d: 8, L: 3, n: 5, c: 3 },
  { d: 16, L: 5, n: 4, c: 10 },
];

const show = (s: Sizes): string => `d=${s.d}, L=${s.L}, n=${s.n}, c=${s.c}`;

function formulaFailure(what: string, g: FormulaGrade | OrderGrade, answer: unknown): never {
  const lines = [`${what}: ${typeof answer === 'string' ? `"${answer}"` : String(answer)} is not right.`];
  for (const f of g.feedback) lines.push(`  ${f}`);
  // how the string was read, where it was not explicit (implied products, "read C as c")
  const read = g.answer ? readingLine({ text: g.answer, notes: g.notes }) : undefined;
  if (read) lines.push(`  ${read}`);
  fail(lines.join('\n'), { feedback: g.feedback, ...('symbolic' in g ? { symbolic: g.symbolic } : {}) });
}

function makeNet(s: Sizes, seed: number): { net: MlpNet; x: number[]; t: number[] } {
  const r = makeRng(seed);
  const dims = [s.d, ...Array<number>(s.L).fill(s.n), s.c];
  const net = {
    W: dims.slice(1).map((o, l) => randnMatrix(r, o, dims[l], 1 / Math.sqrt(dims[l]) + 0.5)),
    b: dims.slice(1).map((o) => randnVector(r, o, 0.3)),
  };
  return { net, x: randnVector(r, s.d), t: randnVector(r, s.c) };
}

const sizesArb = (maxL: number, maxN: number): fc.Arbitrary<Sizes & { seed: number }> =>
  fc.record({
    d: fc.integer({ min: 1, max: 6 }),
    L: fc.integer({ min: 1, max: maxL }),
    n: fc.integer({ min: 1, max: maxN }),
    c: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });

/** Read a {W, b} result of the right shapes and compare it with the reference, per tensor. */
function compareNet(got: unknown, want: MlpNet, where: string, what: string): number {
  const Wg = field(got, 'W', where),
    bg = field(got, 'b', where);
  if (!Array.isArray(Wg) || Wg.length !== want.W.length) fail(`${where}.W: expected ${want.W.length} matrices (one per layer of weights), got ${Array.isArray(Wg) ? Wg.length : typeof Wg}`);
  if (!Array.isArray(bg) || bg.length !== want.b.length) fail(`${where}.b: expected ${want.b.length} vectors, got ${Array.isArray(bg) ? bg.length : typeof bg}`);
  let worst = 0;
  const bad: string[] = [];
  want.W.forEach((M, l) => {
    const shape = [M.length, M[0].length];
    const c = compareTensor(`W[${l}]`, readTensor(Wg[l], `${where}.W[${l}]`, shape), toTensor(M), MLP_TOL);
    worst = Math.max(worst, c.relErr);
    if (!c.pass) bad.push(formatComparison(c, `${what} W[${l}]`));
  });
  want.b.forEach((v, l) => {
    const c = compareTensor(`b[${l}]`, readTensor(bg[l], `${where}.b[${l}]`, [v.length]), toTensor(v), MLP_TOL);
    worst = Math.max(worst, c.relErr);
    if (!c.pass) bad.push(formatComparison(c, `${what} b[${l}]`));
  });
  if (bad.length) fail([`${what} is wrong:`, ...bad.map((b) => `  ${b}`)].join('\n'), { worstRelErr: worst });
  return worst;
}

/** A counted run: the result and the number of multiplications that went through `mul`. */
function counted<T>(work: (mul: Mul) => T): { result: T; count: number } {
  const c = makeMulCounter({ limit: 5e7 });
  const result = work(c.mul);
  return { result, count: c.count };
}

/** count/exact must stay within [1/3, 3] while each size grows: the same order as the key's count. */
function orderBand(name: string, counts: { s: Sizes; count: number; exact: number }[], what: string): Evidence {
  const rows = counts.map(({ s, count, exact }) => ({ ...s, count, exact, ratio: count / exact }));
  const zero = rows.find((r) => r.count === 0);
  if (zero) fail(`${name} counted 0 multiplications on ${show(zero)}: every scalar multiplication must go through mul(a, b)`);
  const off = rows.find((r) => r.ratio < 1 / 3 || r.ratio > 3);
  if (off) {
    fail(
      `${name}: the number of multiplications does not have the order of ${what}: on ${show(off)} it counted ${off.count}, the key's count is ${off.exact} (ratio ${off.ratio.toFixed(3)}; it must stay within [1/3, 3] as every size grows)`,
      { rows },
    );
  }
  return { rows, exactMatches: rows.filter((r) => r.count === r.exact).length, sizes: rows.length };
}

/** Sizes that grow each variable alone from a base, for the order band. */
const growingSizes = (base: Sizes, grown: Partial<Sizes>[]): Sizes[] => [base, ...grown.map((g) => ({ ...base, ...g }))];

export const mlpClaims: Claim<MlpContract>[] = [
  {
    id: 'mlp.param-count',
    ...refs,
    part: '1',
    points: 5,
    alsoIn: alsoIn('1', 5),
    statement: 'the number of parameters is d·n + (L−1)·n² + n·c weights plus L·n + c biases, as a built tfjs model counts them',
    answer:
      'Weights: $dn + (L-1)n^2 + nc$ (input→hidden, $L-1$ hidden→hidden, hidden→output). Biases: $Ln + c$. ' + 'Total $dn + (L-1)n^2 + nc + Ln + c = \\Theta(dn + Ln^2 + nc)$ parameters to store.',
    uses: ['mlpParamCountFormula'],
    async check(impl, ctx) {
      // the truth: tfjs countParams() of the built model at fast-check sizes (plus L = 1 corners)
      const rng = makeRng(ctx.seed);
      const pts: Env[] = [
        { d: 1, L: 1, n: 1, c: 1 },
        { d: 7, L: 1, n: 5, c: 3 },
        ...fc.sample(fc.record({ d: fc.integer({ min: 1, max: 64 }), L: fc.integer({ min: 1, max: 8 }), n: fc.integer({ min: 1, max: 48 }), c: fc.integer({ min: 1, max: 20 }) }), {
          numRuns: ctx.runs(16),
          seed: rng.int(0, 2 ** 30),
        }),
      ];
      const truth = new Map<string, number>();
      for (const p of pts) {
        const count = await tfjsMlpParamCount(p as unknown as Sizes);
        if (count !== paramCount(p as unknown as Sizes)) fail(`internal: the key's formula ${paramCount(p as unknown as Sizes)} ≠ tfjs countParams ${count} at ${show(p as unknown as Sizes)}`);
        truth.set(JSON.stringify(p), count);
      }
      const g = gradeExact(impl.mlpParamCountFormula, {
        vars: MLP_VARS,
        key: FORMULAS.params,
        terms: PARAM_TERMS,
        truth: (e) => truth.get(JSON.stringify(e))!,
        domain: {},
        points: 0,
        examples: pts,
        seed: ctx.seed,
      });
      if (!g.ok) formulaFailure('The number of parameters', g, impl.mlpParamCountFormula);
      for (const n of g.notes) ctx.note(n);
      return {
        cases: g.cases,
        worstRelErr: g.worstRelErr,
        symbolic: g.symbolic,
        tfjsCounts: await Promise.all(EXAMPLE_SIZES.map(async (s) => ({ ...s, params: await tfjsMlpParamCount(s) }))),
      };
    },
  },
  {
    id: 'mlp.sgd-step',
    ...refs,
    part: '2',
    points: 2,
    alsoIn: alsoIn('2', 2),
    statement: 'an instrumented SGD step (backprop + update) is correct to 1e-9 and its multiplication count has the order of the key’s exact count',
    answer:
      "Counting every scalar multiplication (conventions: sigmoid hidden units, $\\sigma'=u(1-u)$ one multiplication per node; linear outputs; " +
      '$J=\\tfrac12\\lVert y-t\\rVert^2$ so $\\partial J/\\partial y=y-t$ costs none; $\\sigma$ itself not counted): ' +
      'forward $W$, backward $nc+(L-1)n^2+2Ln$, weight gradients $W$, update $W+Ln+c$, with $W=dn+(L-1)n^2+nc$; ' +
      'total $3dn+4(L-1)n^2+4nc+3Ln+c$.',
    uses: ['mlpSgdStep'],
    async check(impl, ctx) {
      const lr = 0.05;
      const rep = await forAll(
        sizesArb(4, 5),
        (s) => {
          const { net, x, t } = makeNet(s, s.seed);
          const want = sgdStep(net, x, t, lr, (a, b) => a * b);
          const { result } = counted((mul) => impl.mlpSgdStep(net, x, t, lr, mul));
          return { relErr: compareNet(result, want, 'mlpSgdStep(…)', 'the updated network') };
        },
        { numRuns: ctx.runs(25), seed: ctx.seed, show },
      );
      const sizes = growingSizes({ d: 3, L: 2, n: 3, c: 2 }, [{ d: 96 }, { L: 24 }, { n: 40 }, { c: 96 }]);
      // the key's exact count is the reference's own instrumented count (a wrong key formula is caught here)
      for (const s of [...sizes, ...EXAMPLE_SIZES]) {
        const { net, x, t } = makeNet(s, ctx.seed);
        const own = counted((mul) => sgdStep(net, x, t, lr, mul)).count;
        if (own !== sgdStepCount(s)) fail(`internal: the key's SGD-step formula gives ${sgdStepCount(s)} at ${show(s)}, its reference counts ${own}`);
      }
      const band = orderBand(
        'mlpSgdStep',
        sizes.map((s) => {
          const { net, x, t } = makeNet(s, ctx.seed);
          return { s, count: counted((mul) => impl.mlpSgdStep(net, x, t, lr, mul)).count, exact: sgdStepCount(s) };
        }),
        'one backprop step',
      );
      const measured = EXAMPLE_SIZES.map((s) => {
        const { net, x, t } = makeNet(s, ctx.seed);
        return { ...s, counted: counted((mul) => impl.mlpSgdStep(net, x, t, lr, mul)).count, keyExact: sgdStepCount(s) };
      });
      return { cases: rep.cases, worstRelErr: rep.worst.relErr, ...band, measured };
    },
  },
  {
    id: 'mlp.sgd-order',
    ...refs,
    part: '2',
    points: 3,
    alsoIn: alsoIn('2', 3),
    statement: 'one SGD step costs Θ(d·n + (L−1)·n² + n·c) multiplications',
    answer:
      '$\\Theta\\big(dn + (L-1)n^2 + nc\\big)$ multiplications per iteration: each weight is used a constant number of times ' +
      '(forward product, backward product, gradient product, update), so the cost is proportional to the number of weights.',
    uses: ['mlpSgdCostOrder'],
    check(impl, ctx) {
      const g = gradeOrder(impl.mlpSgdCostOrder, { vars: MLP_VARS, key: FORMULAS.sgdOrder, base: ORDER_BASE, terms: SGD_TERMS });
      if (!g.ok) formulaFailure('The order of the SGD step cost', g, impl.mlpSgdCostOrder);
      for (const n of g.notes) ctx.note(n);
      // the key's order is the order of the instrumented exact count
      const self = gradeOrder(FORMULAS.sgdExact, { vars: MLP_VARS, key: FORMULAS.sgdOrder, base: ORDER_BASE });
      if (!self.ok) fail(`internal: the exact count is not of the key's order: ${self.feedback.join('; ')}`);
      return { probes: g.probes.map((p) => ({ variable: p.variable, answerGrowth: p.answerGrowth, keyGrowth: p.keyGrowth, ratioSlope: p.ratioSlope })) };
    },
  },
  {
    id: 'mlp.path-enum-grad',
    ...refs,
    part: '3',
    points: 4,
    alsoIn: alsoIn('3', 4),
    statement: 'gradients by enumerating every path to the cost equal backprop’s (≤ 1e-9) and the count grows exponentially in L as the key’s formula',
    answer:
      'For a node in hidden layer $l$ there are $c\\,n^{L-l}$ paths to $J$, each with $L-l+2$ local derivatives ($L-l+1$ multiplications). ' +
      'Summed over nodes: $c\\sum_{m=1}^{L} m\\,n^m$ multiplications for the paths, plus the forward pass $W$, the local derivatives $(L-1)n^2 + Ln$, ' +
      '$\\partial J/\\partial net_i$ $Ln$, and the weight gradients $W$.',
    uses: ['mlpPathEnumGrad'],
    async check(impl, ctx) {
      const rep = await forAll(
        sizesArb(4, 3),
        (s) => {
          const { net, x, t } = makeNet(s, s.seed);
          const want = backpropGrad(net, x, t, (a, b) => a * b);
          const { result } = counted((mul) => impl.mlpPathEnumGrad(net, x, t, mul));
          return { relErr: compareNet(result, want, 'mlpPathEnumGrad(…)', 'the path-enumeration gradient (vs backprop)') };
        },
        { numRuns: ctx.runs(25), seed: ctx.seed, show },
      );
      const base: Sizes = { d: 3, L: 1, n: 3, c: 2 };
      const growth = [1, 2, 3, 4, 5, 6, 7, 8].map((L) => {
        const s = { ...base, L };
        const { net, x, t } = makeNet(s, ctx.seed);
        const path = counted((mul) => impl.mlpPathEnumGrad(net, x, t, mul)).count;
        const bp = counted((mul) => backpropGrad(net, x, t, mul)).count;
        if (bp !== backpropGradCount(s)) fail(`internal: the key's backprop-gradient formula gives ${backpropGradCount(s)} at ${show(s)}, its reference counts ${bp}`);
        return { s, count: path, exact: pathGradCount(s), backprop: bp, backpropExact: backpropGradCount(s) };
      });
      const band = orderBand(
        'mlpPathEnumGrad',
        [
          ...growth,
          ...growingSizes({ d: 2, L: 3, n: 2, c: 2 }, [{ n: 6 }, { c: 12 }, { d: 40 }]).map((s) => {
            const { net, x, t } = makeNet(s, ctx.seed);
            return { s, count: counted((mul) => impl.mlpPathEnumGrad(net, x, t, mul)).count, exact: pathGradCount(s) };
          }),
        ],
        'path enumeration (exponential in L)',
      );
      return {
        cases: rep.cases,
        worstRelErr: rep.worst.relErr,
        exactMatches: band.exactMatches,
        growthVsBackprop: growth.map((g) => ({ L: g.s.L, pathEnum: g.count, backprop: g.backprop, ratio: +(g.count / g.backprop).toFixed(2) })),
      };
    },
  },
  {
    id: 'mlp.path-enum-cost',
    ...refs,
    part: '3',
    points: 6,
    alsoIn: alsoIn('3', 6),
    statement: 'one iteration with path enumeration costs Θ(d·n + c·L·n^L) multiplications (n ≥ 2): exponential in L',
    answer:
      'Exactly (conventions as in part 2, update included): $3\\big(dn+(L-1)n^2+nc\\big) + (L-1)n^2 + 3Ln + c + c\\sum_{m=1}^{L} m\\,n^m$, ' +
      'with $\\sum_{m=1}^{L} m n^m = \\frac{n\\,(1-(L+1)n^L + L n^{L+1})}{(n-1)^2}$; ' +
      'so $\\Theta\\big(dn + c\\,L\\,n^L\\big)$ for $n\\ge 2$ — exponential in the depth, against backprop’s $\\Theta(dn+(L-1)n^2+nc)$. ' +
      '(Re-enumerating the paths for every incoming weight instead of once per node multiplies the path term by $n$.)',
    uses: ['mlpPathEnumCostFormula'],
    check(impl, ctx) {
      const g = gradeOrder(impl.mlpPathEnumCostFormula, { vars: MLP_VARS, key: FORMULAS.pathOrder, base: ORDER_BASE, terms: PATH_TERMS });
      if (!g.ok) formulaFailure('The order of the path-enumeration cost', g, impl.mlpPathEnumCostFormula);
      for (const n of g.notes) ctx.note(n);
      // the key's exact formula equals the instrumented count (n ≥ 2), and has the key's order
      const exact = gradeExact(FORMULAS.pathIterationExact, {
        vars: MLP_VARS,
        key: FORMULAS.pathIterationExact,
        truth: (e) => pathIterationCount(e as unknown as Sizes),
        domain: { d: [1, 30], L: [1, 8], n: [2, 9], c: [1, 10] },
        points: 20,
        seed: 7,
      });
      if (!exact.ok) fail(`internal: the key's exact path-enumeration formula disagrees with its counter: ${exact.feedback.join('; ')}`);
      return {
        probes: g.probes.map((p) => ({ variable: p.variable, answerGrowth: p.answerGrowth, keyGrowth: p.keyGrowth, ratioSlope: p.ratioSlope })),
        measured: EXAMPLE_SIZES.map((s) => ({ ...s, pathIteration: pathIterationCount(s), sgdStep: sgdStepCount(s) })),
      };
    },
  },
];
