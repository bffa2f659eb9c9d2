/**
 * The univariate LSTM's claims (CSE891 HW3 P2 = CSC421 HW3 P1): the error signals and the weight
 * gradients of BPTT against float64 central differences and tfjs autodiff, and the extra-credit
 * question measured over T = 1000 steps.
 */
import type { Claim, Evidence, ProblemRef } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { autodiffGrad } from '../verify/autodiff.ts';
import { compareTensor, fmtNum, formatComparison, relErr, type TensorComparison } from '../verify/compare.ts';
import { centralDiff1, type ParamSet } from '../verify/finite-diff.ts';
import { fc, forAll } from '../verify/property.ts';
import { recognise, type Misconception } from '../verify/diagnose.ts';
import { field, readNumber, readTensor } from '../verify/read.ts';
import { makeRng } from '../verify/rng.ts';
import { toTensor } from '../verify/tensor.ts';
import { LSTM_SIGNALS, LSTM_WEIGHT_NAMES, type LstmBpttResult, type LstmContract, type LstmSignalName, type LstmWeights } from './contract.ts';
import { bptt, lstmForward, SIGNAL_OF, vanillaCarry } from './reference.ts';
import { LSTM_MISTAKE_IDS, LSTM_VARIANTS } from './misconceptions.ts';
import { lstmLossTf } from './tfjs.ts';
import { recognised } from '../verify/failure.ts';

export const FD_TOL = 1e-7;
export const AUTODIFF_TOL = 1e-4;
const EXACT_TOL = 1e-10;
/** signals or gradients that are exactly zero in closed form (f̄(1) = c̄(1)·c(0) = 0): FD noise ≈ ε|L|/h */
const fdAtol = (loss: number): number => 1e-9 * Math.max(1, Math.abs(loss));

export interface LstmCase {
  w: LstmWeights;
  xs: number[];
  ys: number[];
}

interface CaseSpec {
  T: number;
  scale: number;
  seed: number;
}

const caseArb = (maxT = 30): fc.Arbitrary<CaseSpec> =>
  fc.record({ T: fc.integer({ min: 1, max: maxT }), scale: fc.double({ min: 0.1, max: 2.5, noNaN: true }), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) });
const examples: CaseSpec[] = [
  { T: 1, scale: 1, seed: 1 },
  { T: 30, scale: 1.5, seed: 2 },
];
const show = (s: CaseSpec): string => `T=${s.T}, weight scale ${s.scale.toPrecision(3)}, seed ${s.seed}`;

export function makeCase(s: CaseSpec): LstmCase {
  const rng = makeRng(s.seed);
  const w = Object.fromEntries(LSTM_WEIGHT_NAMES.map((n) => [n, s.scale * rng.normal()])) as unknown as LstmWeights;
  return { w, xs: Array.from({ length: s.T }, () => rng.normal()), ys: Array.from({ length: s.T }, () => 0.5 * rng.normal()) };
}

const bank: Misconception<LstmCase, LstmBpttResult>[] = LSTM_MISTAKE_IDS.map((id) => ({
  id,
  label: LSTM_VARIANTS[id].label,
  compute: (c: LstmCase) => bptt(c.w, c.xs, c.ys, LSTM_VARIANTS[id].backward),
}));

function distance(a: LstmBpttResult, b: LstmBpttResult): number {
  let worst = 0;
  for (const s of LSTM_SIGNALS) worst = Math.max(worst, relErr(a[s], b[s]));
  worst = Math.max(
    worst,
    relErr(
      LSTM_WEIGHT_NAMES.map((n) => a.grads[n]),
      LSTM_WEIGHT_NAMES.map((n) => b.grads[n]),
    ),
  );
  return worst;
}

function readBptt(r: unknown, T: number): LstmBpttResult {
  const out: Record<string, unknown> = { loss: readNumber(field(r, 'loss', 'lstmBptt(…)'), 'lstmBptt(…).loss') };
  for (const s of LSTM_SIGNALS) out[s] = Array.from(readTensor(field(r, s, 'lstmBptt(…)'), `lstmBptt(…).${s}`, [T]).data);
  const g = field(r, 'grads', 'lstmBptt(…)');
  out.grads = Object.fromEntries(LSTM_WEIGHT_NAMES.map((n) => [n, readNumber(field(g, n, 'lstmBptt(…).grads'), `lstmBptt(…).grads.${n}`)]));
  return out as unknown as LstmBpttResult;
}

