/**
 * Hard-threshold binary adder (CSE891 HW3 P1): what a student's module exports.
 *
 *   h_t = φ(W_xh x_t + W_hh h_{t−1} + b_h),  h_0 = 0   (3 hidden units)
 *   y_t = φ(W_hy h_t + b_y)                            (1 output)
 *   φ(z) = 1 if z ≥ 0, else 0   (the lecture's hard threshold; declare `threshold: '>'` for z > 0)
 *
 * x_t = (bit t of a, bit t of b), least significant bit first; y_t must be bit t of a + b.
 */
import type { ContractSpec } from '../claims/types.ts';

export interface AdderWeights {
  /** 3×2: row j holds the weights from the two inputs into hidden unit j */
  Wxh: number[][];
  /** 3×3: Whh[j][m] is the weight from h_{t−1}[m] into h_t[j] */
  Whh: number[][];
  /** 3 (or 1×3): weights from the hidden units into the output */
  Why: number[] | number[][];
  /** 3 */
  bh: number[];
  /** the output bias (a number, or a 1-element array) */
  by: number | number[];
  /** which hard threshold: '>=' (default, φ(0) = 1) or '>' (φ(0) = 0) */
  threshold?: '>=' | '>';
}

export interface AdderContract {
  adderWeights: AdderWeights;
}

export const adderContract: ContractSpec<AdderContract> = {
  adderWeights: {
    kind: 'object',
    signature: "{ Wxh: number[][] /*3×2*/; Whh: number[][] /*3×3*/; Why: number[] /*3*/; bh: number[] /*3*/; by: number; threshold?: '>=' | '>' }",
    doc: 'hand-designed weights of a 2-input, 3-hidden, 1-output hard-threshold RNN that adds two binary numbers, least significant bit first',
  },
};
