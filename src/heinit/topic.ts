import { defineTopic } from '../claims/types.ts';
import { heinitClaims } from './claims.ts';
import { heinitContract, type HeinitContract } from './contract.ts';
import { heinitReference } from './reference.ts';

const depth = ['heinit.forward-depth30', 'heinit.backward-depth30'];

export const heinitTopic = defineTopic<HeinitContract>({
  id: 'heinit',
  title: 'He initialization: eqs. (3)–(6) as measured properties (ELEG5491 HW2 P5.2 a)',
  contract: heinitContract,
  reference: heinitReference,
  claims: heinitClaims,
  knownWrong: [
    { mistake: 'eq3-variance-of-x', file: 'fixtures/wrong/heinit/eq3-variance-of-x.ts', rejectedBy: ['heinit.eq3'], named: 'Var[x_l] used instead of E[x_l²]' },
    { mistake: 'eq3-missing-n', file: 'fixtures/wrong/heinit/eq3-missing-n.ts', rejectedBy: ['heinit.eq3'], named: 'the factor n_l is missing' },
    { mistake: 'eq3-mean-squared', file: 'fixtures/wrong/heinit/eq3-mean-squared.ts', rejectedBy: ['heinit.eq3'], named: 'E[x_l]² used instead of E[x_l²]' },
    { mistake: 'eq4-missing-half', file: 'fixtures/wrong/heinit/eq4-missing-half.ts', rejectedBy: ['heinit.eq4'], named: 'the factor ½ is missing' },
    { mistake: 'eq4-variance-of-x', file: 'fixtures/wrong/heinit/eq4-variance-of-x.ts', rejectedBy: ['heinit.eq4'], named: 'this is Var[x_l]' },
    { mistake: 'eq4-half-squared', file: 'fixtures/wrong/heinit/eq4-half-squared.ts', rejectedBy: ['heinit.eq4'], named: 'the ½ applies to E[y²], it is not squared' },
    { mistake: 'eq5-missing-half', file: 'fixtures/wrong/heinit/eq5-missing-half.ts', rejectedBy: ['heinit.forward-depth30'], named: 'the factor ½ of eq. (4) is missing' },
    { mistake: 'std-xavier', file: 'fixtures/wrong/heinit/std-xavier.ts', rejectedBy: depth, named: 'Xavier/LeCun std √(1/n_l)' },
    { mistake: 'std-returns-variance', file: 'fixtures/wrong/heinit/std-returns-variance.ts', rejectedBy: depth, named: 'returns the variance 2/n_l' },
    { mistake: 'std-fixed-0.01', file: 'fixtures/wrong/heinit/std-fixed-0.01.ts', rejectedBy: depth, named: 'a fixed std 0.01' },
    { mistake: 'weights-fan-out', file: 'fixtures/wrong/heinit/weights-fan-out.ts', rejectedBy: ['heinit.forward-depth30'], named: 'the weights use fan-out' },
  ],
});
