/**
 * Float64 reference of the CIFAR topic's contract, plus the named mistakes (variants) that the
 * diagnosis recognises.
 */
import { fanIn } from '../init/he.ts';
import type { AdamHyper, AdamState, CifarContract, CifarTrainedRuns, RmspropHyper, RmspropState, SgdHyper } from './contract.ts';
import { LENET_PARAM_COUNT } from './lenet.ts';

export type SgdVariant = 'correct' | 'no-weight-decay' | 'weight-decay-sign' | 'decay-outside-momentum';
export function sgdVariant(w: number[], g: number[], v: number[], hp: SgdHyper, variant: SgdVariant = 'correct') {
  const nv = v.map((vi, i) => {
    const gi = variant === 'no-weight-decay' || variant === 'decay-outside-momentum' ? g[i] : variant === 'weight-decay-sign' ? g[i] - hp.weightDecay * w[i] : g[i] + hp.weightDecay * w[i];
    return hp.momentum * vi + gi;
  });
  const nw = w.map((wi, i) => wi - hp.lr * (nv[i] + (variant === 'decay-outside-momentum' ? hp.weightDecay * wi : 0)));
  return { w: nw, v: nv };
}

export type BnVariant = 'correct' | 'unbiased-variance' | 'eps-outside-sqrt' | 'normalised-over-features';
export function batchNormVariant(x: number[][], gamma: number[], beta: number[], eps: number, variant: BnVariant = 'correct'): number[][] {
  const M = x.length,
    C = x[0].length;
  if (variant === 'normalised-over-features') {
    return x.map((row) => {
      const mu = row.reduce((a, b) => a + b, 0) / C;
      const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / C;
      return row.map((xi, c) => ((xi - mu) / Math.sqrt(v + eps)) * gamma[c] + beta[c]);
    });
  }
  const mu = Array.from({ length: C }, (_, c) => x.reduce((a, r) => a + r[c], 0) / M);
  const va = Array.from({ length: C }, (_, c) => x.reduce((a, r) => a + (r[c] - mu[c]) ** 2, 0) / (variant === 'unbiased-variance' ? M - 1 : M));
  return x.map((r) => r.map((xi, c) => (variant === 'eps-outside-sqrt' ? (xi - mu[c]) / (Math.sqrt(va[c]) + eps) : (xi - mu[c]) / Math.sqrt(va[c] + eps)) * gamma[c] + beta[c]));
}

export type AdamVariant = 'correct' | 'no-bias-correction' | 'eps-inside-sqrt' | 'grad-not-squared';
export function adamVariant(w: number[], g: number[], st: AdamState, hp: AdamHyper, variant: AdamVariant = 'correct') {
  const t = st.t + 1;
  const m = st.m.map((mi, i) => hp.beta1 * mi + (1 - hp.beta1) * g[i]);
  const s = st.s.map((si, i) => hp.beta2 * si + (1 - hp.beta2) * (variant === 'grad-not-squared' ? Math.abs(g[i]) : g[i] * g[i]));
  const c1 = variant === 'no-bias-correction' ? 1 : 1 - hp.beta1 ** t,
    c2 = variant === 'no-bias-correction' ? 1 : 1 - hp.beta2 ** t;
  const nw = w.map((wi, i) => wi - (hp.lr * (m[i] / c1)) / (variant === 'eps-inside-sqrt' ? Math.sqrt(s[i] / c2 + hp.epsilon) : Math.sqrt(s[i] / c2) + hp.epsilon));
  return { w: nw, state: { m, s, t } };
}

export type RmspropVariant = 'correct' | 'eps-outside-sqrt' | 'no-running-average' | 'no-square-root';
export function rmspropVariant(w: number[], g: number[], st: RmspropState, hp: RmspropHyper, variant: RmspropVariant = 'correct') {
  const s = st.s.map((si, i) => (variant === 'no-running-average' ? g[i] * g[i] : hp.decay * si + (1 - hp.decay) * g[i] * g[i]));
  const v = st.v.map((vi, i) => {
    const den = variant === 'eps-outside-sqrt' ? Math.sqrt(s[i]) + hp.epsilon : variant === 'no-square-root' ? s[i] + hp.epsilon : Math.sqrt(s[i] + hp.epsilon);
    return hp.momentum * vi + (hp.lr * g[i]) / den;
  });
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
  cifarSgdStep: (w, g, v, hp) => sgdVariant(w, g, v, hp),
  cifarBatchNorm: (x, gamma, beta, eps) => batchNormVariant(x, gamma, beta, eps),
  cifarAdamStep: (w, g, st, hp) => adamVariant(w, g, st, hp),
  cifarRmspropStep: (w, g, st, hp) => rmspropVariant(w, g, st, hp),
  cifarTrainedRuns: KEY_RUNS,
};

/** Per-layer parameter counts of the P5.1 network and of common wrong readings of the text. */
export const PARAM_COUNT_MISTAKES: Record<string, { count: number; label: string }> = {
  'no-biases': { count: LENET_PARAM_COUNT - (6 + 16 + 120 + 84 + 10), label: 'biases are not counted (each conv/FC layer has one bias per output)' },
  'same-padding': { count: 456 + 2416 + (16 * 8 * 8 * 120 + 120) + 10164 + 850, label: "the convolutions are padded ('same'): the text says without padding, so fc1 sees 16×5×5 = 400 inputs" },
  'no-third-fc': { count: LENET_PARAM_COUNT - 850 - 10164 + (120 * 10 + 10), label: 'the 84-unit FC layer is missing (fc 120 → 84 → 10: three FC layers in all)' },
  'one-input-channel': { count: LENET_PARAM_COUNT - 5 * 5 * 2 * 6, label: 'conv1 has one input channel: CIFAR-10 images are RGB (c_in = 3)' },
};
