import { defineTopic } from '../claims/types.ts';
import { lstmClaims } from './claims.ts';
import { LSTM_MISTAKES } from './misconceptions.ts';
import { lstmContract, type LstmContract } from './contract.ts';
import { lstmReference } from './reference.ts';

// lstm.carry measures the carry property only: a mistake that leaves c̄'s carry and h̄'s bound intact keeps the extra credit
const all = ['lstm.signals.fd', 'lstm.signals.autodiff', 'lstm.grads.fd', 'lstm.grads.autodiff'];

export const lstmTopic = defineTopic<LstmContract>({
  id: 'lstm',
  title: 'Univariate LSTM backpropagation through time (CSE891 HW3 P2 = CSC421 HW3 P1)',
  contract: lstmContract,
  reference: lstmReference,
  claims: lstmClaims,
  knownWrong: [
    { mistake: 'cbar-no-carry', rejectedBy: [...all, 'lstm.carry'], named: LSTM_MISTAKES['cbar-no-carry'] },
    { mistake: 'cbar-carry-without-f', rejectedBy: [...all, 'lstm.carry'], named: LSTM_MISTAKES['cbar-carry-without-f'] },
    { mistake: 'hbar-missing-forget-path', rejectedBy: all, named: LSTM_MISTAKES['hbar-missing-forget-path'] },
    { mistake: 'fbar-uses-c_t', rejectedBy: all, named: LSTM_MISTAKES['fbar-uses-c_t'] },
    { mistake: 'ibar-uses-g_prev', rejectedBy: all, named: LSTM_MISTAKES['ibar-uses-g_prev'] },
    { mistake: 'grads-from-t2', rejectedBy: ['lstm.grads.fd', 'lstm.grads.autodiff'], named: LSTM_MISTAKES['grads-from-t2'] },
    { mistake: 'returns-null', rejectedBy: [...all, 'lstm.carry'], named: 'lstmBptt(…): expected an object (Python: a dict) with a field `loss`, got null' },
  ],
});
