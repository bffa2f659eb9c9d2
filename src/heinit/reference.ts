/** Reference answers for He initialization: the formulas of eqs. (3)–(6) and the initializer (src/init/he.ts). */
import { heStd, heWeights } from '../init/he.ts';
import { toNested } from '../verify/tensor.ts';
import type { HeinitContract } from './contract.ts';

export const heinitReference: HeinitContract = {
  heEq3VarY: (n, varW, x) => n * varW * x.meanSq,
  heEq4MeanSqX: (varYPrev) => varYPrev / 2,
  heEq5Ratio: (n, varW) => n.reduce((p, nl, i) => p * 0.5 * nl * varW[i], 1),
  heInitStd: (fan) => heStd(fan),
  heInitWeights: (shape, seed) => toNested({ shape, data: heWeights(shape, seed) }) as number[][] | number[][][][],
};
