// The topic: its contract, the key's answer, its claims, and the mistakes its fixtures make (fixtures/wrong/softmax/<id>.ts).
import { defineTopic } from '../../../src/claims/types.ts';
import { softmaxClaims } from './claims.ts';
import { SOFTMAX_MISTAKES } from './misconceptions.ts';
import { softmaxContract, type SoftmaxContract } from './contract.ts';
import { softmaxReference } from './reference.ts';

const w = (mistake: keyof typeof SOFTMAX_MISTAKES) => ({ mistake, rejectedBy: ['softmax.grad'], named: SOFTMAX_MISTAKES[mistake] });

export const softmaxTopic = defineTopic<SoftmaxContract>({
  id: 'softmax',
  title: 'Softmax cross-entropy gradient (worked example)',
  contract: softmaxContract,
  reference: softmaxReference,
  claims: softmaxClaims,
  knownWrong: [w('forgot-target'), w('sign-flipped')],
});
