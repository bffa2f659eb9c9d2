/**
 * Generated RNN problems.  A case spec (sizes, length, weight scale, seed) shrinks well under
 * fast-check; the numbers are then drawn from the seed.
 *
 * Weight scale s: entries of each weight matrix are N(0, s²/fan_in), so s is the gain of the
 * layer (s < 1 contracts, s ≈ 2 saturates tanh).  Biases N(0, 0.1²), inputs N(0, 1), targets
 * uniform over the C classes.
 */
import { makeRng, randnMatrix, randnVector } from '../verify/rng.ts';
import { fc } from '../verify/property.ts';
import type { RnnCase } from './misconceptions.ts';

export interface RnnCaseSpec {
  I: number;
  H: number;
  C: number;
  T: number;
  scale: number;
  seed: number;
}

export const rnnCaseArb = (maxT = 12): fc.Arbitrary<RnnCaseSpec> =>
  fc.record({
    I: fc.integer({ min: 1, max: 8 }),
    H: fc.integer({ min: 1, max: 8 }),
    C: fc.integer({ min: 1, max: 8 }),
    T: fc.integer({ min: 1, max: maxT }),
    scale: fc.double({ min: 0.1, max: 2, noNaN: true }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });

/** The cases every run includes besides the generated ones: T = 1 and T = 50. */
export const rnnExamples: RnnCaseSpec[] = [
  { I: 3, H: 4, C: 5, T: 1, scale: 1, seed: 1 },
  { I: 4, H: 6, C: 3, T: 50, scale: 1.5, seed: 2 },
];

export function makeRnnCase(s: RnnCaseSpec): RnnCase {
  const rng = makeRng(s.seed);
  return {
    params: {
      Wxh: randnMatrix(rng, s.H, s.I, s.scale / Math.sqrt(s.I)),
      Whh: randnMatrix(rng, s.H, s.H, s.scale / Math.sqrt(s.H)),
      Whz: randnMatrix(rng, s.C, s.H, s.scale / Math.sqrt(s.H)),
      bh: randnVector(rng, s.H, 0.1),
      bz: randnVector(rng, s.C, 0.1),
    },
    xs: randnMatrix(rng, s.T, s.I, 1),
    ys: Array.from({ length: s.T }, () => rng.int(0, s.C - 1)),
  };
}

export const showRnnCase = (s: RnnCaseSpec): string => `I=${s.I}, H=${s.H}, C=${s.C}, T=${s.T}, weight scale ${s.scale.toPrecision(3)}, seed ${s.seed}`;
