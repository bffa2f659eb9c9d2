/**
 * The RNN BPTT problem's claims (CIE6032 HW2 P1 = ELEG5491 HW2 P1, 20 points each).
 */
import type { Claim, Evidence } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { autodiffGrad } from '../verify/autodiff.ts';
import { compareSets, compareTensor, formatComparison, type TensorComparison } from '../verify/compare.ts';
import { centralDiff1, numericGrad, type ParamSet } from '../verify/finite-diff.ts';
import { forAll } from '../verify/property.ts';
import { field, readNumber, readTensor } from '../verify/read.ts';
import { toNested, toTensor, type Tensor64 } from '../verify/tensor.ts';
import { PARAM_LABEL, RNN_PARAM_NAMES, type RnnContract, type RnnParams } from './contract.ts';
import { makeRnnCase, rnnCaseArb, rnnExamples, showRnnCase } from './cases.ts';
import { diagnoseBpttWithMistakes, forwardDistance, recogniseDz, rnnForwardBank, type RnnCase } from './misconceptions.ts';
import { recognise } from '../verify/diagnose.ts';
import { rnnForward, softmaxXent } from './reference.ts';
import { rnnLossTf } from './tfjs.ts';
import { recognised } from '../verify/failure.ts';

/** Tolerances.  FD: the 4th-order stencil's own error is ~1e-12 relative (finite-diff.ts), so 1e-7
 *  leaves 5 orders of margin.  Autodiff: tfjs is float32 (ε ≈ 6e-8); accumulated rounding over
 *  T ≤ 50 steps stays ~1e-6 relative per tensor, so 1e-4 leaves 2 orders of margin. */
export const FD_TOL = 1e-7;
/** Absolute floor for tensors that are exactly zero in the closed form (e.g. ∂L/∂W_hh at T = 1, where
 *  h_0 = 0): the stencil's rounding noise is ≈ ε|L|/h ≈ 3e-13·|L| per element, so a difference norm below
 *  1e-9·max(1,|L|) is noise, not a wrong gradient. */
export const fdAtol = (loss: number): number => 1e-9 * Math.max(1, Math.abs(loss));
export const AUTODIFF_TOL = 1e-4;
/** forward pass and δ^z are checked against the float64 reference to near machine precision */
const EXACT_TOL = 1e-10;

const shapes = (c: RnnCase) => {
  const H = c.params.Whh.length,
    I = c.params.Wxh[0].length,
    C = c.params.Whz.length,
    T = c.xs.length;
  return { H, I, C, T, Wxh: [H, I], Whh: [H, H], Whz: [C, H], bh: [H], bz: [C] } as const;
};

interface ReadBptt {
  loss: number;
  dz: Tensor64;
  dh: Tensor64;
  grads: ParamSet;
  raw: unknown;
}

function readBptt(r: unknown, c: RnnCase): ReadBptt {
  const s = shapes(c);
  const g = field(r, 'grads', 'rnnBptt(…)');
  const grads: ParamSet = {};
  for (const n of RNN_PARAM_NAMES) grads[n] = readTensor(field(g, n, 'rnnBptt(…).grads'), `rnnBptt(…).grads.${n}`, s[n]);
  return {
    loss: readNumber(field(r, 'loss', 'rnnBptt(…)'), 'rnnBptt(…).loss'),
    dz: readTensor(field(r, 'dz', 'rnnBptt(…)'), 'rnnBptt(…).dz', [s.T, s.C]),
    dh: readTensor(field(r, 'dh', 'rnnBptt(…)'), 'rnnBptt(…).dh', [s.T, s.H]),
    grads,
    raw: r,
  };
}

const paramTensors = (p: RnnParams): ParamSet => Object.fromEntries(RNN_PARAM_NAMES.map((n) => [n, toTensor(p[n], n)])) as ParamSet;
const paramsOf = (ps: ParamSet): RnnParams => Object.fromEntries(RNN_PARAM_NAMES.map((n) => [n, toNested(ps[n])])) as unknown as RnnParams;

/** Float64 central differences of the homework's loss (not the student's forward pass). */
export function rnnNumericGrad(c: RnnCase): ParamSet {
  return numericGrad((ps) => rnnForward(paramsOf(ps), c.xs, c.ys).loss, paramTensors(c.params));
}

function gradFailure(title: string, cmp: TensorComparison[], got: ReadBptt, c: RnnCase, impl: RnnContract): never {
  const lines = [title];
  for (const x of cmp.filter((x) => !x.pass)) lines.push(`  ${formatComparison(x, PARAM_LABEL[x.name as keyof typeof PARAM_LABEL])}`);
  const d = diagnoseBpttWithMistakes(impl, c, got.raw as never);
  for (const l of d.lines) lines.push(`  ${l}`);
  fail(lines.join('\n'), {
    mistakes: d.mistakes,
    wrong: cmp.filter((x) => !x.pass).map((x) => x.name),
    relErr: Object.fromEntries(cmp.map((x) => [x.name, x.relErr])),
  });
}

