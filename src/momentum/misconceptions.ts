/**
 * The momentum questions' known mistakes, each declared once: what the student reads, and the inverse,
 * Jacobian or determinant it gives instead (the diagnosis names the one that reproduces a wrong answer).
 */
import { compareTensor } from '../verify/compare.ts';
import { toTensor, type Tensor64 } from '../verify/tensor.ts';
import type { Grad } from './contract.ts';
import { stateErr, type Cost, type State } from './reference.ts';

type Inverse = (s1: State, grad: Grad, alpha: number, beta: number) => State;

export const INVERSE_MISTAKES = {
  'theta-uses-p_k': {
    label: 'θ(k) = θ(k+1) − p(k): θ(k+1) = θ(k) + p(k+1), so θ(k) = θ(k+1) − p(k+1) (and ∇J must then be taken at that θ(k))',
    inverse: (s1, grad, alpha, beta) => {
      const g = grad(s1.theta);
      const p = s1.p.map((x, i) => (x + alpha * g[i]) / beta);
      return { theta: s1.theta.map((x, i) => x - p[i]), p };
    },
  },
  'grad-at-theta_k1': {
    label: 'the gradient is evaluated at θ(k+1): p(k) = (p(k+1) + α∇J(θ(k)))/β needs ∇J at θ(k) = θ(k+1) − p(k+1)',
    inverse: (s1, grad, alpha, beta) => {
      const g = grad(s1.theta);
      return { theta: s1.theta.map((x, i) => x - s1.p[i]), p: s1.p.map((x, i) => (x + alpha * g[i]) / beta) };
    },
  },
  'times-beta': {
    label: 'p(k) is multiplied by β instead of divided: p(k) = (p(k+1) + α∇J(θ(k)))/β',
    inverse: (s1, grad, alpha, beta) => {
      const theta = s1.theta.map((x, i) => x - s1.p[i]);
      const g = grad(theta);
      return { theta, p: s1.p.map((x, i) => beta * x + alpha * g[i]) };
    },
  },
} satisfies Record<string, { label: string; inverse: Inverse }>;

export type InverseMistake = keyof typeof INVERSE_MISTAKES;

/** id → what the student reads */
export const MOMENTUM_MISTAKES = Object.fromEntries(Object.entries(INVERSE_MISTAKES).map(([id, m]) => [id, m.label])) as Record<InverseMistake, string>;

/** The inverse mistake that gives `got` from s1 (and not the right start state `want`), or ''. */
export function recogniseInverse(got: State, s1: State, c: Cost, alpha: number, beta: number, want: State): string {
  for (const v of Object.keys(INVERSE_MISTAKES) as InverseMistake[]) {
    const w = INVERSE_MISTAKES[v].inverse(s1, c.grad, alpha, beta);
    if (stateErr(w, want) > 1e-9 && stateErr(got, w) <= 1e-9) return MOMENTUM_MISTAKES[v];
  }
  return '';
}

export const JACOBIAN_MISTAKES = {
  sign: 'the sign of −α∇J is lost: ∂p(k+1)/∂θ(k) = −αH, not +αH',
  'old-p': 'θ(k+1) = θ(k) + p(k+1), not θ(k) + p(k): the θ rows are [I − αH, βI] (through p(k+1)), not [I, I]',
  transposed: 'the Jacobian is transposed: row i holds the derivatives of output i, ∂s(k+1)_i/∂s(k)_j in row i, column j',
  'identical-halves': 'the θ rows and the p rows are the same (det 0, rank D): θ(k+1) = θ(k) + p(k+1) adds θ(k) to p(k+1), so ∂θ(k+1)/∂θ(k) = I − αH while ∂p(k+1)/∂θ(k) = −αH',
} as const;
type JacobianVariant = keyof typeof JACOBIAN_MISTAKES;

/** The Jacobian's 'identical-halves' variant is any 2D×2D matrix whose θ rows equal its p rows; the others are one matrix each. */
function jacobianVariant(J: number[][], D: number, alpha: number, H: number[][], v: Exclude<JacobianVariant, 'identical-halves'>): number[][] {
  if (v === 'transposed') return J.map((row, r) => row.map((_, c) => J[c][r]));
  return J.map((row, r) =>
    row.map((x, c) => {
      if (v === 'sign') return r >= D && c < D ? alpha * H[r - D][c] : x;
      // old-p: the θ rows become [I, I]
      return r < D ? (r % D === c % D ? 1 : 0) : x;
    }),
  );
}

/** The Jacobian mistake `got` reproduces (given the right J at a state with Hessian H), or ''. */
export function recogniseJacobian(got: Tensor64, J: number[][], D: number, alpha: number, H: number[][]): string {
  const m = (Object.keys(JACOBIAN_MISTAKES) as JacobianVariant[]).find((v) => {
    if (v === 'identical-halves') {
      // the top D rows equal the bottom D rows (the right Jacobian's differ by [I, 0])
      const top = toTensor(Array.from(got.data.slice(0, 2 * D * D))),
        bottom = toTensor(Array.from(got.data.slice(2 * D * D)));
      return compareTensor('halves', bottom, top, 1e-9).pass;
    }
    const w = jacobianVariant(J, D, alpha, H, v);
    return !compareTensor('v', toTensor(w), toTensor(J), 1e-9).pass && compareTensor('v', got, toTensor(w), 1e-9).pass;
  });
  return m ? JACOBIAN_MISTAKES[m] : '';
}

/** Known wrong determinants of the 2D×2D Jacobian (the right one is measured by LU). */
export const DET_MISTAKES = {
  'det-zero-rank-D': 'det = 0 / "rank D": the Jacobian has full rank 2D — the step is invertible (part a) — so its determinant is not 0.',
  'det-beta': 'det = β: the β block is D×D, so the determinant is β^D.',
  'det-beta-2D': 'det = β^{2D}: only the p block contributes β per coordinate; the θ block contributes 1 after elimination.',
} as const;

/** The determinant mistake `got` is for D and β, or ''. */
export function recogniseDet(got: number, D: number, beta: number): string {
  if (got === 0) return DET_MISTAKES['det-zero-rank-D'];
  if (Math.abs(got - beta) <= 1e-12 && D > 1) return DET_MISTAKES['det-beta'];
  if (Math.abs(got - beta ** (2 * D)) <= 1e-12 * beta ** (2 * D)) return DET_MISTAKES['det-beta-2D'];
  return '';
}
