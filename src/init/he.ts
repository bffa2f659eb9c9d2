/**
 * He (Kaiming) initialization — ELEG5491 HW2 P5.2.  With ReLU, Var[y_L] = Var[y_1] Π_l ½ n_l Var[w_l]
 * (eq. 5), so ½ n_l Var[w_l] = 1 (eq. 6) keeps the forward signal's variance constant:
 * w ~ N(0, 2 / n_l), n_l = fan-in = k²·c_in for a k×k convolution over c_in channels,
 * the number of inputs for a dense layer.  (The backward-pass version uses n_l = fan-out.)
 * Owned by the representation/initialization topic; the training topic imports it.
 */
import { makeRng, type Rng } from '../verify/rng.ts';
export function heStd(fan: number): number {
  if (!(fan > 0) || !Number.isFinite(fan)) throw new Error(`heStd: fan must be a positive number, got ${fan}`);
  return Math.sqrt(2 / fan);
}

/** fan-in of a weight tensor in tfjs layout: dense [in, out] → in; conv [k, k, cin, cout] → k·k·cin. */
export function fanIn(shape: readonly number[]): number {
  if (shape.length === 2) return shape[0];
  if (shape.length === 4) return shape[0] * shape[1] * shape[2];
  throw new Error(`fanIn: expected a dense [in,out] or conv [kh,kw,cin,cout] weight shape, got [${shape.join(',')}]`);
}

/** fan-out of a weight tensor in tfjs layout: dense [in, out] → out; conv [k, k, cin, cout] → k·k·cout. */
export function fanOut(shape: readonly number[]): number {
  if (shape.length === 2) return shape[1];
  if (shape.length === 4) return shape[0] * shape[1] * shape[3];
  throw new Error(`fanOut: expected a dense [in,out] or conv [kh,kw,cin,cout] weight shape, got [${shape.join(',')}]`);
}

export type FanMode = 'fan-in' | 'fan-out';

/** The fan that He init divides by: fan-in keeps the forward signal's variance (eq. 6), fan-out the gradient's. */
export function fanOf(shape: readonly number[], mode: FanMode = 'fan-in'): number {
  return mode === 'fan-in' ? fanIn(shape) : fanOut(shape);
}

/**
 * He-initialized weights, flat in row-major tfjs layout (dense [in,out], conv [kh,kw,cin,cout]):
 * iid N(0, 2 / fan), drawn from a generator seeded by `seed` (or from a given Rng), so the same seed
 * always gives the same weights.  `distribution: 'uniform'` draws U(−√3·std, √3·std) instead (same variance).
 */
export function heWeights(shape: readonly number[], seed: number | string | Rng, opts: { mode?: FanMode; distribution?: 'normal' | 'uniform' } = {}): Float64Array {
  const std = heStd(fanOf(shape, opts.mode));
  const rng = typeof seed === 'object' ? seed : makeRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  if (opts.distribution === 'uniform') {
    const a = Math.sqrt(3) * std;
    for (let i = 0; i < n; i++) out[i] = rng.uniform(-a, a);
  } else {
    for (let i = 0; i < n; i++) out[i] = std * rng.normal();
  }
  return out;
}
