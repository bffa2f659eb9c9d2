import { defineTopic } from '../claims/types.ts';
import { alexnetClaims } from './claims.ts';
import { ALEXNET_COUNT_MISTAKES } from './misconceptions.ts';
import { alexnetContract, type AlexnetContract } from './contract.ts';
import { ALEXNET_GRAPH, graphParamCount, syncStages } from './graph.ts';

const w = (mistake: string, rejectedBy: string[], named: string) => ({ mistake, rejectedBy, named });

export const alexnetTopic = defineTopic<AlexnetContract>({
  id: 'alexnet',
  title: 'AlexNet on two GPUs: synchronisation stages and parameter count (ELEG5491 HW2 P3)',
  contract: alexnetContract,
  reference: { alexnetSyncStages: syncStages(ALEXNET_GRAPH), alexnetParamCount: graphParamCount(ALEXNET_GRAPH) },
  claims: alexnetClaims,
  knownWrong: [
    w('sync-includes-conv2', ['alexnet.sync-stages'], 'conv2 does not need the GPUs to exchange data'),
    w('sync-only-conv3', ['alexnet.sync-stages'], 'missing: fc6 needs both GPUs'),
    w('sync-every-layer', ['alexnet.sync-stages'], 'conv4 does not need the GPUs to exchange data'),
    w('sync-bad-name', ['alexnet.sync-stages'], 'is not a stage name'),
    w('ungrouped-param-count', ['alexnet.param-count'], ALEXNET_COUNT_MISTAKES.ungrouped),
    w('no-bias-param-count', ['alexnet.param-count'], ALEXNET_COUNT_MISTAKES.noBias),
    w('no-pool5-param-count', ['alexnet.param-count'], ALEXNET_COUNT_MISTAKES.noPool5),
    w('one-gpu-param-count', ['alexnet.param-count'], ALEXNET_COUNT_MISTAKES.oneColumn),
  ],
});
