/**
 * The inverse step's known mistakes, each declared once: what the student reads, and the inverse it
 * computes instead (the diagnosis names the one that reproduces a wrong answer).
 */
import type { Grad } from './contract.ts';
import type { State } from './reference.ts';

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
