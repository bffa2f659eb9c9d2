/**
 * MLP counting problem (CIE6032 HW2 P3 = ELEG5491 HW2 P4): d inputs, L hidden layers of n
 * nodes, c outputs, fully connected between consecutive layers.
 *
 * The network the counting exports run (the conventions every count below refers to):
 *   u_0 = x (length d);  u_l = σ(W_l u_{l−1} + b_l), l = 1..L (σ the logistic sigmoid);
 *   y = W_{L+1} u_L + b_{L+1} (linear output, length c);  J = ½‖y − t‖².
 * `net.W[l]` is W_{l+1} (row k holds the weights into node k), `net.b[l]` is b_{l+1};
 * so `net.W` has L+1 matrices: n×d, (L−1) of n×n, c×n.
 *
 * `mul(a, b)` multiplies and counts: every scalar multiplication of the step must go through it.
 * Additions, subtractions, σ itself (exp and a division) are not counted; σ'(net) = u(1 − u)
 * costs one multiplication per node.
 */
import type { ContractSpec } from '../claims/types.ts';
import type { Mul } from './counters.ts';

export interface MlpNet {
  /** L+1 weight matrices: W[0] n×d, W[1..L−1] n×n, W[L] c×n */
  W: number[][][];
  /** L+1 bias vectors: b[0..L−1] length n, b[L] length c */
  b: number[][];
}

export interface MlpContract {
  /** Part 1: the number of parameters (weights and biases), a formula in d, L, n, c */
  mlpParamCountFormula: string;
  /** Part 2: one SGD step (backprop + update w ← w − lr·∂J/∂w), every multiplication through `mul` */
  mlpSgdStep(net: MlpNet, x: number[], t: number[], lr: number, mul: Mul): MlpNet;
  /** Part 2: the order of the multiplications of one SGD step, a formula in d, L, n, c (Θ(…) allowed) */
  mlpSgdCostOrder: string;
  /** Part 3: ∂J/∂W and ∂J/∂b by enumerating every path from each node to the cost, every multiplication through `mul` */
  mlpPathEnumGrad(net: MlpNet, x: number[], t: number[], mul: Mul): MlpNet;
  /** Part 3: the order of the multiplications of one iteration with path enumeration, a formula in d, L, n, c */
  mlpPathEnumCostFormula: string;
}

export const MLP_VARS = ['d', 'L', 'n', 'c'];

export const mlpContract: ContractSpec<MlpContract> = {
  mlpParamCountFormula: {
    kind: 'string',
    signature: 'string, a formula in d, L, n, c (e.g. "d*n + …" or "dn + …"; LaTeX and sums with bounds are read too)',
    doc: 'Part 1: the number of parameters to store, weights and biases',
  },
  mlpSgdStep: {
    kind: 'function',
    signature: '(net: { W: number[][][]; b: number[][] }, x: number[], t: number[], lr: number, mul: (a: number, b: number) => number) => { W; b }',
    doc: 'Part 2: one SGD step of the sigmoid MLP with linear outputs and J = ½‖y − t‖²; every multiplication through mul; returns the updated net',
  },
  mlpSgdCostOrder: {
    kind: 'string',
    signature: 'string, a formula in d, L, n, c (Θ(…) allowed)',
    doc: 'Part 2: the order of the number of multiplications of one SGD step',
  },
  mlpPathEnumGrad: {
    kind: 'function',
    signature: '(net, x: number[], t: number[], mul: (a: number, b: number) => number) => { W: number[][][]; b: number[][] }',
    doc: 'Part 3: the gradients by enumerating every path from each node to the cost and multiplying the local derivatives along it; every multiplication through mul',
  },
  mlpPathEnumCostFormula: {
    kind: 'string',
    signature: 'string, a formula in d, L, n, c (Θ(…) allowed)',
    doc: 'Part 3: the order of the number of multiplications of one iteration that uses path enumeration',
  },
};
