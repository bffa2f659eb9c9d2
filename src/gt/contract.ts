/**
 * G_t as nested F_θ (CIE6032 HW2 P2 = ELEG5491 HW2 P2): what a student's module exports.
 *
 *   h_t = F_θ(h_{t−1}, x_t)  and  h_t = G_t(x_t, …, x_1)
 *
 * Vectors are plain arrays; xs[k−1] = x_k.
 */
import type { ContractSpec } from '../claims/types.ts';

export type Cell = (h: number[], x: number[]) => number[];
export type GtModel = 'rnn' | 'dense' | 'table';

export interface GtContract {
  /** G_t written out for a given t, e.g. t = 2 → "F(F(h0, x1), x2)" (F_θ, h_0, x_k in any LaTeX-ish spelling) */
  gtExpression(t: number): string;
  /** G_t(x_t, …, x_1) computed from the cell F_θ and h_0: returns h_t (t = xs.length) */
  gtUnroll(F: Cell, h0: number[], xs: number[][]): number[];
  /** parameters of a model that maps a length-t sequence of D-dimensional inputs to an H-dimensional state:
   *  'rnn' = the tanh cell h_t = tanh(W_hh h_{t−1} + W_xh x_t + b); 'dense' = one layer on the concatenated inputs,
   *  tanh(A [x_1; …; x_t] + b), built for this t only; 'table' = a lookup table with one H-vector per binary sequence (D = 1) */
  gtParamCount(model: GtModel, t: number, D: number, H: number): number | bigint;
}

export const gtContract: ContractSpec<GtContract> = {
  gtExpression: { kind: 'function', signature: '(t: number) => string', doc: 'the explicit expression of G_t in terms of F_θ, h_0 and x_1 … x_t' },
  gtUnroll: { kind: 'function', signature: '(F: (h: number[], x: number[]) => number[], h0: number[], xs: number[][]) => number[]', doc: 'h_t = G_t(x_t, …, x_1), the nested application of F' },
  gtParamCount: {
    kind: 'function',
    signature: "(model: 'rnn' | 'dense' | 'table', t: number, D: number, H: number) => number | bigint",
    doc: 'the number of parameters of each model for sequences of length t',
  },
};
