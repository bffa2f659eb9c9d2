/**
 * ResNet batch-norm placement (CSE891 HW3 P3.2): what a student's module exports.
 * The homework's figure is missing from the text; the key takes the two architectures to be:
 *   post-activation: weight → BN → ReLU → weight → BN → add → ReLU      out = ReLU(x + BN₂(ReLU(BN₁(x W₁)) W₂))
 *   pre-activation:  BN → ReLU → weight → BN → ReLU → weight → add      out = x + ReLU(BN₂(ReLU(BN₁(x)) W₁)) W₂
 * x is a batch, N×C (rows are samples); "weight" is z = x W with W of shape C×C; BN is training-mode
 * batch normalisation per column: γ ⊙ (z − mean) / √(var + 1e-5) + β with the biased (1/N) variance.
 */
import type { ContractSpec } from '../claims/types.ts';
import type { ResBlockParams } from './blocks.ts';

export type { ResBlockParams };

export interface ResnetContract {
  resnetPostActBlock(x: number[][], p: ResBlockParams): number[][];
  resnetPreActBlock(x: number[][], p: ResBlockParams): number[][];
  /** 'pre-activation' or 'post-activation': which is easier to train (vanishing/exploding gradients) */
  resnetEasierToTrain: string;
}

const sig = '(x: number[][], p: { W1; W2; gamma1; beta1; gamma2; beta2 }) => number[][]';
export const resnetContract: ContractSpec<ResnetContract> = {
  resnetPostActBlock: { kind: 'function', signature: sig, doc: 'one post-activation block: ReLU(x + BN₂(ReLU(BN₁(x W₁)) W₂)), training-mode BN, ε = 1e-5' },
  resnetPreActBlock: { kind: 'function', signature: sig, doc: 'one pre-activation block: x + ReLU(BN₂(ReLU(BN₁(x)) W₁)) W₂, training-mode BN, ε = 1e-5' },
  resnetEasierToTrain: { kind: 'string', signature: "'pre-activation' | 'post-activation'", doc: 'the architecture that is easier to train in terms of exploding/vanishing gradients' },
};