const LABEL: Record<string, string> = { hbar: 'h̄', cbar: 'c̄', gbar: 'ḡ', obar: 'ō', fbar: 'f̄', ibar: 'ī' };

/** The first (latest) time step at which a signal is wrong: errors flow backwards. */
function latestWrong(got: number[], want: number[], tol: number): number | undefined {
  const scale = Math.max(...want.map(Math.abs), ...got.map(Math.abs), 1e-300);
  for (let t = want.length - 1; t >= 0; t--) if (Math.abs(got[t] - want[t]) > tol * scale) return t + 1;
  return undefined;
}

function failure(title: string, cmp: TensorComparison[], got: LstmBpttResult, c: LstmCase, tol: number): never {
  const T = c.xs.length;
  const lines = [title];
  for (const x of cmp.filter((x) => !x.pass)) {
    const label = LABEL[x.name] ?? `∂L/∂${x.name}`;
    const sig = (LSTM_SIGNALS as string[]).includes(x.name);
    const t = sig ? latestWrong(got[x.name as LstmSignalName], bptt(c.w, c.xs, c.ys)[x.name as LstmSignalName], tol) : undefined;
    lines.push(`  ${formatComparison(x, label)}${sig ? ' (index [t−1])' : ''}${t ? `; wrong from t = ${t}${t === T ? ' = T' : ''} backwards` : ''}`);
  }
  let m;
  try {
    m = recognise(bank, c, got, distance, 1e-9, bptt(c.w, c.xs, c.ys));
  } catch {
    m = undefined;
  }
  if (m) lines.push(`  ${recognised(m.label)}.`);
  fail(lines.join('\n'), { mistakes: m ? [m.label] : [], wrong: cmp.filter((x) => !x.pass).map((x) => x.name), relErr: Object.fromEntries(cmp.map((x) => [x.name, x.relErr])) });
}

function checkForward(impl: LstmContract, c: LstmCase): number {
  const T = c.xs.length;
  const want = lstmForward(c.w, c.xs, c.ys);
  const r = impl.lstmForward(c.w, c.xs, c.ys);
  const cmp = (['i', 'f', 'o', 'g', 'c', 'h'] as const).map((k) => compareTensor(k, readTensor(field(r, k, 'lstmForward(…)'), `lstmForward(…).${k}`, [T]), toTensor(want[k]), EXACT_TOL));
  cmp.push(compareTensor('loss', toTensor(readNumber(field(r, 'loss', 'lstmForward(…)'), 'lstmForward(…).loss')), toTensor(want.loss), EXACT_TOL));
  const bad = cmp.filter((x) => !x.pass);
  if (bad.length) fail(['The forward pass is wrong (the error signals are checked on top of it):', ...bad.map((x) => `  ${formatComparison(x, `${x.name}(t)`)} (index [t−1])`)].join('\n'));
  return Math.max(...cmp.map((x) => x.relErr));
}

/** Float64 central differences of L with respect to every signal at every step (perturb after it is computed). */
function fdSignals(c: LstmCase): Record<LstmSignalName, number[]> {
  const T = c.xs.length;
  return Object.fromEntries(LSTM_SIGNALS.map((s) => [s, Array.from({ length: T }, (_, t) => centralDiff1((eps) => lstmForward(c.w, c.xs, c.ys, { v: SIGNAL_OF[s], t, eps }).loss, 0))])) as Record<
    LstmSignalName,
    number[]
  >;
}

function fdWeights(c: LstmCase): Record<string, number> {
  return Object.fromEntries(LSTM_WEIGHT_NAMES.map((n) => [n, centralDiff1((v) => lstmForward({ ...c.w, [n]: v }, c.xs, c.ys).loss, c.w[n])]));
}