/** Per-tensor relative errors of one case; a tensor that passed only under the absolute floor (an exactly
 *  zero gradient, e.g. ∂L/∂W_hh at T = 1) reports its difference norm under `abs_` instead. */
const perTensor = (cmp: TensorComparison[], prefix: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of cmp) out[x.passedBy === 'abs' ? `abs_${x.name}` : `${prefix}${x.name}`] = x.passedBy === 'abs' ? x.absErr : x.relErr;
  out[`${prefix}max`] = Math.max(...cmp.filter((x) => x.passedBy !== 'abs').map((x) => x.relErr), 0);
  return out;
};

function worstEvidence(worst: Record<string, number>, prefix: string): Evidence {
  const e: Evidence = {};
  for (const n of [...RNN_PARAM_NAMES, 'max']) e[n] = worst[`${prefix}${n}`] ?? null;
  const abs = Object.entries(worst).filter(([k]) => k.startsWith('abs_'));
  if (abs.length) e.absoluteFloorCases = Object.fromEntries(abs.map(([k, v]) => [k.slice(4), v]));
  return e;
}

const refs = { course: 'CIE6032', hw: 'HW2', problem: 1 } as const;
const alsoIn = (points: number) => [{ course: 'ELEG5491' as const, hw: 'HW2', problem: 1, points }];

