// What a student's module exports for this problem, and how the docs and the starter describe it.
import type { ContractSpec } from '../../../src/claims/types.ts';

export interface SoftmaxContract {
  /** ∂L/∂z of L(z) = −Σₖ yₖ log softmax(z)ₖ, for logits z and a one-hot target y */
  softmaxXentGrad(z: number[], y: number[]): number[];
}

export const softmaxContract: ContractSpec<SoftmaxContract> = {
  softmaxXentGrad: {
    kind: 'function',
    signature: '(z: number[], y: number[]) => number[]',
    doc: 'the gradient of the softmax cross-entropy −Σ y log softmax(z) with respect to the logits z (y one-hot)',
  },
};