/** tfjs autodiff of the same loss: the eight weight gradients and (through zero perturbations) the six signals.  Cached per case. */
const adCache = new Map<string, Promise<{ signals: Record<LstmSignalName, number[]>; grads: Record<string, number> }>>();
function autodiff(c: LstmCase) {
  const key = JSON.stringify(c);
  let p = adCache.get(key);
  if (!p) {
    const T = c.xs.length;
    const params: ParamSet = {};
    for (const n of LSTM_WEIGHT_NAMES) params[n] = toTensor(c.w[n]);
    for (const v of ['i', 'f', 'o', 'g', 'c', 'h']) params[`eps_${v}`] = toTensor(new Array(T).fill(0));
    p = autodiffGrad((q) => lstmLossTf(q, c.xs, c.ys), params).then((r) => ({
      signals: Object.fromEntries(LSTM_SIGNALS.map((s) => [s, Array.from(r.grads[`eps_${SIGNAL_OF[s]}`].data)])) as Record<LstmSignalName, number[]>,
      grads: Object.fromEntries(LSTM_WEIGHT_NAMES.map((n) => [n, r.grads[n].data[0]])),
    }));
    if (adCache.size > 200) adCache.clear();
    adCache.set(key, p);
  }
  return p;
}

const signalCmp = (got: LstmBpttResult, want: Record<LstmSignalName, number[]>, tol: number, atol = 0): TensorComparison[] =>
  LSTM_SIGNALS.map((s) => compareTensor(s, toTensor(got[s]), toTensor(want[s]), tol, atol));
/**
 * Each weight's gradient is compared on its own, relative to itself, or — when it is tiny next to the others
 * (a weight that barely matters) — against `tol`·‖all eight gradients‖ plus `atol`: the eight scalars are one
 * parameter vector, and a stencil's rounding noise on a near-zero component is not a wrong gradient.
 */
const gradCmp = (got: LstmBpttResult, want: Record<string, number>, tol: number, atol = 0): TensorComparison[] => {
  const scale = Math.hypot(...LSTM_WEIGHT_NAMES.map((n) => want[n]));
  return LSTM_WEIGHT_NAMES.map((n) => compareTensor(n, toTensor(got.grads[n]), toTensor(want[n]), tol, atol + tol * scale));
};

const worstOf = (cmp: TensorComparison[], prefix: string): Record<string, number> =>
  Object.fromEntries([
    // relative errors of the comparisons that passed relatively; the others (exact zeros such as w̄_ih at T = 1, where
    // h(0) = 0) passed under the absolute floor and report their absolute difference separately
    ...cmp.map((x) => [`${prefix}${x.name}`, x.passedBy === 'abs' ? 0 : x.relErr]),
    ['absFloorDiff', Math.max(0, ...cmp.filter((x) => x.passedBy === 'abs').map((x) => x.absErr))],
  ]);
const pick = (w: Record<string, number>, prefix: string, names: string[]): Evidence => Object.fromEntries(names.map((n) => [n, w[`${prefix}${n}`] ?? null]));

const base = { course: 'CSE891', hw: 'HW3', problem: 2 } as const;
const csc = (part: string, points: number): ProblemRef[] => [{ course: 'CSC421', hw: 'HW3', problem: 1, part, points }];

const SIGNALS_ANSWER =
  'With $\\bar z_i^{(t)}=\\bar i^{(t)}i^{(t)}(1-i^{(t)})$, $\\bar z_f^{(t)}=\\bar f^{(t)}f^{(t)}(1-f^{(t)})$, $\\bar z_o^{(t)}=\\bar o^{(t)}o^{(t)}(1-o^{(t)})$, ' +
  "$\\bar z_g^{(t)}=\\bar g^{(t)}(1-(g^{(t)})^2)$ the signals at the gates' pre-activations, and all terms with index $T+1$ equal to $0$:\n\n" +
  '$$\\begin{aligned}\\bar h^{(t)}&=\\frac{\\partial \\ell^{(t)}}{\\partial h^{(t)}}+w_{ih}\\bar z_i^{(t+1)}+w_{fh}\\bar z_f^{(t+1)}+w_{oh}\\bar z_o^{(t+1)}+w_{gh}\\bar z_g^{(t+1)}\\\\' +
  '\\bar c^{(t)}&=\\bar h^{(t)}\\,o^{(t)}\\big(1-\\tanh^2(c^{(t)})\\big)+\\bar c^{(t+1)}f^{(t+1)}\\\\' +
  '\\bar g^{(t)}&=\\bar c^{(t)}\\,i^{(t)},\\qquad \\bar o^{(t)}=\\bar h^{(t)}\\tanh(c^{(t)}),\\qquad \\bar f^{(t)}=\\bar c^{(t)}\\,c^{(t-1)},\\qquad \\bar i^{(t)}=\\bar c^{(t)}\\,g^{(t)}\\end{aligned}$$\n\n' +
  'Here $\\partial\\ell^{(t)}/\\partial h^{(t)}=h^{(t)}-y^{(t)}$ for the loss used by the checks, $L=\\tfrac12\\sum_t(h^{(t)}-y^{(t)})^2$. ' +
  '$h^{(t)}$ feeds all four gates of step $t+1$; $c^{(t)}$ reaches $L$ through $h^{(t)}$ and through $c^{(t+1)}$.';
