/** Reference answers for the ResNet batch-norm placement problem: the two blocks (float64) and the answer. */
import { stackForward } from './blocks.ts';
import type { ResnetContract } from './contract.ts';

export const resnetReference: ResnetContract = {
  resnetPostActBlock: (x, p) => stackForward('post', x, [p]),
  resnetPreActBlock: (x, p) => stackForward('pre', x, [p]),
  resnetEasierToTrain: 'pre-activation',
};
