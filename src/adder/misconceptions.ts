/** The adder's known mistakes, each declared once: what the student reads, and how a failure shows it. */
import type { Situation } from './engine.ts';

export const ADDER_MISTAKES = {
  'no-1-1-carry': 'fails only on 1+1+carry: the sum bit of 1 + 1 + carry-in must be 1 (and the carry out 1)',
  'carry-lost-in-chain': 'the carry is lost along a carry chain: a carry must travel through every 1+0 / 0+1 position until a 0+0 absorbs it',
  'threshold-tie': 'a pre-activation lies exactly at the threshold (z = 0), where the two hard-threshold conventions disagree: put biases half-way between the integer sums (e.g. −0.5, −1.5, −2.5)',
} as const;

/** Name the mistake from the situations at the first wrong bit of every failing pair. */
export function recogniseAdder(sits: Situation[], tie: boolean): string | undefined {
  if (tie) return ADDER_MISTAKES['threshold-tie'];
  if (!sits.length) return undefined;
  if (sits.every((s) => s.x1 === 1 && s.x2 === 1 && s.carryIn === 1)) return ADDER_MISTAKES['no-1-1-carry'];
  if (sits.every((s) => s.carryIn === 1 && (s.x1 + s.x2 === 1 || s.chain >= 2))) return ADDER_MISTAKES['carry-lost-in-chain'];
  return undefined;
}