const GRADS_ANSWER =
  '$$\\bar w_{ix}=\\sum_{t=1}^T \\bar i^{(t)}\\,i^{(t)}(1-i^{(t)})\\,x^{(t)}$$ (CSE891 writes it $\\bar w_{xi}$), and likewise ' +
  '$\\bar w_{ih}=\\sum_t\\bar z_i^{(t)}h^{(t-1)}$, $\\bar w_{fx}=\\sum_t\\bar z_f^{(t)}x^{(t)}$, $\\bar w_{fh}=\\sum_t\\bar z_f^{(t)}h^{(t-1)}$, ' +
  '$\\bar w_{ox}=\\sum_t\\bar z_o^{(t)}x^{(t)}$, $\\bar w_{oh}=\\sum_t\\bar z_o^{(t)}h^{(t-1)}$, $\\bar w_{gx}=\\sum_t\\bar z_g^{(t)}x^{(t)}$, $\\bar w_{gh}=\\sum_t\\bar z_g^{(t)}h^{(t-1)}$.';

/** lstm.carry: c̄(t)/c̄(T) may differ from the key's by this much (one step's factor f differs from 1 by 4.5e-5) */
const CARRY_TOL = 1e-6;
/** lstm.carry: |h̄(t)| before T stays below this multiple of |h̄(T)| (the key's is 7.7e-7) */
const CARRY_HBAR_BOUND = 1e-4;

/** Two intervals (or numbers) printed endpoint by endpoint with the fewest significant digits (at least 6) that tell unequal endpoints apart. */
function fmtApart(a: number[], b: number[]): [string, string] {
  const one = (x: number, p: number) => (p <= 6 || !Number.isFinite(x) ? fmtNum(x) : String(+x.toPrecision(p)));
  const pair = (x: number, y: number): [string, string] => {
    let p = 6;
    while (p < 17 && x !== y && one(x, p) === one(y, p)) p++;
    return [one(x, p), one(y, p)];
  };
  const ps = a.map((x, i) => pair(x, b[i]));
  return [`[${ps.map((q) => q[0]).join(', ')}]`, `[${ps.map((q) => q[1]).join(', ')}]`];
}

/** The extra-credit regime: x ≡ 1, w_fx = 10 (f ≈ 1 − 4.5e-5), w_ix = w_ox = −10 (i, o ≈ 4.5e-5), recurrent weights 0.5; a loss at t = T only. */
export function carryCase(T = 1000): LstmCase {
  const w: LstmWeights = { wix: -10, wih: 0.5, wfx: 10, wfh: 0.5, wox: -10, woh: 0.5, wgx: 1, wgh: 0.5 };
  const xs = new Array(T).fill(1);
  const F = lstmForward(w, xs, new Array(T).fill(0));
  const ys = F.h.map((h, t) => (t === T - 1 ? h - 1 : h)); // ∂ℓ/∂h = 0 before T, 1 at T
  return { w, xs, ys };
}

/**
 * The vanilla-RNN contrast of lstm.carry, checked: at x ≡ 0, ∂h(T)/∂h(t) = w^(T−1−t) exactly (the
 * last index is T−1); for random inputs it equals float64 central differences of h(T) with h(t)
 * perturbed and the recursion rerun from there.  Returns what is wrong, or undefined.
 */
