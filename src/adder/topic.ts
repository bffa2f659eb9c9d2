import { defineTopic } from '../claims/types.ts';
import { adderClaims } from './claims.ts';
import { ADDER_MISTAKES } from './misconceptions.ts';
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
    { mistake: 'no-1-1-carry', rejectedBy: both, named: ADDER_MISTAKES['no-1-1-carry'] },
    { mistake: 'carry-lost-in-chain', rejectedBy: both, named: ADDER_MISTAKES['carry-lost-in-chain'] },
    { mistake: 'threshold-tie', rejectedBy: both, named: ADDER_MISTAKES['threshold-tie'] },
    { mistake: 'wrong-shape', rejectedBy: both, named: 'adderWeights.Whh: wrong shape: expected 3×3, got 3×2' },
  ],
});
