/**
 * G_t's known mistakes, each declared once: what the student reads, and the fold and the expression it
 * gives instead (the diagnosis names the one that reproduces a wrong answer).
 */
import { compareTensor } from '../verify/compare.ts';
import { toTensor, type Tensor64 } from '../verify/tensor.ts';
import type { Cell, GtModel } from './contract.ts';
import { expression, fold } from './reference.ts';

export const GT_VARIANTS = {
  reversed: {
    label: 'the inputs are folded in reverse order: G_t must apply F_θ to x_1 first (innermost) and to x_t last (outermost)',
    fold: (F: Cell, h0: number[], xs: number[][]) => fold(F, h0, [...xs].reverse()),
    expression: (t: number) => Array.from({ length: t }, (_, k) => t - k).reduce((e, k) => `F(${e}, x${k})`, 'h0'),
  },
  'no-nesting': {
    label: 'F_θ is applied to h_0 and x_t only: G_t must nest F_θ t times, feeding each output back in as the next state',
    fold: (F: Cell, h0: number[], xs: number[][]) => (xs.length ? F(h0, xs[xs.length - 1]) : h0),
    expression: (t: number) => `F(h0, x${t})`,
  },
  'off-by-one': {
    label: 'the last input x_t is left out: G_t nests F_θ exactly t times, over x_1 … x_t',
    fold: (F: Cell, h0: number[], xs: number[][]) => fold(F, h0, xs.slice(0, -1)),
    expression: (t: number) => expression(t - 1),
  },
};

export type GtMistake = keyof typeof GT_VARIANTS;
export const GT_MISTAKE_IDS = Object.keys(GT_VARIANTS) as GtMistake[];

/** id → what the student reads */
export const GT_MISTAKES = Object.fromEntries(GT_MISTAKE_IDS.map((id) => [id, GT_VARIANTS[id].label])) as Record<GtMistake, string>;

/** The mistake whose expression the student's gtExpression(t) = `got` is (compared after `normalise`), or ''. */
export function recogniseExpression(t: number, got: string, normalise: (e: string) => string): string {
  const m = GT_MISTAKE_IDS.find((v) => normalise(GT_VARIANTS[v].expression(t)) === normalise(got));
  return m ? GT_MISTAKES[m] : '';
}

/** The mistake whose fold of `xs` gives `got` (and, given the right h_t `want`, differs from it), or ''. */
export function recogniseFold(F: Cell, h0: number[], xs: number[][], got: Tensor64, want?: number[]): string {
  const m = GT_MISTAKE_IDS.find((v) => {
    const fold = toTensor(GT_VARIANTS[v].fold(F, h0, xs));
    return compareTensor('v', got, fold, 1e-12).pass && (want === undefined || !compareTensor('v', fold, toTensor(want), 1e-12).pass);
  });
  return m ? GT_MISTAKES[m] : '';
}

export const GT_COUNT_MISTAKES = {
  unrolled: 'the unrolled copies are counted as separate parameters: the RNN shares one θ across all steps, so its count does not depend on t.',
  tableLinear: 'the table is counted as growing linearly: it needs one entry per binary sequence, 2^t of them.',
  denseOneInput: 'the dense model is counted as if it saw one input x_t: modelling G_t directly, it reads the concatenated x_1 … x_t (tD inputs), so its size grows with t.',
} as const;

/** The mistake a wrong parameter count of the model for length t makes, or ''. */
export function recogniseCount(model: GtModel, got: bigint, want: bigint, t: number, D: number, H: number): string {
  if (model === 'rnn' && got === want * BigInt(t) && t > 1) return GT_COUNT_MISTAKES.unrolled;
  if (model === 'table' && got === BigInt(t) * 2n * BigInt(H)) return GT_COUNT_MISTAKES.tableLinear;
  if (model === 'dense' && t > 1 && got === BigInt(H * (D + 1))) return GT_COUNT_MISTAKES.denseOneInput;
  return '';
}