export function vanillaCarryErrors(carry: typeof vanillaCarry = vanillaCarry): string | undefined {
  for (const w of [0.9, 1.1]) {
    const T = 200,
      d = carry(w, 1, new Array(T).fill(0));
    for (let t = 0; t < T; t++) {
      const want = w ** (T - 1 - t);
      if (!(Math.abs(d[t] - want) <= 1e-12 * want)) return `x ≡ 0, w = ${w}, T = ${T}: t = ${t} gives ${d[t]}, expected w^(T−1−t) = ${want}`;
    }
  }
  const rng = makeRng('lstm.carry:vanilla');
  const w = 0.8,
    u = 0.7,
    T = 30;
  const xs = Array.from({ length: T }, () => rng.uniform(-1, 1));
  const h: number[] = [];
  for (let t = 0, hp = 0; t < T; t++) h.push((hp = Math.tanh(w * hp + u * xs[t])));
  const hT = (t: number, ht: number): number => {
    let hp = ht;
    for (let s = t + 1; s < T; s++) hp = Math.tanh(w * hp + u * xs[s]);
    return hp;
  };
  const d = carry(w, u, xs);
  if (d.length !== T) return `${d.length} values for T = ${T}`;
  for (let t = 0; t < T; t++) {
    const e = 1e-6,
      fd = (hT(t, h[t] + e) - hT(t, h[t] - e)) / (2 * e);
    if (!(Math.abs(d[t] - fd) <= 1e-6 * Math.abs(fd) + 1e-10)) return `random x, w = ${w}, u = ${u}: t = ${t} gives ${d[t]}, central differences ${fd}`;
  }
  return undefined;
}