export const rnnClaims: Claim<RnnContract>[] = [
  {
    id: 'rnn.forward',
    ...refs,
    points: 2,
    alsoIn: alsoIn(2),
    statement: 'the forward pass computes h_t, z_t and L = Σ_t −log z_{t,y_t} as defined (h_0 = 0)',
    answer:
      '$\\mathbf h_t=\\tanh(\\mathbf W_{xh}\\mathbf x_t+\\mathbf W_{hh}\\mathbf h_{t-1}+\\mathbf b_h)$ with $\\mathbf h_0=\\mathbf 0$; ' +
      '$\\mathbf z_t=\\operatorname{softmax}(\\mathbf o_t)$, $\\mathbf o_t=\\mathbf W_{hz}\\mathbf h_t+\\mathbf b_z$; ' +
      '$L=\\sum_t\\big(\\log\\sum_k e^{o_{t,k}}-o_{t,y_t}\\big)$ (computed as log-sum-exp for stability).',
    uses: ['rnnForward'],
    async check(impl, ctx) {
      const rep = await forAll(
        rnnCaseArb(),
        (spec) => {
          const c = makeRnnCase(spec);
          const s = shapes(c);
          const want = rnnForward(c.params, c.xs, c.ys);
          const r = impl.rnnForward(c.params, c.xs, c.ys);
          const loss = readNumber(field(r, 'loss', 'rnnForward(…)'), 'rnnForward(…).loss');
          const got = {
            h: readTensor(field(r, 'h', 'rnnForward(…)'), 'rnnForward(…).h', [s.T, s.H]),
            z: readTensor(field(r, 'z', 'rnnForward(…)'), 'rnnForward(…).z', [s.T, s.C]),
          };
          const h = { ...compareTensor('h', got.h, toTensor(want.h), EXACT_TOL), got: got.h };
          const z = { ...compareTensor('z', got.z, toTensor(want.z), EXACT_TOL), got: got.z };
          const l = compareTensor('loss', toTensor(loss), toTensor(want.loss), EXACT_TOL);
          const bad = [h, z, l].filter((x) => !x.pass);
          if (bad.length) {
            const m = recognise(rnnForwardBank, c, { h: toNested(h.got) as number[][], z: toNested(z.got) as number[][], loss }, forwardDistance, 1e-9, want);
            fail(['The forward pass is wrong:', ...bad.map((x) => `  ${formatComparison(x)}`), ...(m ? [`  ${recognised(m.label)}.`] : [])].join('\n'));
          }
          return { relErr: Math.max(h.relErr, z.relErr, l.relErr) };
        },
        { numRuns: ctx.runs(50), seed: ctx.seed, examples: ctx.thorough ? rnnExamples : [], show: showRnnCase },
      );
      return { cases: rep.cases, worstRelErr: rep.worst.relErr };
    },
  },
  {
    id: 'rnn.delta-z',
    ...refs,
    points: 3,
    alsoIn: alsoIn(3),
    statement: 'the output error signal is δ^z_t = z_t − onehot(y_t)',
    answer:
      'For softmax followed by cross entropy, $\\partial L_t/\\partial o_{t,k}=z_{t,k}-[k=y_t]$, i.e. ' +
      '$\\boldsymbol\\delta^z_t=\\mathbf z_t-\\mathbf e_{y_t}$ ($L_t$ depends on $\\mathbf o_t$ only through step $t$).',
    uses: ['rnnBptt'],
    async check(impl, ctx) {
      const rep = await forAll(
        rnnCaseArb(),
        (spec) => {
          const c = makeRnnCase(spec);
          const got = readBptt(impl.rnnBptt(c.params, c.xs, c.ys), c);
          const { h, z } = rnnForward(c.params, c.xs, c.ys);
          // δ^z from its definition, ∂L/∂o_t, by float64 central differences on the logits o_t
          const want = h.map((ht, t) => {
            const o = c.params.Whz.map((row, i) => row.reduce((acc, w, j) => acc + w * ht[j], 0) + c.params.bz[i]);
            return o.map((ok, k) =>
              centralDiff1(
                (v) =>
                  softmaxXent(
                    o.map((x, i) => (i === k ? v : x)),
                    c.ys[t],
                  ).loss,
                ok,
              ),
            );
          });
          const exact = z.map((zt, t) => zt.map((v, k) => v - (k === c.ys[t] ? 1 : 0)));
          const cmp = compareTensor('dz', got.dz, toTensor(want), FD_TOL);
          if (!cmp.pass) {
            const t = 1 + want.findIndex((row, i) => !compareTensor('row', toTensor(Array.from(got.dz.data.slice(i * row.length, (i + 1) * row.length))), toTensor(row), FD_TOL).pass);
            const m = recogniseDz(c, got.dz, toTensor(exact));
            fail(`δ^z_t is wrong from t = ${t}: ${formatComparison(cmp, 'δ^z')}` + (m ? `\n  ${recognised(m.label)}.` : ''));
          }
          return { relErr: cmp.relErr };
        },
        { numRuns: ctx.runs(30), seed: ctx.seed, examples: ctx.thorough ? rnnExamples : [], show: showRnnCase },
      );
      return { cases: rep.cases, worstRelErr: rep.worst.relErr };
    },
  },
  {
    id: 'rnn.dh',
    ...refs,
    points: 5,
    alsoIn: alsoIn(5),
    statement: "the recursion for ∂L/∂h_t — from step t's output and from h_{t+1} through the full W_hhᵀ — equals float64 central differences",
    answer:
      'Backwards from $t=T$ with $\\boldsymbol\\delta^h_{T+1}=\\mathbf 0$: ' +
      '$$\\frac{\\partial L}{\\partial\\mathbf h_t}=\\mathbf W_{hz}^\\top\\boldsymbol\\delta^z_t+\\mathbf W_{hh}^\\top\\boldsymbol\\delta^h_{t+1},\\qquad ' +
      '\\boldsymbol\\delta^h_t=\\frac{\\partial L}{\\partial\\mathbf a_t}=(1-\\mathbf h_t\\odot\\mathbf h_t)\\odot\\frac{\\partial L}{\\partial\\mathbf h_t},$$ ' +
      'where $\\mathbf a_t=\\mathbf W_{xh}\\mathbf x_t+\\mathbf W_{hh}\\mathbf h_{t-1}+\\mathbf b_h$. $\\mathbf h_t$ reaches $L$ through $L_t$ (via $\\mathbf z_t$) ' +
      'and through every later step (via $\\mathbf h_{t+1}$), so both terms are needed; at $t=T$ only the first.',
    uses: ['rnnBptt'],
    async check(impl, ctx) {
      const rep = await forAll(
        rnnCaseArb(),
        (spec) => {
          const c = makeRnnCase(spec);
          const got = readBptt(impl.rnnBptt(c.params, c.xs, c.ys), c);
          const H = c.params.Whh.length;
          // total derivative: perturb h_t after it is computed and run the rest of the sequence
          const want = c.xs.map((_, t) =>
            Array.from({ length: H }, (_, j) => centralDiff1((e) => rnnForward(c.params, c.xs, c.ys, { t, v: Array.from({ length: H }, (_, i) => (i === j ? e : 0)) }).loss, 0)),
          );
          const cmp = compareTensor('dh', got.dh, toTensor(want), FD_TOL, fdAtol(got.loss));
          if (!cmp.pass) {
            const d = diagnoseBpttWithMistakes(impl, c, got.raw as never);
            fail(['∂L/∂h_t disagrees with float64 central differences:', `  ${formatComparison(cmp, '∂L/∂h')} (index [t−1, j])`, ...d.lines.map((l) => `  ${l}`)].join('\n'), {
              mistakes: d.mistakes,
            });
          }
          return { relErr: cmp.relErr };
        },
        { numRuns: ctx.runs(40), seed: ctx.seed, examples: ctx.thorough ? rnnExamples : [], show: showRnnCase },
      );
      return { cases: rep.cases, worstRelErr: rep.worst.relErr };
    },
  },
  {
    id: 'rnn.grads.fd',
    ...refs,
    points: 8,
    alsoIn: alsoIn(8),
    statement: 'the closed-form gradients of all five parameter groups equal float64 central differences (relative error ≤ 1e-7 per tensor)',
    answer:
      '$$\\frac{\\partial L}{\\partial\\mathbf W_{hz}}=\\sum_t\\boldsymbol\\delta^z_t\\mathbf h_t^\\top,\\quad ' +
      '\\frac{\\partial L}{\\partial\\mathbf b_z}=\\sum_t\\boldsymbol\\delta^z_t,\\quad ' +
      '\\frac{\\partial L}{\\partial\\mathbf W_{hh}}=\\sum_t\\boldsymbol\\delta^h_t\\mathbf h_{t-1}^\\top,\\quad ' +
      '\\frac{\\partial L}{\\partial\\mathbf W_{xh}}=\\sum_t\\boldsymbol\\delta^h_t\\mathbf x_t^\\top,\\quad ' +
      '\\frac{\\partial L}{\\partial\\mathbf b_h}=\\sum_t\\boldsymbol\\delta^h_t.$$ ' +
      'Algorithm: run the forward pass storing every $\\mathbf h_t,\\mathbf z_t$; then for $t=T,\\dots,1$ compute $\\boldsymbol\\delta^z_t$, ' +
      '$\\partial L/\\partial\\mathbf h_t$ and $\\boldsymbol\\delta^h_t$ as above and accumulate the five sums. The weights are shared across time, ' +
      'so each gradient is a sum of per-step contributions. Cost $O(T(H^2+HI+HC))$, the same order as the forward pass.',
    uses: ['rnnBptt'],
    async check(impl, ctx) {
      const rep = await forAll(
        rnnCaseArb(),
        (spec) => {
          const c = makeRnnCase(spec);
          const got = readBptt(impl.rnnBptt(c.params, c.xs, c.ys), c);
          const cmp = compareSets(got.grads, rnnNumericGrad(c), FD_TOL, fdAtol(got.loss));
          if (cmp.some((x) => !x.pass)) gradFailure('Gradients disagree with float64 central differences of L:', cmp, got, c, impl);
          return perTensor(cmp, 'rel_');
        },
        { numRuns: ctx.runs(110), seed: ctx.seed, examples: ctx.thorough ? rnnExamples : [], show: showRnnCase },
      );
      return { cases: rep.cases, worstRelErrPerTensor: worstEvidence(rep.worst, 'rel_'), tolerance: FD_TOL, fdStencil: '4th-order central, h = ε^{1/5}·max(1,|θ|)' };
    },
  },
  {
    id: 'rnn.grads.autodiff',
    ...refs,
    points: 2,
    alsoIn: alsoIn(2),
    statement: 'the closed-form gradients equal TensorFlow.js autodiff of the same loss (float32; relative error ≤ 1e-4 per tensor, or absolute ≤ 1e-6·max(1, |L|) where float32 rounding dominates)',
    answer: 'The same gradients as above, cross-checked against reverse-mode autodiff, which applies exactly this recursion mechanically.',
    uses: ['rnnBptt'],
    async check(impl, ctx) {
      const rep = await forAll(
        rnnCaseArb(),
        async (spec) => {
          const c = makeRnnCase(spec);
          const got = readBptt(impl.rnnBptt(c.params, c.xs, c.ys), c);
          const C = c.params.Whz.length;
          const ad = await autodiffGrad((p) => rnnLossTf(p, c.xs, c.ys, C), paramTensors(c.params));
          // float32 autodiff: a gradient tiny beside the loss (H = 1, short T) is all rounding, so it
          // also passes within 1e-6·max(1, |L|) absolute, as the LSTM's autodiff claims do
          const cmp = compareSets(got.grads, ad.grads, AUTODIFF_TOL, 1e-6 * Math.max(1, Math.abs(got.loss)));
          if (cmp.some((x) => !x.pass)) gradFailure('Gradients disagree with tfjs autodiff (float32) of L:', cmp, got, c, impl);
          return perTensor(cmp, 'rel_');
        },
        { numRuns: ctx.runs(100), seed: ctx.seed, examples: ctx.thorough ? rnnExamples : [], show: showRnnCase },
      );
      return { cases: rep.cases, worstRelErrPerTensor: worstEvidence(rep.worst, 'rel_'), tolerance: AUTODIFF_TOL, absoluteTolerance: '1e-6·max(1, |L|)' };
    },
  },
];
