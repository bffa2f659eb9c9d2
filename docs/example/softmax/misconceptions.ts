// The mistakes students make, each declared once: what the student reads, and what it computes instead
// (the claim names the one that reproduces a wrong answer; the student kit withholds this module).
import type { Misconception } from '../../../src/verify/diagnose.ts';
import { softmax } from './reference.ts';

export type Case = { z: number[]; y: number[] };

export const SOFTMAX_MISTAKES = {
  'forgot-target': 'the target is left out: softmax(z) is the gradient only for a target of zeros (it is softmax(z) − y)',
  'sign-flipped': 'the sign is flipped: y − softmax(z) is the gradient of −L',
} as const;

export const SOFTMAX_BANK: Misconception<Case, number[]>[] = [
  { id: 'forgot-target', label: SOFTMAX_MISTAKES['forgot-target'], compute: ({ z }) => softmax(z) },
  { id: 'sign-flipped', label: SOFTMAX_MISTAKES['sign-flipped'], compute: ({ z, y }) => softmax(z).map((p, j) => y[j] - p) },
];
