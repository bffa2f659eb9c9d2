/**
 * Float64 reference of the CIFAR topic's contract (the optimizers' and batch norm's mistakes: ./misconceptions.ts).
 */
import { fanIn } from '../init/he.ts';
import type { AdamHyper, AdamState, CifarContract, CifarTrainedRuns, RmspropHyper, RmspropState, SgdHyper } from './contract.ts';
import { LENET_PARAM_COUNT } from './lenet.ts';

/** SGD with momentum; the weight decay λw joins the gradient before the momentum (PyTorch's order). */
export function sgdStep(w: number[], g: number[], v: number[], hp: SgdHyper) {
  const nv = v.map((vi, i) => hp.momentum * vi + (g[i] + hp.weightDecay * w[i]));
  return { w: w.map((wi, i) => wi - hp.lr * nv[i]), v: nv };
}

/** Each column's (feature's) mean over the batch's rows. */
export const columnMeans = (x: number[][]): number[] => Array.from({ length: x[0].length }, (_, c) => x.reduce((a, r) => a + r[c], 0) / x.length);

/** Each column's variance about `mu`, the sum of squares divided by `divisor` (the batch size M for BN). */
export const columnVariances = (x: number[][], mu: number[], divisor: number): number[] => mu.map((m, c) => x.reduce((a, r) => a + (r[c] - m) ** 2, 0) / divisor);

/** Batch norm: each feature normalised over the batch with the biased variance, then scaled and shifted. */
export function batchNorm(x: number[][], gamma: number[], beta: number[], eps: number): number[][] {
  const mu = columnMeans(x);
  const va = columnVariances(x, mu, x.length);
  return x.map((r) => r.map((xi, c) => ((xi - mu[c]) / Math.sqrt(va[c] + eps)) * gamma[c] + beta[c]));
}

export function adamStep(w: number[], g: number[], st: AdamState, hp: AdamHyper) {
  const t = st.t + 1;
  const m = st.m.map((mi, i) => hp.beta1 * mi + (1 - hp.beta1) * g[i]);
  const s = st.s.map((si, i) => hp.beta2 * si + (1 - hp.beta2) * g[i] * g[i]);
  const c1 = 1 - hp.beta1 ** t,
    c2 = 1 - hp.beta2 ** t;
  return { w: w.map((wi, i) => wi - (hp.lr * (m[i] / c1)) / (Math.sqrt(s[i] / c2) + hp.epsilon)), state: { m, s, t } };
}

/** tfjs's non-centred RMSProp: v ← μv + η g/√(s + ε), w ← w − v. */
export function rmspropStep(w: number[], g: number[], st: RmspropState, hp: RmspropHyper) {
  const s = st.s.map((si, i) => hp.decay * si + (1 - hp.decay) * g[i] * g[i]);
  const v = st.v.map((vi, i) => hp.momentum * vi + (hp.lr * g[i]) / Math.sqrt(s[i] + hp.epsilon));
  return { w: w.map((wi, i) => wi - v[i]), state: { s, v } };
}

/** The key's trained networks (scripts/make-cifar-runs.mts), in the reference submission's folder. */
export const KEY_RUNS: CifarTrainedRuns = {
  std001: { model: 'cifar-runs/std001/model.json', log: 'cifar-runs/std001/log.json' },
  he: { model: 'cifar-runs/he/model.json', log: 'cifar-runs/he/log.json' },
  bn: { model: 'cifar-runs/bn/model.json', log: 'cifar-runs/bn/log.json' },
};

export const cifarReference: CifarContract = {
  cifarParamCount: LENET_PARAM_COUNT,
  cifarHeStd: (shape) => Math.sqrt(2 / fanIn(shape)),
  cifarSgdStep: sgdStep,
  cifarBatchNorm: batchNorm,
  cifarAdamStep: adamStep,
  cifarRmspropStep: rmspropStep,
  cifarTrainedRuns: KEY_RUNS,
};
