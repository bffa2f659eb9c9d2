import { defineTopic } from '../claims/types.ts';
import { heinitClaims } from './claims.ts';
import { HEINIT_MISTAKES } from './misconceptions.ts';
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
    { mistake: 'eq3-variance-of-x', rejectedBy: ['heinit.eq3'], named: HEINIT_MISTAKES['eq3-variance-of-x'] },
    { mistake: 'eq3-missing-n', rejectedBy: ['heinit.eq3'], named: HEINIT_MISTAKES['eq3-missing-n'] },
    { mistake: 'eq3-mean-squared', rejectedBy: ['heinit.eq3'], named: HEINIT_MISTAKES['eq3-mean-squared'] },
    { mistake: 'eq4-missing-half', rejectedBy: ['heinit.eq4'], named: HEINIT_MISTAKES['eq4-missing-half'] },
    { mistake: 'eq4-variance-of-x', rejectedBy: ['heinit.eq4'], named: HEINIT_MISTAKES['eq4-variance-of-x'] },
    { mistake: 'eq4-half-squared', rejectedBy: ['heinit.eq4'], named: HEINIT_MISTAKES['eq4-half-squared'] },
    { mistake: 'eq5-missing-half', rejectedBy: ['heinit.forward-depth30'], named: HEINIT_MISTAKES['eq5-missing-half'] },
    { mistake: 'std-xavier', rejectedBy: depth, named: HEINIT_MISTAKES['std-xavier'] },
    { mistake: 'std-returns-variance', rejectedBy: depth, named: HEINIT_MISTAKES['std-returns-variance'] },
    { mistake: 'std-fixed-0.01', rejectedBy: depth, named: HEINIT_MISTAKES['std-fixed-0.01'] },
    { mistake: 'weights-fan-out', rejectedBy: ['heinit.forward-depth30'], named: HEINIT_MISTAKES['weights-fan-out'] },
  ],
});
