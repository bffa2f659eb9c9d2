import { defineTopic } from '../claims/types.ts';
import { ADDER_MISTAKES, adderClaims } from './claims.ts';
import { adderContract, type AdderContract } from './contract.ts';
import { adderReference } from './reference.ts';

const both = ['adder.exhaustive', 'adder.long'];

export const adderTopic = defineTopic<AdderContract>({
  id: 'adder',
  title: 'Hard-threshold RNN binary adder (CSE891 HW3 P1)',
  contract: adderContract,
  reference: adderReference,
  claims: adderClaims,
  knownWrong: [
    { mistake: 'no-1-1-carry', file: 'fixtures/wrong/adder/no-1-1-carry.ts', rejectedBy: both, named: ADDER_MISTAKES['no-1-1-carry'] },
    { mistake: 'carry-lost-in-chain', file: 'fixtures/wrong/adder/carry-lost-in-chain.ts', rejectedBy: both, named: ADDER_MISTAKES['carry-lost-in-chain'] },
    { mistake: 'threshold-tie', file: 'fixtures/wrong/adder/threshold-tie.ts', rejectedBy: both, named: ADDER_MISTAKES['threshold-tie'] },
    { mistake: 'wrong-shape', file: 'fixtures/wrong/adder/wrong-shape.ts', rejectedBy: both, named: 'adderWeights.Whh: wrong shape: expected 3×3, got 3×2' },
  ],
});
