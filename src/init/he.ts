/**
 * He (Kaiming) initialization — ELEG5491 HW2 P5.2.  With ReLU, Var[y_L] = Var[y_1] Π_l ½ n_l Var[w_l]
 * (eq. 5), so ½ n_l Var[w_l] = 1 (eq. 6) keeps the forward signal's variance constant:
 * w ~ N(0, 2 / n_l), n_l = fan-in = k²·c_in for a k×k convolution over c_in channels,
 * the number of inputs for a dense layer.  (The backward-pass version uses n_l = fan-out.)
 * Owned by the representation/initialization topic; the training topic imports it.
 */
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
