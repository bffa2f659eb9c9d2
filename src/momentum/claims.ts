/**
 * Momentum reversibility claims (CSC421 HW3 P3; no points in the restated text: 1 point per lettered
 * part, assumed).  (a) the inverse step, with the float64 round-trip error measured against β^−K·ε;
 * (b) the Jacobian and its determinant β^D.
 */
import type { Claim } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { compareTensor, fmtNum, formatComparison } from '../verify/compare.ts';
import { FD_STEP } from '../verify/finite-diff.ts';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { fc, forAll } from '../verify/property.ts';
import { field, readNumber, readTensor } from '../verify/read.ts';
import { makeRng } from '../verify/rng.ts';
import { toTensor } from '../verify/tensor.ts';
import type { MomentumContract } from './contract.ts';
import { det, jacobian, logcoshQuartic, quadratic, stateErr, stepForward, type Cost, type State } from './reference.ts';
import { recogniseDet, recogniseInverse, recogniseJacobian } from './misconceptions.ts';
import { nameMistake, recognised, recognisedBy } from '../verify/failure.ts';

/** Wrong Jacobians of the step, each derived from the right one. */
const EPS = 2 ** -52;

interface Spec {
  D: number;
  quad: boolean;
  alpha: number;
  beta: number;
  seed: number;
}
const specArb: fc.Arbitrary<Spec> = fc.record({
  D: fc.integer({ min: 1, max: 10 }),
  quad: fc.boolean(),
  alpha: fc.double({ min: 0.01, max: 0.3, noNaN: true }),
  beta: fc.double({ min: 0.5, max: 0.99, noNaN: true }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});
const examples: Spec[] = [
  { D: 1, quad: true, alpha: 0.1, beta: 0.9, seed: 1 },
  { D: 10, quad: false, alpha: 0.05, beta: 0.5, seed: 2 },
];
const show = (s: Spec) => `D=${s.D}, ${s.quad ? 'quadratic' : 'log-cosh + quartic'} cost, α=${s.alpha.toPrecision(3)}, β=${s.beta.toPrecision(3)}, seed ${s.seed}`;
const costOf = (s: Spec): Cost => (s.quad ? quadratic(s.D, s.seed) : logcoshQuartic(s.D, s.seed));
const randState = (D: number, seed: number): State => {
  const rng = makeRng(seed ^ 0x5bd1e995);
  return { theta: Array.from({ length: D }, () => rng.normal()), p: Array.from({ length: D }, () => 0.3 * rng.normal()) };
};

function readState(r: unknown, D: number): State {
  return {
    theta: Array.from(readTensor(field(r, 'theta', 'momentumInverse(…)'), 'momentumInverse(…).theta', [D]).data),
    p: Array.from(readTensor(field(r, 'p', 'momentumInverse(…)'), 'momentumInverse(…).p', [D]).data),
  };
}

/**
 * Round trips: k forward steps then k backward steps with `inv`; relative error for each k of
 * `roundTripKs(K)` (every k up to 10, then twelve evenly spaced up to K: the same fit as every k
 * at a sixth of the calls — each one a round trip to the sandbox under strict isolation).
 */
function roundTrip(inv: (s: State) => State, s0: State, c: Cost, alpha: number, beta: number, K: number): [number, number][] {
  const out: [number, number][] = [];
  for (const k of roundTripKs(K)) {
    let s = s0;
    for (let i = 0; i < k; i++) s = stepForward(s, c.grad, alpha, beta);
    for (let i = 0; i < k; i++) s = inv(s);
    out.push([k, stateErr(s, s0)]);
  }
  return out;
}

export function roundTripKs(K: number): number[] {
  const ks = new Set<number>();
  for (let k = 1; k <= Math.min(10, K); k++) ks.add(k);
  for (let j = 1; j <= 12; j++) ks.add(Math.max(1, Math.round((K * j) / 12)));
  return [...ks].sort((a, b) => a - b);
}

/** least-squares slope of log10(err) against k over the points where the error is above rounding level */
function growthPerStep(errs: [number, number][]): { factor: number; points: number } {
  const pts = errs.filter(([, e]) => e > 1e-15);
  if (pts.length < 3) return { factor: NaN, points: pts.length };
  const n = pts.length;
  const mx = pts.reduce((s, [k]) => s + k, 0) / n,
    my = pts.reduce((s, [, e]) => s + Math.log10(e), 0) / n;
  const slope = pts.reduce((s, [k, e]) => s + (k - mx) * (Math.log10(e) - my), 0) / pts.reduce((s, [k]) => s + (k - mx) ** 2, 0);
  return { factor: 10 ** slope, points: n };
}

/**
 * For a quadratic cost the step is linear; per Hessian eigenvalue h it acts on a 2-D block with characteristic polynomial
 * λ² − (1 − αh + β)λ + β (product of the roots = β).  Running it backwards amplifies errors by 1/min|λ| per step:
 * between β^{−1/2} (complex roots) and β^{−1}.
 */
export function backwardGrowth(c: Cost, alpha: number, beta: number): number {
  const H = new Matrix(c.hess([]));
  const hs = new EigenvalueDecomposition(H, { assumeSymmetric: true }).realEigenvalues;
  let worst = 0;
  for (const h of hs) {
    const b = 1 - alpha * h + beta,
      disc = b * b - 4 * beta;
    const minAbs = disc < 0 ? Math.sqrt(beta) : Math.min(Math.abs((b + Math.sqrt(disc)) / 2), Math.abs((b - Math.sqrt(disc)) / 2));
    worst = Math.max(worst, 1 / minAbs);
  }
  return worst;
}

const refs = { course: 'CSC421', hw: 'HW3', problem: 3 } as const;

export const momentumClaims: Claim<MomentumContract>[] = [
  {
    id: 'momentum.inverse',
    ...refs,
    part: 'a',
    points: 1,
    statement: 'the inverse step recovers s(k) from s(k+1); K forward then K backward steps return the start state, with a float64 error that grows about like β^−K·ε (measured)',
    answer:
      'Undo the two updates in reverse order: $$\\theta^{(k)}=\\theta^{(k+1)}-p^{(k+1)},\\qquad p^{(k)}=\\frac{p^{(k+1)}+\\alpha\\nabla J(\\theta^{(k)})}{\\beta}.$$ ' +
      '$\\theta^{(k)}$ comes first because the gradient must be taken at $\\theta^{(k)}$; $\\beta>0$ makes the division possible. ' +
      'In floating point a backward step multiplies the rounding error already present by up to $1/\\beta$ (on a quadratic, by $1/\\min|\\lambda|\\in[\\beta^{-1/2},\\beta^{-1}]$, $\\lambda$ the eigenvalues of the step, whose product is $\\beta^D$), so after $K$ steps back the error is at most about $\\beta^{-K}\\varepsilon$.',
    uses: ['momentumInverse'],
    async check(impl, ctx) {
      const inv = (s: State, c: Cost, a: number, b: number): State => readState(impl.momentumInverse(s.theta.slice(), s.p.slice(), c.grad, a, b), s.theta.length);
      const rep = await forAll(
        specArb,
        (s) => {
          const c = costOf(s);
          const s0 = randState(s.D, s.seed);
          const s1 = stepForward(s0, c.grad, s.alpha, s.beta);
          const got = inv(s1, c, s.alpha, s.beta);
          const e = stateErr(got, s0);
          if (!(e <= 1e-10)) {
            const m = nameMistake(() => recogniseInverse(got, s1, c, s.alpha, s.beta, s0));
            const ct = compareTensor('theta', toTensor(got.theta), toTensor(s0.theta), 1e-10),
              cp = compareTensor('p', toTensor(got.p), toTensor(s0.p), 1e-10);
            fail(
              [
                `One step forward then momentumInverse does not return the start state (relative error ${fmtNum(e)}, tolerance 1e-10):`,
                ...[ct, cp].filter((x) => !x.pass).map((x) => `  ${formatComparison(x, x.name === 'theta' ? 'θ(k)' : 'p(k)')}`),
                ...(m ? [`  ${recognised(m)}.`] : []),
              ].join('\n'),
            );
          }
          return { relErr: e };
        },
        { numRuns: ctx.runs(60), seed: ctx.seed, examples, show },
      );
      // K-step round trips, measured: error against K, fitted growth per step vs 1/β
      const growth: Record<string, unknown> = {};
      for (const [beta, K] of [
        [0.5, 40],
        [0.8, 100],
      ] as const) {
        const c = quadratic(4, 5),
          s0 = randState(4, 5);
        const errs = roundTrip((s) => inv(s, c, 0.1, beta), s0, c, 0.1, beta, K);
        for (const [k, e] of errs) {
          const bound = 1e3 * EPS * beta ** -k;
          if (!(e <= bound)) fail(`${k} steps forward then ${k} back (β = ${beta}) leave a relative error ${fmtNum(e)}, more than rounding can explain (bound 1e3·ε·β^−K = ${fmtNum(bound)}).`);
        }
        const g = growthPerStep(errs);
        growth[`beta_${beta}`] = {
          K,
          errAtK: errs[errs.length - 1][1],
          errOverEpsBetaMinusK: errs[errs.length - 1][1] / (EPS * beta ** -K),
          kMeasured: errs.length,
          fittedGrowthPerStep: g.factor,
          predictedGrowthPerStep: backwardGrowth(c, 0.1, beta),
          oneOverSqrtBeta: 1 / Math.sqrt(beta),
          oneOverBeta: 1 / beta,
          pointsFitted: g.points,
        };
      }
      return { cases: rep.cases, worstOneStepRelErr: rep.worst.relErr, roundTrip: growth as never };
    },
  },
  {
    id: 'momentum.jacobian',
    ...refs,
    part: 'b',
    points: 0.5,
    statement: 'the Jacobian ∂s(k+1)/∂s(k) equals float64 central differences of the step (relative error ≤ 1e-7), D = 1–10, quadratic and non-quadratic costs',
    answer:
      'With $H=\\nabla^2J(\\theta^{(k)})$ and the state ordered $(\\theta,p)$: ' +
      '$$\\frac{\\partial s^{(k+1)}}{\\partial s^{(k)}}=\\begin{pmatrix}I-\\alpha H & \\beta I\\\\ -\\alpha H & \\beta I\\end{pmatrix}.$$',
    uses: ['momentumJacobian'],
    async check(impl, ctx) {
      const rep = await forAll(
        specArb,
        (s) => {
          const c = costOf(s);
          const s0 = randState(s.D, s.seed);
          const D = s.D;
          const got = readTensor(impl.momentumJacobian(s0.theta.slice(), s0.p.slice(), c.hess, s.alpha, s.beta), 'momentumJacobian(…)', [2 * D, 2 * D]);
          // column j: derivative of the step's output with respect to state component j
          const flat = [...s0.theta, ...s0.p];
          // 4th-order central stencil per column (the step of finite-diff.ts: h = ε^{1/5}·max(1,|x|)), all rows at once
          const fd: number[][] = Array.from({ length: 2 * D }, () => new Array(2 * D).fill(0));
          for (let j = 0; j < 2 * D; j++) {
            const h = FD_STEP[4] * Math.max(1, Math.abs(flat[j]));
            const at = (dx: number): number[] => {
              const x = flat.slice();
              x[j] += dx;
              const o = stepForward({ theta: x.slice(0, D), p: x.slice(D) }, c.grad, s.alpha, s.beta);
              return [...o.theta, ...o.p];
            };
            const [m2, m1, p1, p2] = [at(-2 * h), at(-h), at(h), at(2 * h)];
            for (let r = 0; r < 2 * D; r++) fd[r][j] = (m2[r] - 8 * m1[r] + 8 * p1[r] - p2[r]) / (12 * h);
          }
          const cmp = compareTensor('J', got, toTensor(fd), 1e-7);
          if (!cmp.pass) {
            const J = jacobian(s0.theta, c.hess, s.alpha, s.beta);
            const m = nameMistake(() => recogniseJacobian(got, J, D, s.alpha, c.hess(s0.theta)));
            fail(
              `The Jacobian disagrees with central differences of the momentum step: ${formatComparison(cmp, '∂s(k+1)/∂s(k)')} (rows and columns ordered θ_1…θ_D, p_1…p_D)${m ? `\n  ${recognised(m)}` : ''}`,
            );
          }
          return { relErr: cmp.relErr };
        },
        { numRuns: ctx.runs(30), seed: ctx.seed, examples, show },
      );
      return { cases: rep.cases, worstRelErr: rep.worst.relErr, tolerance: 1e-7 };
    },
  },
  {
    id: 'momentum.det',
    ...refs,
    part: 'b',
    points: 0.5,
    statement:
      "the Jacobian's determinant is β^D: the student's formula equals the determinant measured by LU on the Jacobian (relative error ≤ 1e-10) for D = 1–10, quadratic and non-quadratic costs",
    answer:
      'Eliminating the lower-left block (subtract the second block row from the first) gives $\\det\\begin{pmatrix}I & 0\\\\-\\alpha H&\\beta I\\end{pmatrix}$, so ' +
      '$$\\det\\frac{\\partial s^{(k+1)}}{\\partial s^{(k)}}=\\beta^D,$$ independent of $\\alpha$, $H$ and the state. ' +
      'The step shrinks volumes in state space by $\\beta^D$: it is invertible (no information is destroyed in exact arithmetic), but each step loses about ' +
      '$D\\log_2(1/\\beta)$ bits; running training backwards in finite precision must recover them, so rounding errors grow like $\\beta^{-K}$ over $K$ steps ' +
      '(measured in momentum.inverse) and storing the lost bits is needed for exact reversal.',
    uses: ['momentumJacobianDet'],
    check(impl) {
      let worst = 0,
        worstMeasured = 0,
        n = 0;
      const rng = makeRng(17);
      for (let D = 1; D <= 10; D++) {
        for (const quad of [true, false]) {
          for (const beta of [0.5, 0.9, 0.99]) {
            const alpha = 0.05 + 0.2 * rng.next();
            const c = quad ? quadratic(D, 100 + D) : logcoshQuartic(D, 200 + D);
            const s0 = randState(D, 300 + D);
            const measured = det(jacobian(s0.theta, c.hess, alpha, beta));
            const exact = beta ** D;
            const em = Math.abs(measured - exact) / exact;
            worstMeasured = Math.max(worstMeasured, em);
            if (!(em <= 1e-10)) fail(`internal: the LU determinant ${measured} differs from β^D = ${exact} (D=${D})`);
            const got = readNumber(impl.momentumJacobianDet(D, alpha, beta), `momentumJacobianDet(${D}, ${alpha.toPrecision(3)}, ${beta})`);
            const e = Math.abs(got - measured) / Math.abs(measured);
            if (!(e <= 1e-10)) {
              const m = recognisedBy(() => recogniseDet(got, D, beta));
              const named = m ? `\n  ${m}` : '';
              fail(
                `momentumJacobianDet(D = ${D}, α = ${alpha.toPrecision(3)}, β = ${beta}) = ${fmtNum(got)}, but the determinant of the Jacobian measured by LU (${quad ? 'quadratic' : 'log-cosh + quartic'} cost) is ${fmtNum(measured)} (relative error ${fmtNum(e)}, tolerance 1e-10).${named}`,
              );
            }
            worst = Math.max(worst, e);
            n++;
          }
        }
      }
      return { cases: n, worstRelErrVsMeasured: worst, worstMeasuredVsBetaD: worstMeasured, bitsLostPerStep_D10_beta0_9: 10 * Math.log2(1 / 0.9) };
    },
  },
];
