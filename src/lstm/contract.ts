/**
 * Univariate LSTM without biases (CSE891 HW3 P2 = CSC421 HW3 P1): what a student's module exports.
 *
 *   i(t) = σ(w_ix x(t) + w_ih h(t−1))      f(t) = σ(w_fx x(t) + w_fh h(t−1))
 *   o(t) = σ(w_ox x(t) + w_oh h(t−1))      g(t) = tanh(w_gx x(t) + w_gh h(t−1))
 *   c(t) = f(t) c(t−1) + i(t) g(t)         h(t) = o(t) tanh(c(t))          h(0) = c(0) = 0
 *   L = ½ Σ_t (h(t) − y(t))²
 *
 * Weight names follow CSC421 (w_ix); CSE891 writes the same weight w_xi.  Every sequence is an array
 * over time: xs[t−1] = x(t).  x̄ = ∂L/∂x, the total derivative (through every later step).
 */
import type { ContractSpec } from '../claims/types.ts';

export interface LstmWeights {
  wix: number;
  wih: number;
  wfx: number;
  wfh: number;
  wox: number;
  woh: number;
  wgx: number;
  wgh: number;
}

export type LstmWeightName = keyof LstmWeights;
export const LSTM_WEIGHT_NAMES: LstmWeightName[] = ['wix', 'wih', 'wfx', 'wfh', 'wox', 'woh', 'wgx', 'wgh'];

export interface LstmForwardResult {
  i: number[];
  f: number[];
  o: number[];
  g: number[];
  c: number[];
  h: number[];
  loss: number;
}

export type LstmSignalName = 'hbar' | 'cbar' | 'gbar' | 'obar' | 'fbar' | 'ibar';
export const LSTM_SIGNALS: LstmSignalName[] = ['hbar', 'cbar', 'gbar', 'obar', 'fbar', 'ibar'];

export interface LstmBpttResult {
  loss: number;
  /** h̄(t) = ∂L/∂h(t), t = 1..T */
  hbar: number[];
  cbar: number[];
  gbar: number[];
  /** ∂L/∂o(t), the derivative with respect to the gate's value (after the sigmoid); likewise f̄, ī */
  obar: number[];
  fbar: number[];
  ibar: number[];
  /** ∂L/∂w for the eight weights */
  grads: LstmWeights;
}

export interface LstmContract {
  lstmForward(w: LstmWeights, xs: number[], ys: number[]): LstmForwardResult;
  lstmBptt(w: LstmWeights, xs: number[], ys: number[]): LstmBpttResult;
}

export const lstmContract: ContractSpec<LstmContract> = {
  lstmForward: {
    kind: 'function',
    signature: '(w: LstmWeights, xs: number[], ys: number[]) => { i; f; o; g; c; h: number[]; loss: number }',
    doc: 'the forward pass of the univariate LSTM (no biases, h(0) = c(0) = 0) and L = ½ Σ_t (h(t) − y(t))²',
  },
  lstmBptt: {
    kind: 'function',
    signature: '(w: LstmWeights, xs: number[], ys: number[]) => { loss; hbar; cbar; gbar; obar; fbar; ibar: number[]; grads: LstmWeights }',
    doc: 'backpropagation through time: the error signals h̄, c̄, ḡ, ō, f̄, ī at every step and the gradients of the eight weights',
  },
};
