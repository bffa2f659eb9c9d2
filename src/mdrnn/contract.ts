/**
 * Multidimensional RNN (CSC421 HW3 P2): what a student's module exports.
 *
 *   h(i,j) = φ(W_inᵀ x(i,j) + W_Wᵀ h(i−1,j) + W_Nᵀ h(i,j−1)),   x ∈ R^D, h ∈ R^H, no biases, G × G grid
 *
 * Cells are 1-based (i, j): i = column (the west neighbour is i − 1), j = row (the north neighbour is j − 1);
 * h(0, j) = h(i, 0) = 0.  Operation-count convention (stated on the key): every cell computes all three
 * matrix–vector products (boundary neighbours are zero vectors), a length-n dot product costs n
 * multiplications and n − 1 additions, adding the three H-vectors costs 2H additions, φ is not counted.
 */
import type { ContractSpec } from '../claims/types.ts';

export type Cell = [number, number];

/** the variables of a formula answer for the operation count */
export const MDRNN_OP_VARS = ['G', 'D', 'H'];

export interface MdrnnContract {
  mdrnnWeightCount(D: number, H: number): number;
  /** arithmetic operations (multiplications + additions) for all hidden activations of a G×G grid, under the convention above */
  mdrnnOpCount(G: number, D: number, H: number): number;
  /** the same answer as a formula in G, D, H (a string such as "O(G^3 D)"): the homework says big-O is enough; an exact count is accepted too */
  mdrnnOpCountOrder?: string;
  /** fewest sequential steps that compute every h(i,j) when any number of matrix–vector products may run in parallel */
  mdrnnSteps(G: number): number;
  /** an order achieving it: steps[s] = the cells computed in parallel at step s + 1 */
  mdrnnOrder(G: number): Cell[][];
  /** the inputs x(i′,j′) that h(i,j) depends on */
  mdrnnContext(G: number, i: number, j: number): Cell[];
  /** the inputs an L-layer k×k convolutional network ("same" padding, k odd) sees at cell (i,j) */
  mdrnnCnnContext(G: number, L: number, k: number, i: number, j: number): Cell[];
}

const fn = (signature: string, doc: string) => ({ kind: 'function' as const, signature, doc });

export const mdrnnContract: ContractSpec<MdrnnContract> = {
  mdrnnWeightCount: fn('(D: number, H: number) => number', 'the number of weights of the MDRNN'),
  mdrnnOpCount: fn('(G: number, D: number, H: number) => number', 'multiplications + additions to compute every hidden activation (convention in the contract)'),
  mdrnnOpCountOrder: {
    kind: 'string',
    signature: 'string, a formula in G, D, H (O(…) is enough)',
    doc: 'the operation count as a formula, instead of mdrnnOpCount: its order is enough, an exact count is accepted too',
  },
  mdrnnSteps: fn('(G: number) => number', 'the fewest sequential steps with unlimited parallel matrix–vector products'),
  mdrnnOrder: fn('(G: number) => [number, number][][]', 'a schedule: the cells (i, j) computed at each step'),
  mdrnnContext: fn('(G: number, i: number, j: number) => [number, number][]', 'the input cells h(i,j) depends on'),
  mdrnnCnnContext: fn('(G: number, L: number, k: number, i: number, j: number) => [number, number][]', 'the input cells an L-layer k×k CNN sees at (i,j)'),
};
