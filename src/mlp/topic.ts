import { defineTopic } from '../claims/types.ts';
import { mlpClaims } from './claims.ts';
import { mlpContract, type MlpContract } from './contract.ts';
import { mlpReference } from './reference.ts';

const w = (mistake: string, rejectedBy: string[], named: string) => ({ mistake, rejectedBy, named });

export const mlpTopic = defineTopic<MlpContract>({
  id: 'mlp',
  title: 'MLP cost: parameters, SGD multiplications, path enumeration (CIE6032 HW2 P3 = ELEG5491 HW2 P4)',
  contract: mlpContract,
  reference: mlpReference,
  claims: mlpClaims,
  knownWrong: [
    w('no-dn-term', ['mlp.param-count'], 'missing the d·n term'),
    w('biases-twice', ['mlp.param-count'], 'counts the biases L·n + c twice'),
    w('weights-only', ['mlp.param-count'], 'missing the biases'),
    w('no-output-bias', ['mlp.param-count'], 'missing the output biases c'),
    w('ambiguous-exponent', ['mlp.param-count'], 'write n^2*L or n^(2*L)'),
    w('uncounted', ['mlp.sgd-step', 'mlp.path-enum-grad'], 'counted 0 multiplications'),
    w('update-sign', ['mlp.sgd-step'], 'the updated network is wrong'),
    w('no-sigmoid-derivative', ['mlp.sgd-step'], 'the updated network is wrong'),
    w('sgd-order-no-dn', ['mlp.sgd-order'], 'missing the d·n term'),
    w('sgd-order-exponential', ['mlp.sgd-order'], 'grows exponentially in L'),
    w('sgd-order-no-L', ['mlp.sgd-order'], 'in L: your formula does not grow with L'),
    w('backprop-as-paths', ['mlp.path-enum-grad'], 'does not have the order of path enumeration'),
    w('one-path-only', ['mlp.path-enum-grad'], 'the path-enumeration gradient (vs backprop) is wrong'),
    w('path-order-times-n', ['mlp.path-enum-cost'], 'off by a factor n'),
    w('path-order-polynomial', ['mlp.path-enum-cost'], 'the true cost grows exponentially in L'),
    w('path-order-no-L', ['mlp.path-enum-cost'], 'off by a factor 1/L'),
  ],
});
