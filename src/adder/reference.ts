/**
 * The reference weights of the binary adder (the answer).  The engine that evaluates any weights
 * is engine.ts (re-exported here for the specs); the claims import it from there, so the student
 * kit ships the engine without these weights.
 */
import type { AdderContract, AdderWeights } from './contract.ts';

/**
 * h1 = [x1 + x2 + c ≥ 1], h2 = [x1 + x2 + c ≥ 2] (= the carry out), h3 = [x1 + x2 + c ≥ 3], with c = h2 of
 * the previous step; the sum bit is odd(x1 + x2 + c) = [h1 − h2 + h3 ≥ 0.5].  Biases sit half-way
 * between integers, so no pre-activation is ever exactly 0 and either threshold convention works.
 */
export const ADDER_WEIGHTS: AdderWeights = {
  Wxh: [
    [1, 1],
    [1, 1],
    [1, 1],
  ],
  Whh: [
    [0, 1, 0],
    [0, 1, 0],
    [0, 1, 0],
  ],
  Why: [1, -1, 1],
  bh: [-0.5, -1.5, -2.5],
  by: -0.5,
};

export const adderReference: AdderContract = { adderWeights: ADDER_WEIGHTS };

export * from './engine.ts';
