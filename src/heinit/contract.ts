/**
 * He initialization (ELEG5491 HW2 P5.2 a): what a student's module exports.
 *
 *   y_l = W_l x_l + b_l,  x_l = ReLU(y_{l−1}),  w_l zero-mean, all elements independent.
 *   (3) Var[y_l] = n_l Var[w_l] E[x_l²]      (4) E[x_l²] = ½ Var[y_{l−1}]  (y_{l−1} symmetric, zero mean)
 *   (5) Var[y_L] = Var[y_1] Π_{l=2}^{L} ½ n_l Var[w_l]      (6) ½ n_l Var[w_l] = 1
 *
 * Weight tensors use the tfjs layout: dense [in, out], conv [kh, kw, cin, cout].
 */
import type { ContractSpec } from '../claims/types.ts';

/** Moments of the layer input x_l, as eq. (3) may need them. */
export interface XMoments {
  /** E[x_l] */
  mean: number;
  /** E[x_l²] */
  meanSq: number;
  /** Var[x_l] = E[x_l²] − E[x_l]² */
  var: number;
}

export interface HeinitContract {
  /** eq. (3): Var[y_l] for n_l inputs per output, weight variance Var[w_l] and input moments */
  heEq3VarY(n: number, varW: number, x: XMoments): number;
  /** eq. (4): E[x_l²] where x_l = ReLU(y_{l−1}) and y_{l−1} is symmetric about 0 with variance varYPrev */
  heEq4MeanSqX(varYPrev: number): number;
  /** eq. (5): Var[y_L]/Var[y_1] for layers l = 2..L given n[i] = n_l and varW[i] = Var[w_l] (same length) */
  heEq5Ratio(n: number[], varW: number[]): number;
  /** eq. (6): the standard deviation of He init for a layer with this fan (fan-in forward; fan-out for the backward pass) */
  heInitStd(fan: number): number;
  /** a He-initialized weight tensor (nested arrays, tfjs layout), reproducible from the seed */
  heInitWeights(shape: number[], seed: number): number[][] | number[][][][];
}

export const heinitContract: ContractSpec<HeinitContract> = {
  heEq3VarY: {
    kind: 'function',
    signature: '(n: number, varW: number, x: { mean: number; meanSq: number; var: number }) => number',
    doc: 'eq. (3): Var[y_l] for a layer with n_l = n inputs per output, Var[w_l] = varW and the given moments of x_l',
  },
  heEq4MeanSqX: {
    kind: 'function',
    signature: '(varYPrev: number) => number',
    doc: 'eq. (4): E[x_l²] for x_l = ReLU(y_{l−1}), y_{l−1} symmetric about 0 with Var[y_{l−1}] = varYPrev',
  },
  heEq5Ratio: {
    kind: 'function',
    signature: '(n: number[], varW: number[]) => number',
    doc: 'eq. (5): Var[y_L] / Var[y_1] given n_l and Var[w_l] for l = 2..L',
  },
  heInitStd: {
    kind: 'function',
    signature: '(fan: number) => number',
    doc: 'eq. (6): the standard deviation √(2/n_l) of He init (n_l = fan-in forward, fan-out backward)',
  },
  heInitWeights: {
    kind: 'function',
    signature: '(shape: number[], seed: number) => number[][] | number[][][][]',
    doc: 'He-initialized weights, dense [in, out] or conv [kh, kw, cin, cout] (n_l = fan-in), the same for the same seed',
  },
};
