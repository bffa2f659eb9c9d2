/**
 * RNN BPTT (CIE6032 HW2 P1 = ELEG5491 HW2 P1): what a student's module exports.
 *
 *   h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h),  h_0 = 0
 *   z_t = softmax(W_hz h_t + b_z)
 *   L   = Σ_t −log z_{t, y_t}
 *
 * Matrices are row-major nested arrays (W_xh is H×I: row j holds the weights into hidden unit j).
 * Sequences are arrays over time: xs[t−1] is x_t (length I), ys[t−1] is the class index y_t.
 */
import type { ContractSpec } from '../claims/types.ts';

export interface RnnParams {
  Wxh: number[][]; // H×I
  Whh: number[][]; // H×H
  Whz: number[][]; // C×H
  bh: number[]; // H
  bz: number[]; // C
}

export type RnnParamName = keyof RnnParams;
export const RNN_PARAM_NAMES: RnnParamName[] = ['Wxh', 'Whh', 'Whz', 'bh', 'bz'];
/** how feedback names each parameter's gradient */
export const PARAM_LABEL: Record<RnnParamName, string> = {
  Wxh: '∂L/∂W_xh',
  Whh: '∂L/∂W_hh',
  Whz: '∂L/∂W_hz',
  bh: '∂L/∂b_h',
  bz: '∂L/∂b_z',
};

export interface RnnForwardResult {
  /** h[t−1] = h_t, t = 1..T (each length H) */
  h: number[][];
  /** z[t−1] = z_t, the softmax output (each length C) */
  z: number[][];
  /** L = Σ_t −log z_{t,y_t} */
  loss: number;
}

export interface RnnBpttResult {
  loss: number;
  /** dz[t−1] = δ^z_t = ∂L/∂(W_hz h_t + b_z), the gradient at the softmax input */
  dz: number[][];
  /** dh[t−1] = ∂L/∂h_t, the total derivative (through z_t and through h_{t+1}, …) */
  dh: number[][];
  /** ∂L/∂θ for the five parameter groups, same shapes as the parameters */
  grads: RnnParams;
}

export interface RnnContract {
  rnnForward(params: RnnParams, xs: number[][], ys: number[]): RnnForwardResult;
  rnnBptt(params: RnnParams, xs: number[][], ys: number[]): RnnBpttResult;
}

export const rnnContract: ContractSpec<RnnContract> = {
  rnnForward: {
    kind: 'function',
    signature: '(params: RnnParams, xs: number[][], ys: number[]) => { h: number[][]; z: number[][]; loss: number }',
    doc: 'the forward pass of the RNN, h_0 = 0',
  },
  rnnBptt: {
    kind: 'function',
    signature: '(params: RnnParams, xs: number[][], ys: number[]) => { loss: number; dz: number[][]; dh: number[][]; grads: { Wxh; Whh; Whz; bh; bz } }',
    doc: 'backpropagation through time: δ^z_t, ∂L/∂h_t and the gradients of the five parameter groups',
  },
};
