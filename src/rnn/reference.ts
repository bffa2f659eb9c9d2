/**
 * Reference implementation, float64: the forward pass and closed-form BPTT, written as the homework's
 * equations, one entry each.  A known mistake replaces one equation (misconceptions.ts).
 */
import type { RnnBpttResult, RnnContract, RnnForwardResult, RnnParams } from './contract.ts';

export const matVec = (W: number[][], v: number[]): number[] => W.map((row) => row.reduce((s, w, j) => s + w * v[j], 0));
export const matTVec = (W: number[][], v: number[]): number[] => W[0].map((_, j) => W.reduce((s, row, i) => s + row[j] * v[i], 0));
const addOuter = (G: number[][], a: number[], b: number[]): void => {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) G[i][j] += a[i] * b[j];
};
const zerosLike = (W: number[][]): number[][] => W.map((r) => r.map(() => 0));

/** −log softmax(o)[y], computed stably as logsumexp(o) − o_y. */
export function softmaxXent(o: number[], y: number): { z: number[]; loss: number } {
  const m = Math.max(...o);
  const e = o.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return { z: e.map((v) => v / s), loss: m + Math.log(s) - o[y] };
}

/** The forward equations that a known mistake can change. */
export const RNN_FORWARD = {
  /** the hidden activation: h_t = tanh(…) */
  activation: Math.tanh as (v: number) => number,
  /** the hidden bias b_h */
  hiddenBias: (p: RnnParams): number[] => p.bh,
  /** L = Σ_t L_t */
  total: (sum: number, _T: number): number => sum,
};
export type RnnForwardEquations = typeof RNN_FORWARD;

/** Forward pass.  `perturbH` adds a vector to h_t right after it is computed (used to measure ∂L/∂h_t). */
export function rnnForward(p: RnnParams, xs: number[][], ys: number[], perturbH?: { t: number; v: number[] }, eq: Partial<RnnForwardEquations> = {}): RnnForwardResult {
  const E: RnnForwardEquations = { ...RNN_FORWARD, ...eq };
  const bh = E.hiddenBias(p);
  let prev = new Array<number>(p.Whh.length).fill(0);
  const h: number[][] = [];
  const z: number[][] = [];
  let loss = 0;
  for (let t = 0; t < xs.length; t++) {
    const ax = matVec(p.Wxh, xs[t]);
    const ah = matVec(p.Whh, prev);
    let ht = ax.map((v, j) => E.activation(v + ah[j] + bh[j]));
    if (perturbH && perturbH.t === t) ht = ht.map((v, j) => v + perturbH.v[j]);
    const o = matVec(p.Whz, ht).map((v, k) => v + p.bz[k]);
    const r = softmaxXent(o, ys[t]);
    h.push(ht);
    z.push(r.z);
    loss += r.loss;
    prev = ht;
  }
  return { h, z, loss: E.total(loss, xs.length) };
}

/** What one backward step reads: the parameters, the forward pass, the step t and δ^z of every step. */
export interface RnnStep {
  p: RnnParams;
  xs: number[][];
  ys: number[];
  h: number[][];
  z: number[][];
  dz: number[][];
  t: number;
  /** the equations in force (an equation that uses another calls it through here) */
  eq: RnnBackward;
}

export const onehot = (K: number, y: number): number[] => Array.from({ length: K }, (_, k) => (k === y ? 1 : 0));
export const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/** The backward equations, one entry each; bptt() applies them from t = T down to 1. */
export const RNN_BACKWARD = {
  /** the one-hot target of step t: onehot(y_t) */
  target: (s: RnnStep): number[] => onehot(s.z[s.t].length, s.ys[s.t]),
  /** δ^z_t = z_t − onehot(y_t) */
  dz: (s: RnnStep, target: number[]): number[] => s.z[s.t].map((v, k) => v - target[k]),
  /** the output's share of ∂L/∂h_t: W_hzᵀ δ^z_t */
  fromOutput: (s: RnnStep): number[] => matTVec(s.p.Whz, s.dz[s.t]),
  /** the δ^h_{t+1} that flows back into h_t: the whole of it, with the loss of every later step */
  carried: (_s: RnnStep, deltaNext: number[]): number[] => deltaNext,
  /** the later steps' share of ∂L/∂h_t: W_hhᵀ δ^h_{t+1} */
  fromNext: (s: RnnStep, carried: number[]): number[] => matTVec(s.p.Whh, carried),
  /** δ^h_t = (1 − h_t²) ⊙ ∂L/∂h_t */
  delta: (s: RnnStep, dh: number[]): number[] => dh.map((x, j) => (1 - s.h[s.t][j] ** 2) * x),
  /** what ∂L/∂W_hh multiplies δ^h_t by: h_{t−1} */
  whhInput: (s: RnnStep): number[] => (s.t > 0 ? s.h[s.t - 1] : zeros(s.h[s.t].length)),
};
export type RnnBackward = typeof RNN_BACKWARD;

/** Closed-form BPTT: the backward equations applied from the last step to the first (`eq` replaces any of them). */
export function bptt(p: RnnParams, xs: number[][], ys: number[], eq: Partial<RnnBackward> = {}): RnnBpttResult {
  const E: RnnBackward = { ...RNN_BACKWARD, ...eq };
  const T = xs.length;
  const { h, z, loss } = rnnForward(p, xs, ys);
  const dz: number[][] = [];
  const step = (t: number): RnnStep => ({ p, xs, ys, h, z, dz, t, eq: E });
  for (let t = 0; t < T; t++) dz.push(E.dz(step(t), E.target(step(t))));
  const grads: RnnParams = { Wxh: zerosLike(p.Wxh), Whh: zerosLike(p.Whh), Whz: zerosLike(p.Whz), bh: p.bh.map(() => 0), bz: p.bz.map(() => 0) };
  const dh: number[][] = new Array(T);
  let deltaNext = zeros(p.Whh.length); // δ^h_{t+1}
  for (let t = T - 1; t >= 0; t--) {
    const s = step(t);
    // ∂L/∂h_t = W_hzᵀ δ^z_t + W_hhᵀ δ^h_{t+1}
    const fromOut = E.fromOutput(s);
    const fromNext = E.fromNext(s, E.carried(s, deltaNext));
    dh[t] = fromOut.map((v, j) => v + fromNext[j]);
    const delta = E.delta(s, dh[t]);
    addOuter(grads.Whz, dz[t], h[t]);
    dz[t].forEach((v, k) => (grads.bz[k] += v));
    addOuter(grads.Whh, delta, E.whhInput(s));
    addOuter(grads.Wxh, delta, xs[t]);
    delta.forEach((v, j) => (grads.bh[j] += v));
    deltaNext = delta;
  }
  return { loss, dz, dh, grads };
}

export const rnnBptt = (p: RnnParams, xs: number[][], ys: number[]): RnnBpttResult => bptt(p, xs, ys);

export const rnnReference: RnnContract = {
  rnnForward: (p, xs, ys) => rnnForward(p, xs, ys),
  rnnBptt,
};
