/**
 * Reversibility of SGD with momentum (CSC421 HW3 P3): what a student's module exports.
 *
 *   p(k+1) = β p(k) − α ∇J(θ(k))
 *   θ(k+1) = θ(k) + p(k+1)
 *
 * The state is s = (θ, p) ∈ R^{2D}, θ first: the Jacobian is 2D×2D with rows/columns ordered θ_1 … θ_D, p_1 … p_D.
 */
import type { ContractSpec } from '../claims/types.ts';

export type Grad = (theta: number[]) => number[];
export type Hess = (theta: number[]) => number[][];

export interface MomentumContract {
  /** one step backwards: s(k) from s(k+1) */
  momentumInverse(theta1: number[], p1: number[], grad: Grad, alpha: number, beta: number): { theta: number[]; p: number[] };
  /** ∂s(k+1)/∂s(k) at s(k) = (theta, p), given the Hessian of J */
  momentumJacobian(theta: number[], p: number[], hess: Hess, alpha: number, beta: number): number[][];
  /** the determinant of that Jacobian, as a function of D, α and β */
  momentumJacobianDet(D: number, alpha: number, beta: number): number;
}

export const momentumContract: ContractSpec<MomentumContract> = {
  momentumInverse: {
    kind: 'function',
    signature: '(theta1: number[], p1: number[], grad: (θ: number[]) => number[], alpha: number, beta: number) => { theta: number[]; p: number[] }',
    doc: 'run one momentum step backwards: (θ(k), p(k)) from (θ(k+1), p(k+1))',
  },
  momentumJacobian: {
    kind: 'function',
    signature: '(theta: number[], p: number[], hess: (θ: number[]) => number[][], alpha: number, beta: number) => number[][]',
    doc: 'the 2D×2D Jacobian ∂(θ(k+1), p(k+1))/∂(θ(k), p(k)), θ first',
  },
  momentumJacobianDet: { kind: 'function', signature: '(D: number, alpha: number, beta: number) => number', doc: 'det ∂s(k+1)/∂s(k)' },
};
