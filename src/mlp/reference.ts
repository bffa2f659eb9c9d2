/**
 * The key's instrumented MLP: backprop SGD step and path-enumeration gradients, every scalar
 * multiplication through a counting `mul` tagged by phase, plus the exact counts as formulas.
 * Conventions: see contract.ts.  W = dn + (L−1)n² + nc weights, P = W + Ln + c parameters.
 */
import type { Mul } from './counters.ts';
import type { MlpContract, MlpNet } from './contract.ts';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export interface Forward {
  /** u[0] = x, u[l] = hidden layer l (l = 1..L), u[L+1] = y */
  u: number[][];
}

export function forward(net: MlpNet, x: number[], mul: Mul): Forward {
  const u: number[][] = [x];
  const last = net.W.length - 1;
  for (let l = 0; l <= last; l++) {
    const prev = u[l];
    const out = net.W[l].map((row, k) => {
      let a = net.b[l][k];
      for (let j = 0; j < row.length; j++) a += mul(row[j], prev[j], 'forward');
      return l === last ? a : sigmoid(a);
    });
    u.push(out);
  }
  return { u };
}

/** ∂J/∂W, ∂J/∂b by backprop (no update). */
export function backpropGrad(net: MlpNet, x: number[], t: number[], mul: Mul): MlpNet {
  const { u } = forward(net, x, mul);
  const L1 = net.W.length; // L + 1
  const gW: number[][][] = new Array(L1);
  const gb: number[][] = new Array(L1);
  let delta = u[L1].map((y, k) => y - t[k]); // ∂J/∂net at the (linear) output: no multiplication
  for (let l = L1 - 1; l >= 0; l--) {
    gb[l] = delta;
    gW[l] = delta.map((dk) => u[l].map((uj) => mul(dk, uj, 'weight-grad')));
    if (l === 0) break;
    // δ_l = σ'(net_l) ⊙ (W_{l+1}ᵀ δ_{l+1})
    const back = u[l].map((_, j) => {
      let s = 0;
      for (let k = 0; k < delta.length; k++) s += mul(net.W[l][k][j], delta[k], 'backward');
      return s;
    });
    delta = u[l].map((uj, j) => mul(mul(uj, 1 - uj, 'backward'), back[j], 'backward'));
  }
  return { W: gW, b: gb };
}

export function applyUpdate(net: MlpNet, g: MlpNet, lr: number, mul: Mul): MlpNet {
  return {
    W: net.W.map((M, l) => M.map((row, k) => row.map((w, j) => w - mul(lr, g.W[l][k][j], 'update')))),
    b: net.b.map((v, l) => v.map((bk, k) => bk - mul(lr, g.b[l][k], 'update'))),
  };
}

export function sgdStep(net: MlpNet, x: number[], t: number[], lr: number, mul: Mul): MlpNet {
  return applyUpdate(net, backpropGrad(net, x, t, mul), lr, mul);
}

/**
 * Path enumeration (Part 3): for every hidden and output node i, ∂J/∂u_i = Σ over all paths
 * i → … → y_k → J of the product of the local derivatives along the path; then
 * ∂J/∂w_ij = ∂J/∂u_i · σ'(net_i) · u_j.  Local derivatives are computed once per edge:
 * ∂u_{l+1,k}/∂u_{l,j} = σ'(net_{l+1,k}) w_kj (one multiplication), ∂y_k/∂u_{L,j} = w_kj,
 * ∂J/∂y_k = y_k − t_k (none).  A path with m factors costs m − 1 multiplications.
 */
