import { defineTopic } from '../claims/types.ts';
import { rnnClaims } from './claims.ts';
import { rnnContract, type RnnContract } from './contract.ts';
import { RNN_MISTAKES } from './misconceptions.ts';
import { rnnReference } from './reference.ts';

const gradClaims = ['rnn.grads.fd', 'rnn.grads.autodiff'];

export const rnnTopic = defineTopic<RnnContract>({
  id: 'rnn',
  title: 'RNN backpropagation through time (CIE6032 HW2 P1 = ELEG5491 HW2 P1)',
  contract: rnnContract,
  reference: rnnReference,
  claims: rnnClaims,
  knownWrong: [
    { mistake: 'diagonal-whh', file: 'fixtures/wrong/rnn/diagonal-whh.ts', rejectedBy: ['rnn.dh', ...gradClaims], named: RNN_MISTAKES['diagonal-whh'] },
    { mistake: 'no-tanh-derivative', file: 'fixtures/wrong/rnn/no-tanh-derivative.ts', rejectedBy: ['rnn.dh', ...gradClaims], named: RNN_MISTAKES['no-tanh-derivative'] },
    { mistake: 'whh-uses-h_t', file: 'fixtures/wrong/rnn/whh-uses-h_t.ts', rejectedBy: gradClaims, named: RNN_MISTAKES['whh-uses-h_t'] },
    { mistake: 'last-step-not-propagated', file: 'fixtures/wrong/rnn/last-step-not-propagated.ts', rejectedBy: ['rnn.dh', ...gradClaims], named: RNN_MISTAKES['last-step-not-propagated'] },
    { mistake: 'dz-wrong-sign', file: 'fixtures/wrong/rnn/dz-wrong-sign.ts', rejectedBy: ['rnn.delta-z', 'rnn.dh', ...gradClaims], named: RNN_MISTAKES['dz-wrong-sign'] },
  ],
});
