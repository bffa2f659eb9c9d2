/**
 * G_t's known mistakes, each declared once: what the student reads, and the fold and the expression it
 * gives instead (the diagnosis names the one that reproduces a wrong answer).
 */
import type { Cell } from './contract.ts';
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
