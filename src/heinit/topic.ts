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
    { mistake: 'eq3-variance-of-x', rejectedBy: ['heinit.eq3'], named: 'Var[x_l] used instead of E[x_l²]' },
    { mistake: 'eq3-missing-n', rejectedBy: ['heinit.eq3'], named: 'the factor n_l is missing' },
    { mistake: 'eq3-mean-squared', rejectedBy: ['heinit.eq3'], named: 'E[x_l]² used instead of E[x_l²]' },
    { mistake: 'eq4-missing-half', rejectedBy: ['heinit.eq4'], named: 'the factor ½ is missing' },
    { mistake: 'eq4-variance-of-x', rejectedBy: ['heinit.eq4'], named: 'this is Var[x_l]' },
    { mistake: 'eq4-half-squared', rejectedBy: ['heinit.eq4'], named: 'the ½ applies to E[y²], it is not squared' },
    { mistake: 'eq5-missing-half', rejectedBy: ['heinit.forward-depth30'], named: 'the factor ½ of eq. (4) is missing' },
    { mistake: 'std-xavier', rejectedBy: depth, named: 'Xavier/LeCun std √(1/n_l)' },
    { mistake: 'std-returns-variance', rejectedBy: depth, named: 'returns the variance 2/n_l' },
    { mistake: 'std-fixed-0.01', rejectedBy: depth, named: 'a fixed std 0.01' },
    { mistake: 'weights-fan-out', rejectedBy: ['heinit.forward-depth30'], named: 'the weights use fan-out' },
  ],
});
