/**
 * Linear autoencoder = PCA (CIE6032 HW2 P4): what a student's module exports.
 *
 *   h = E x + b_e   (k hidden units, linear),   x̂ = D h + b_d,
 *   loss = (1/N) Σ_n ‖x_n − x̂_n‖²   (squared error summed over the d coordinates, averaged over samples).
 *
 * Data sets are N×d nested arrays (row n is sample x_n).  E is k×d (row j holds the weights into
 * hidden unit j), D is d×k.  Without biases, encoderBias and decoderBias are zero arrays.
 */
import type { ContractSpec } from '../claims/types.ts';

export interface AeParams {
  /** E, k×d */
  encoder: number[][];
  /** D, d×k */
  decoder: number[][];
  /** b_e, length k */
  encoderBias: number[];
  /** b_d, length d */
  decoderBias: number[];
}

export interface AutoencoderContract {
  /** (1/N) Σ_n ‖x_n − (D(E x_n + b_e) + b_d)‖² */
  aeLoss(X: number[][], p: AeParams): number;
  /** a minimiser of aeLoss with biases, in closed form (float64 eigen/SVD of the data) */
  aeOptimum(X: number[][], k: number): AeParams;
  /** a linear autoencoder trained by gradient descent on aeLoss (tfjs is fine); bias: false keeps both biases at 0 */
  aeTrain(X: number[][], k: number, opts: { seed: number; bias: boolean }): AeParams | Promise<AeParams>;
}

export const autoencoderContract: ContractSpec<AutoencoderContract> = {
  aeLoss: {
    kind: 'function',
    signature: '(X: number[][], p: { encoder; decoder; encoderBias; decoderBias }) => number',
    doc: 'the reconstruction loss (1/N) Σ_n ‖x_n − x̂_n‖², x̂ = D(E x + b_e) + b_d',
  },
  aeOptimum: {
    kind: 'function',
    signature: '(X: number[][], k: number) => { encoder: number[][]; decoder: number[][]; encoderBias: number[]; decoderBias: number[] }',
    doc: 'the optimal linear autoencoder with biases (k hidden units), computed in closed form in float64',
  },
  aeTrain: {
    kind: 'function',
    signature: '(X: number[][], k: number, opts: { seed: number; bias: boolean }) => AeParams | Promise<AeParams>',
    doc: 'train a linear autoencoder with k hidden units on the MSE by gradient descent; bias: false fixes both biases at 0',
  },
};