export const lstmClaims: Claim<LstmContract>[] = [
  {
    id: 'lstm.signals.fd',
    ...base,
    part: '1',
    points: 2.25,
    alsoIn: csc('a', 0.75),
    statement: 'the forward pass is right and the error signals h̄, c̄, ḡ, ō, f̄, ī at every step equal float64 central differences (relative error ≤ 1e-7 per signal, T = 1–30)',
    answer: SIGNALS_ANSWER,
    uses: ['lstmForward', 'lstmBptt'],
    async check(impl, ctx) {
      const rep = await forAll(
        caseArb(),
        (s) => {
          const c = makeCase(s);
          const fwd = checkForward(impl, c);
          const got = readBptt(impl.lstmBptt(c.w, c.xs, c.ys), c.xs.length);
          const cmp = signalCmp(got, fdSignals(c), FD_TOL, fdAtol(got.loss));
          if (cmp.some((x) => !x.pass)) failure('Error signals disagree with float64 central differences of L (each signal perturbed after it is computed):', cmp, got, c, FD_TOL);
          return { forward: fwd, ...worstOf(cmp, 'rel_') };
        },
        { numRuns: ctx.runs(40), seed: ctx.seed, examples, show },
      );
      return { cases: rep.cases, forwardRelErr: rep.worst.forward, worstRelErr: pick(rep.worst, 'rel_', LSTM_SIGNALS), tolerance: FD_TOL };
    },
  },
  {
    id: 'lstm.signals.autodiff',
    ...base,
    part: '1',
    points: 0.75,
    alsoIn: csc('a', 0.25),
    statement: 'the error signals equal tfjs autodiff of the same loss (float32, zero perturbations as inputs; relative error ≤ 1e-4 per signal)',
    answer: 'The same recursions, cross-checked against reverse-mode autodiff: adding a zero perturbation after each quantity makes each signal a gradient.',
    uses: ['lstmBptt'],
    async check(impl, ctx) {
      const rep = await forAll(
        caseArb(),
        async (s) => {
          const c = makeCase(s);
          const got = readBptt(impl.lstmBptt(c.w, c.xs, c.ys), c.xs.length);
          const cmp = signalCmp(got, (await autodiff(c)).signals, AUTODIFF_TOL, 1e-6 * Math.max(1, Math.abs(got.loss)));
          if (cmp.some((x) => !x.pass)) failure('Error signals disagree with tfjs autodiff (float32) of L:', cmp, got, c, AUTODIFF_TOL);
          return worstOf(cmp, 'rel_');
        },
        { numRuns: ctx.runs(5), seed: ctx.seed, examples, show },
      );
      return { cases: rep.cases, worstRelErr: pick(rep.worst, 'rel_', LSTM_SIGNALS), tolerance: AUTODIFF_TOL };
    },
  },
  {
    id: 'lstm.grads.fd',
    ...base,
    part: '2',
    points: 0.25,
    alsoIn: csc('b', 0.5),
    statement: 'w̄_ix and the other seven weight gradients equal float64 central differences (relative error ≤ 1e-7 each, T = 1–30)',
    answer: GRADS_ANSWER,
    uses: ['lstmBptt'],
    async check(impl, ctx) {
      const rep = await forAll(
        caseArb(),
        (s) => {
          const c = makeCase(s);
          const got = readBptt(impl.lstmBptt(c.w, c.xs, c.ys), c.xs.length);
          const cmp = gradCmp(got, fdWeights(c), FD_TOL, fdAtol(got.loss));
          if (cmp.some((x) => !x.pass)) failure('Weight gradients disagree with float64 central differences of L:', cmp, got, c, FD_TOL);
          return worstOf(cmp, 'rel_');
        },
        { numRuns: ctx.runs(100), seed: ctx.seed, examples, show },
      );
      return {
        cases: rep.cases,
        worstRelErr: pick(rep.worst, 'rel_', LSTM_WEIGHT_NAMES),
        worstAbsDiffUnderFloor: rep.worst.absFloorDiff,
        tolerance: FD_TOL,
        rule: 'each weight within tol relative to itself or within tol·‖all eight gradients‖',
      };
    },
  },
  {
    id: 'lstm.grads.autodiff',
    ...base,
    part: '2',
    points: 0.25,
    alsoIn: csc('b', 0.5),
    statement: 'the eight weight gradients equal tfjs autodiff of the same loss (float32; relative error ≤ 1e-4 each)',
    answer: 'The same sums, cross-checked against reverse-mode autodiff.',
    uses: ['lstmBptt'],
    async check(impl, ctx) {
      const rep = await forAll(
        caseArb(),
        async (s) => {
          const c = makeCase(s);
          const got = readBptt(impl.lstmBptt(c.w, c.xs, c.ys), c.xs.length);
          const cmp = gradCmp(got, (await autodiff(c)).grads, AUTODIFF_TOL, 1e-6 * Math.max(1, Math.abs(got.loss)));
          if (cmp.some((x) => !x.pass)) failure('Weight gradients disagree with tfjs autodiff (float32) of L:', cmp, got, c, AUTODIFF_TOL);
          return worstOf(cmp, 'rel_');
        },
        { numRuns: ctx.runs(5), seed: ctx.seed, examples, show },
      );
      return {
        cases: rep.cases,
        worstRelErr: pick(rep.worst, 'rel_', LSTM_WEIGHT_NAMES),
        tolerance: AUTODIFF_TOL,
        rule: 'each weight within tol relative to itself or within tol·‖all eight gradients‖',
      };
    },
  },
  {
    id: 'lstm.carry',
    ...base,
    part: '3-ec',
    points: 0.5,
    alsoIn: csc('optional-ec', 1),
    statement: 'extra credit, measured: with f ≈ 1 and i, o ≈ 0, c̄ is carried back over T = 1000 steps without exploding or vanishing and h̄ stays bounded, unlike a vanilla tanh RNN',
    answer:
      'With $f^{(t)}\\approx1$ and $i^{(t)},o^{(t)}\\approx0$: $\\bar c^{(t)}=\\bar h^{(t)}o^{(t)}(1-\\tanh^2c^{(t)})+\\bar c^{(t+1)}f^{(t+1)}\\approx\\bar c^{(t+1)}$, ' +
      'so $\\bar c$ is copied back unchanged (a product of factors $\\approx1$, neither growing nor shrinking); and every path into $\\bar h^{(t)}$ goes through ' +
      '$\\bar z_i,\\bar z_f,\\bar z_o,\\bar z_g$ of step $t+1$, which carry a factor $i$, $o$, $f(1-f)$ or $\\bar c\\,i$ — all $\\approx0$ — so $\\bar h^{(t)}\\approx\\partial\\ell^{(t)}/\\partial h^{(t)}$ and ' +
      'is not multiplied by recurrent weights step after step. In a vanilla RNN $\\bar h^{(t)}=w(1-h^{(t+1)2})\\bar h^{(t+1)}$: a geometric product that explodes or vanishes.',
    uses: ['lstmBptt'],
    check(impl) {
      const T = 1000;
      const c = carryCase(T);
      const want = bptt(c.w, c.xs, c.ys);
      const F = lstmForward(c.w, c.xs, c.ys);
      const f = F.f;
      const got = readBptt(impl.lstmBptt(c.w, c.xs, c.ys), T);
      // only the carry property is measured here (the signals and gradients have their own claims): c̄(t)/c̄(T)
      // follows the key's curve, the product of the factors f, and h̄(t) before T stays near ∂ℓ/∂h(t) = 0
      const ratio = got.cbar.map((v) => v / got.cbar[T - 1]);
      const wantRatio = want.cbar.map((v) => v / want.cbar[T - 1]);
      let dev = 0,
        tDev = T - 1;
      for (let t = 0; t < T; t++) {
        const d = Math.abs(ratio[t] - wantRatio[t]);
        if (!(d <= dev)) [dev, tDev] = [Number.isNaN(d) ? Infinity : d, t];
      }
      const rMin = Math.min(...ratio),
        rMax = Math.max(...ratio);
      const wMin = Math.min(...wantRatio);
      const hMax = Math.max(...got.hbar.slice(0, T - 1).map(Math.abs));
      const hBound = CARRY_HBAR_BOUND * Math.abs(want.hbar[T - 1]);
      if (!(dev <= CARRY_TOL) || !(hMax <= hBound)) {
        const lines = [`Over T = ${T} steps with f ≈ 1 − 4.5e-5 and i, o ≈ 4.5e-5 (x ≡ 1, w_fx = 10, w_ix = w_ox = −10, recurrent weights 0.5, loss at t = T only):`];
        if (!(dev <= CARRY_TOL)) {
          if (!Number.isFinite(ratio[0]) || got.cbar[T - 1] === 0) lines.push(`  your c̄(T) = ${fmtNum(got.cbar[T - 1])}, so c̄(t)/c̄(T) is not defined; expected c̄(T) = ${fmtNum(want.cbar[T - 1])}`);
          else {
            const [a, b] = fmtApart([rMin, rMax], [wMin, 1]);
            if (a !== b) lines.push(`  your c̄(t)/c̄(T) ranges over ${a}; expected ${b} (c̄ carried back by the factors f ≈ 1)`);
            const [g1, w1] = fmtApart([ratio[tDev]], [wantRatio[tDev]]);
            lines.push(`  c̄(t)/c̄(T) at t = ${tDev + 1}: got ${g1.slice(1, -1)}, expected ${w1.slice(1, -1)} (the product of f(t+1) … f(T); tolerance ${fmtNum(CARRY_TOL)})`);
          }
        }
        if (!(hMax <= hBound)) lines.push(`  |h̄(t)| before T reaches ${fmtNum(hMax)}; expected at most ${fmtNum(hBound)} (h̄(t) ≈ ∂ℓ/∂h(t) = 0 before T: every recurrent path carries a factor ≈ 0)`);
        const m = recognise(bank, c, got, distance, 1e-10, want);
        if (m) lines.push(`  ${recognised(m.label)}.`);
        fail(lines.join('\n'), { cbarRatioMin: rMin, cbarRatioMax: rMax, cbarRatioMaxDeviation: dev, hbarBeforeT_maxAbs: hMax });
      }
      // vanilla scalar tanh RNN at its fixed point h = 0 (x ≡ 0): ∂h(T)/∂h(t) = w^(T−t) exactly
      const xs = new Array(T).fill(0);
      // the contrast's derivative is checked too (a wrong key is caught here, not reported as evidence)
      const bad = vanillaCarryErrors();
      if (bad) fail(`internal: the key's vanilla-RNN ∂h(T)/∂h(t) is wrong: ${bad}`);
      const geo = (d: number[]) => ({ log10RatioRange: [Math.log10(Math.min(...d.map(Math.abs))), Math.log10(Math.max(...d.map(Math.abs)))], perStepFactor: Math.abs(d[0]) ** (1 / (T - 1)) });
      return {
        T,
        cbarRatioRange: [rMin, rMax],
        cbarRatioMaxDeviation: dev,
        hbarBeforeT_maxAbs: hMax,
        hbarAtT: got.hbar[T - 1],
        forgetGateRange: [Math.min(...f), Math.max(...f)],
        inputOutputGateMax: Math.max(...F.i, ...F.o),
        vanillaTanh_w0_9: geo(vanillaCarry(0.9, 1, xs)),
        vanillaTanh_w1_1: geo(vanillaCarry(1.1, 1, xs)),
      };
    },
  },
];
