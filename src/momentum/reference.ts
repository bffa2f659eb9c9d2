/**
 * Reference momentum step, its inverse, the exact Jacobian, a
 * float64 LU determinant, and the test costs (quadratic, and log-cosh + quartic).
 */
import { makeRng, randnMatrix, randnVector } from '../verify/rng.ts';
import type { Grad, Hess, MomentumContract } from './contract.ts';
import { portable } from '../verify/portable.ts';

/** Relative error of state a against state b (θ and p together). */
export const stateErr = (a: State, b: State): number => {
  const d = [...a.theta.map((v, i) => v - b.theta[i]), ...a.p.map((v, i) => v - b.p[i])];
  const n = Math.hypot(...b.theta, ...b.p);
  return Math.hypot(...d) / Math.max(n, 1e-300);
};

export interface State {
  theta: number[];
  p: number[];
}

export function stepForward(s: State, grad: Grad, alpha: number, beta: number): State {
  const g = grad(s.theta);
  const p = s.p.map((v, i) => beta * v - alpha * g[i]);
  return { theta: s.theta.map((v, i) => v + p[i]), p };
}

/** Undo one step: θ(k) = θ(k+1) − p(k+1), then p(k) = (p(k+1) + α∇J(θ(k)))/β. */
export function inverse(s1: State, grad: Grad, alpha: number, beta: number): State {
  const theta = s1.theta.map((x, i) => x - s1.p[i]);
  const g = grad(theta);
  return { theta, p: s1.p.map((x, i) => (x + alpha * g[i]) / beta) };
}

/** [[I − αH, βI], [−αH, βI]] */
export function jacobian(theta: number[], hess: Hess, alpha: number, beta: number): number[][] {
  const D = theta.length;
  const H = hess(theta);
  return Array.from({ length: 2 * D }, (_, r) =>
    Array.from({ length: 2 * D }, (_, c) => {
      const i = r % D,
        j = c % D;
      if (c < D) return (r < D && i === j ? 1 : 0) - alpha * H[i][j];
      return i === j ? beta : 0;
    }),
  );
}

/** Determinant by Gaussian elimination with partial pivoting, float64. */
export function det(M: number[][]): number {
  const A = M.map((r) => r.slice());
  const n = A.length;
  let d = 1;
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let r = k + 1; r < n; r++) if (Math.abs(A[r][k]) > Math.abs(A[piv][k])) piv = r;
    if (A[piv][k] === 0) return 0;
    if (piv !== k) {
      [A[piv], A[k]] = [A[k], A[piv]];
      d = -d;
    }
    d *= A[k][k];
    for (let r = k + 1; r < n; r++) {
      const f = A[r][k] / A[k][k];
      for (let c = k; c < n; c++) A[r][c] -= f * A[k][c];
    }
  }
  return d;
}

export interface Cost {
  name: string;
  grad: Grad;
  hess: Hess;
}

/** J(θ) = ½ θᵀAθ + bᵀθ with A = MMᵀ/D + 0.1 I */
export function quadratic(D: number, seed: number): Cost {
  const rng = makeRng(seed);
  const M = randnMatrix(rng, D, D);
  const A = M.map((r, i) => M.map((q, j) => r.reduce((s, v, k) => s + v * q[k], 0) / D + (i === j ? 0.1 : 0)));
  const b = randnVector(rng, D);
  // portable (src/verify/portable.ts): under strict isolation these run inside the student's sandbox
  return {
    name: 'quadratic',
    grad: portable<Cost['grad']>('(st, t) => st.A.map((r, i) => r.reduce((s, v, j) => s + v * t[j], 0) + st.b[i])', { A, b }),
    hess: portable<Cost['hess']>('(st) => st.A.map((r) => r.slice())', { A }),
  };
}

/** J(θ) = Σ_m log cosh(c_m·θ) + ¼ Σ_i θ_i⁴ — not quadratic: its Hessian changes with θ */
export function logcoshQuartic(D: number, seed: number): Cost {
  const rng = makeRng(seed);
  const C = randnMatrix(rng, D + 1, D, 1 / Math.sqrt(D));
  const dot = '(c, t) => c.reduce((s, v, i) => s + v * t[i], 0)';
  return {
    name: 'log-cosh + quartic',
    grad: portable<Cost['grad']>(`(st, t) => { const dot = ${dot}; return t.map((ti, i) => st.C.reduce((s, c) => s + c[i] * Math.tanh(dot(c, t)), 0) + ti ** 3); }`, { C }),
    hess: portable<Cost['hess']>(
      `(st, t) => { const dot = ${dot}; return t.map((ti, i) => t.map((_, j) => st.C.reduce((s, c) => s + (c[i] * c[j]) / Math.cosh(dot(c, t)) ** 2, 0) + (i === j ? 3 * ti * ti : 0))); }`,
      { C },
    ),
  };
}

export const momentumReference: MomentumContract = {
  momentumInverse: (theta1, p1, grad, alpha, beta) => inverse({ theta: theta1, p: p1 }, grad, alpha, beta),
  momentumJacobian: (theta, _p, hess, alpha, beta) => jacobian(theta, hess, alpha, beta),
  momentumJacobianDet: (D, _alpha, beta) => beta ** D,
};
