import { defineTopic } from '../claims/types.ts';
import { cnnParamsClaims } from './claims.ts';
import { cnnParamsContract, type CnnParamsContract } from './contract.ts';
import { CNN_MISTAKES } from './misconceptions.ts';
import { cnnParamsReference } from './reference.ts';

const both = ['cnnparams.counter', 'cnnparams.total'];
const w = (mistake: keyof typeof CNN_MISTAKES) => ({ mistake, rejectedBy: both, named: CNN_MISTAKES[mistake] });

export const cnnParamsTopic = defineTopic<CnnParamsContract>({
  id: 'cnnparams',
  title: 'CNN parameter count (CSE891 HW3 P3.1)',
  contract: cnnParamsContract,
  reference: cnnParamsReference,
  claims: cnnParamsClaims,
  knownWrong: [w('no-bias'), w('no-input-channels'), w('padding-ignored'), w('pool-not-applied')],
});