export function pathEnumGrad(net: MlpNet, x: number[], t: number[], mul: Mul): MlpNet {
  const { u } = forward(net, x, mul);
  const L1 = net.W.length; // L + 1: layers 0..L+1, output at L+1
  const L = L1 - 1;
  const sp: number[][] = u.map((ul, l) => (l >= 1 && l <= L ? ul.map((v) => mul(v, 1 - v, 'local')) : []));
  // edge[l][k][j] = ∂u_{l+1,k}/∂u_{l,j} for l = 1..L (l = L: into the linear output)
  const edge: number[][][] = [];
  for (let l = 1; l <= L; l++) edge[l] = net.W[l].map((row, k) => row.map((w) => (l === L ? w : mul(sp[l + 1][k], w, 'local'))));
  const dJdy = u[L1].map((y, k) => y - t[k]);
  // ∂J/∂u for node (l, i): enumerate every path to J depth-first; each path's factors are
  // multiplied separately (no sharing of prefixes between paths, as the problem states)
  const dJdu = (l: number, i: number): number => {
    let total = 0;
    const factors: number[] = [];
    const walk = (layer: number, node: number): void => {
      if (layer === L1) {
        factors.push(dJdy[node]);
        let p = factors[0];
        for (let f = 1; f < factors.length; f++) p = mul(p, factors[f], 'paths');
        total += p;
        factors.pop();
        return;
      }
      const E = edge[layer];
      for (let k = 0; k < E.length; k++) {
        factors.push(E[k][node]);
        walk(layer + 1, k);
        factors.pop();
      }
    };
    walk(l, i);
    return total;
  };
  const gW: number[][][] = [];
  const gb: number[][] = [];
  for (let l = 0; l < L1; l++) {
    const layer = l + 1; // the nodes the weights W[l] feed
    const g = u[layer].map((_, i) => (layer === L1 ? dJdu(layer, i) : mul(dJdu(layer, i), sp[layer][i], 'node-grad')));
    gb[l] = g;
    gW[l] = g.map((gi) => u[l].map((uj) => mul(gi, uj, 'weight-grad')));
  }
  return { W: gW, b: gb };
}

// ---- exact counts (the key's formulas, as numbers and as formula strings)

export interface Sizes {
  d: number;
  L: number;
  n: number;
  c: number;
}

export const weightCount = ({ d, L, n, c }: Sizes): number => d * n + (L - 1) * n * n + n * c;
export const biasCount = ({ L, n, c }: Sizes): number => L * n + c;
export const paramCount = (s: Sizes): number => weightCount(s) + biasCount(s);
/** Σ_{m=1}^{L} m·n^m */
export const pathSum = ({ L, n }: Sizes): number => {
  let s = 0;
  for (let m = 1; m <= L; m++) s += m * n ** m;
  return s;
};
export const backpropGradCount = (s: Sizes): number => 2 * weightCount(s) + s.n * s.c + (s.L - 1) * s.n ** 2 + 2 * s.L * s.n;
export const sgdStepCount = (s: Sizes): number => backpropGradCount(s) + paramCount(s);
export const pathGradCount = (s: Sizes): number => 2 * weightCount(s) + (s.L - 1) * s.n ** 2 + 2 * s.L * s.n + s.c * pathSum(s);
export const pathIterationCount = (s: Sizes): number => pathGradCount(s) + paramCount(s);

export const FORMULAS = {
  weights: 'd*n + (L-1)*n^2 + n*c',
  biases: 'L*n + c',
  params: 'd*n + (L-1)*n^2 + n*c + L*n + c',
  sgdExact: '3*d*n + 4*(L-1)*n^2 + 4*n*c + 3*L*n + c',
  sgdOrder: 'd*n + (L-1)*n^2 + n*c',
  /** Σ_{m=1}^{L} m n^m = n(1 − (L+1)n^L + L n^(L+1))/(n−1)², n ≥ 2 */
  pathIterationExact: '3*(d*n + (L-1)*n^2 + n*c) + (L-1)*n^2 + 3*L*n + c + c*n*(1 - (L+1)*n^L + L*n^(L+1))/(n-1)^2',
  pathOrder: 'd*n + c*L*n^L',
} as const;

/** The answers as a student module would export them. */
export const mlpReference: MlpContract = {
  mlpParamCountFormula: FORMULAS.params,
  mlpSgdStep: sgdStep,
  mlpSgdCostOrder: FORMULAS.sgdOrder,
  mlpPathEnumGrad: pathEnumGrad,
  mlpPathEnumCostFormula: FORMULAS.pathOrder,
};
