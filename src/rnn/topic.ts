import { defineTopic } from '../claims/types.ts';
import { rnnClaims } from './claims.ts';
import { rnnContract, type RnnContract } from './contract.ts';
import { RNN_FORWARD_MISTAKES, RNN_MISTAKES } from './misconceptions.ts';
import { rnnReference } from './reference.ts';

const gradClaims = ['rnn.grads.fd', 'rnn.grads.autodiff'];

export const rnnTopic = defineTopic<RnnContract>({
  id: 'rnn',
  title: 'RNN backpropagation through time (CIE6032 HW2 P1 = ELEG5491 HW2 P1)',
  contract: rnnContract,
  reference: rnnReference,
  claims: rnnClaims,
  knownWrong: [
    { mistake: 'diagonal-whh', rejectedBy: ['rnn.dh', ...gradClaims], named: RNN_MISTAKES['diagonal-whh'] },
    { mistake: 'no-tanh-derivative', rejectedBy: ['rnn.dh', ...gradClaims], named: RNN_MISTAKES['no-tanh-derivative'] },
    { mistake: 'whh-uses-h_t', rejectedBy: gradClaims, named: RNN_MISTAKES['whh-uses-h_t'] },
    { mistake: 'last-step-not-propagated', rejectedBy: ['rnn.dh', ...gradClaims], named: RNN_MISTAKES['last-step-not-propagated'] },
    { mistake: 'dz-wrong-sign', rejectedBy: ['rnn.delta-z', 'rnn.dh', ...gradClaims], named: RNN_MISTAKES['dz-wrong-sign'] },
    { mistake: 'dz-no-onehot', rejectedBy: ['rnn.delta-z', 'rnn.dh', ...gradClaims], named: RNN_MISTAKES['dz-no-onehot'] },
    { mistake: 'dz-shifted-target', rejectedBy: ['rnn.delta-z', 'rnn.dh', ...gradClaims], named: RNN_MISTAKES['dz-shifted-target'] },
    { mistake: 'truncated-bptt', rejectedBy: ['rnn.dh', ...gradClaims], named: RNN_MISTAKES['truncated-bptt'] },
    { mistake: 'whh-not-transposed', rejectedBy: ['rnn.dh', ...gradClaims], named: RNN_MISTAKES['whh-not-transposed'] },
    // two mistakes: shrinking ends at H = 1, where the diagonal one is invisible; it must still be named
    { mistake: 'diagonal-whh-and-last-step', rejectedBy: ['rnn.dh', ...gradClaims], named: RNN_MISTAKES['diagonal-whh'] },
    // the forward pass is graded on its own: a wrong forward with a correct BPTT loses only rnn.forward
    { mistake: 'forward-no-bh', rejectedBy: ['rnn.forward'], named: RNN_FORWARD_MISTAKES['forward-no-bh'] },
    { mistake: 'forward-sigmoid', rejectedBy: ['rnn.forward'], named: RNN_FORWARD_MISTAKES['forward-sigmoid'] },
    { mistake: 'forward-mean-loss', rejectedBy: ['rnn.forward'], named: RNN_FORWARD_MISTAKES['forward-mean-loss'] },
  ],
});
