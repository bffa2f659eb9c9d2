/**
 * Reference implementation, float64: the forward pass and closed-form BPTT.
 *
 * `bpttVariant` also computes the misconception bank's variants (see misconceptions.ts): the
 * grader runs them to recognise a student's mistake by name.  The reference is variant 'correct'.
 */
import type { RnnBpttResult, RnnContract, RnnForwardResult, RnnParams } from './contract.ts';

export type RnnVariant =
  'correct' | 'diagonal-whh' | 'no-tanh-derivative' | 'whh-uses-h_t' | 'last-step-not-propagated' | 'dz-wrong-sign' | 'dz-no-onehot' | 'dz-shifted-target' | 'truncated-bptt' | 'whh-not-transposed';

/** Mistakes a forward pass can make (the forward misconception bank). */
export type RnnForwardVariant = 'correct' | 'forward-no-bh' | 'forward-sigmoid' | 'forward-mean-loss';

const matVec = (W: number[][], v: number[]): number[] => W.map((row) => row.reduce((s, w, j) => s + w * v[j], 0));
const matTVec = (W: number[][], v: number[]): number[] => W[0].map((_, j) => W.reduce((s, row, i) => s + row[j] * v[i], 0));
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

/** Forward pass.  `perturbH` adds a vector to h_t right after it is computed (used to measure ∂L/∂h_t). */
export function rnnForward(p: RnnParams, xs: number[][], ys: number[], perturbH?: { t: number; v: number[] }): RnnForwardResult {
  return forwardVariant(p, xs, ys, 'correct', perturbH);
}

export function forwardVariant(p: RnnParams, xs: number[][], ys: number[], variant: RnnForwardVariant, perturbH?: { t: number; v: number[] }): RnnForwardResult {
  const act = variant === 'forward-sigmoid' ? (v: number) => 1 / (1 + Math.exp(-v)) : Math.tanh;
  const bh = variant === 'forward-no-bh' ? p.bh.map(() => 0) : p.bh;
  const H = p.Whh.length;
  let prev = new Array<number>(H).fill(0);
  const h: number[][] = [];
  const z: number[][] = [];
  let loss = 0;
  for (let t = 0; t < xs.length; t++) {
    const ax = matVec(p.Wxh, xs[t]);
    const ah = matVec(p.Whh, prev);
    let ht = ax.map((v, j) => act(v + ah[j] + bh[j]));
    if (perturbH && perturbH.t === t) ht = ht.map((v, j) => v + perturbH.v[j]);
    const o = matVec(p.Whz, ht).map((v, k) => v + p.bz[k]);
    const r = softmaxXent(o, ys[t]);
    h.push(ht);
    z.push(r.z);
    loss += r.loss;
    prev = ht;
  }
  return { h, z, loss: variant === 'forward-mean-loss' ? loss / xs.length : loss };
}

/** BPTT with one mistake, or with several at once (a list: each applied where it acts). */
export function bpttVariant(p: RnnParams, xs: number[][], ys: number[], variants: RnnVariant | readonly RnnVariant[] = 'correct'): RnnBpttResult {
  const on = new Set<RnnVariant>(typeof variants === 'string' ? [variants] : variants);
  const has = (v: RnnVariant): boolean => on.has(v);
  const T = xs.length;
  const H = p.Whh.length;
  const { h, z, loss } = rnnForward(p, xs, ys);
  const grads: RnnParams = {
    Wxh: zerosLike(p.Wxh),
    Whh: zerosLike(p.Whh),
    Whz: zerosLike(p.Whz),
    bh: p.bh.map(() => 0),
    bz: p.bz.map(() => 0),
  };
  const sign = has('dz-wrong-sign') ? -1 : 1;
  // δ^z_t = z_t − onehot(y_t)
  const target = (t: number): number => (has('dz-shifted-target') ? ys[Math.max(0, t - 1)] : has('dz-no-onehot') ? -1 : ys[t]);
  const dz = z.map((zt, t) => zt.map((v, k) => sign * (v - (k === target(t) ? 1 : 0))));
  const dh: number[][] = new Array(T);
  const tanhGrad = (t: number, g: number[]): number[] => (has('no-tanh-derivative') ? g.slice() : g.map((x, j) => (1 - h[t][j] ** 2) * x));
  let deltaNext = new Array<number>(H).fill(0); // δ^h_{t+1}
  let ownNext = new Array<number>(H).fill(0); // δ^h_{t+1} from step t+1's own loss only (the truncated variant's)
  for (let t = T - 1; t >= 0; t--) {
    // ∂L/∂h_t = W_hzᵀ δ^z_t + W_hhᵀ δ^h_{t+1}
    const fromOut = has('last-step-not-propagated') && t === T - 1 ? new Array<number>(H).fill(0) : matTVec(p.Whz, dz[t]);
    const back = has('truncated-bptt') ? ownNext : deltaNext;
    const fromNext = has('diagonal-whh') ? back.map((d, j) => p.Whh[j][j] * d) : has('whh-not-transposed') ? matVec(p.Whh, back) : matTVec(p.Whh, back);
    dh[t] = fromOut.map((v, j) => v + fromNext[j]);
    // δ^h_t = (1 − h_t²) ⊙ ∂L/∂h_t
    const delta = tanhGrad(t, dh[t]);
    const hPrev = t > 0 ? h[t - 1] : new Array<number>(H).fill(0);
    addOuter(grads.Whz, dz[t], h[t]);
    dz[t].forEach((v, k) => (grads.bz[k] += v));
    addOuter(grads.Whh, delta, has('whh-uses-h_t') ? h[t] : hPrev);
    addOuter(grads.Wxh, delta, xs[t]);
    delta.forEach((v, j) => (grads.bh[j] += v));
    deltaNext = delta;
    ownNext = tanhGrad(t, fromOut);
  }
  return { loss, dz, dh, grads };
}

export const rnnBptt = (p: RnnParams, xs: number[][], ys: number[]): RnnBpttResult => bpttVariant(p, xs, ys, 'correct');

export const rnnReference: RnnContract = {
  rnnForward: (p, xs, ys) => rnnForward(p, xs, ys),
  rnnBptt,
};
