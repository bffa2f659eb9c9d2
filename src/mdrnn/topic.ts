import { defineTopic } from '../claims/types.ts';
import { mdrnnClaims } from './claims.ts';
import { MDRNN_MISTAKES } from './misconceptions.ts';
import { mdrnnContract, type MdrnnContract } from './contract.ts';
import { mdrnnReference } from './reference.ts';

export const mdrnnTopic = defineTopic<MdrnnContract>({
  id: 'mdrnn',
  title: 'Multidimensional RNN: weights, operations, parallel steps, MDRNN vs CNN (CSC421 HW3 P2)',
  contract: mdrnnContract,
  reference: mdrnnReference,
  claims: mdrnnClaims,
  knownWrong: [
    { mistake: 'one-recurrent-matrix', rejectedBy: ['mdrnn.weights'], named: MDRNN_MISTAKES.oneRecurrent },
    { mistake: 'mults-only', rejectedBy: ['mdrnn.ops'], named: MDRNN_MISTAKES.multsOnly },
    { mistake: 'raster-order', rejectedBy: ['mdrnn.steps', 'mdrnn.order'], named: MDRNN_MISTAKES.raster },
    { mistake: 'rows-in-parallel', rejectedBy: ['mdrnn.steps', 'mdrnn.order'], named: MDRNN_MISTAKES.sameStep },
    { mistake: 'cross-context', rejectedBy: ['mdrnn.vs-cnn'], named: MDRNN_MISTAKES.cross },
    { mistake: 'cnn-field-Lk', rejectedBy: ['mdrnn.vs-cnn'], named: MDRNN_MISTAKES.cnnWidth },
    { mistake: 'weights-with-bias', rejectedBy: ['mdrnn.weights'], named: MDRNN_MISTAKES.bias },
    { mistake: 'weights-recurrent-only', rejectedBy: ['mdrnn.weights'], named: MDRNN_MISTAKES.recurrentOnly },
    { mistake: 'ops-no-vector-sum', rejectedBy: ['mdrnn.ops'], named: MDRNN_MISTAKES.noVectorSum },
    { mistake: 'ops-skip-boundary', rejectedBy: ['mdrnn.ops'], named: MDRNN_MISTAKES.skipBoundary },
    { mistake: 'ops-order-no-input', rejectedBy: ['mdrnn.ops'], named: 'missing the G²·H·D term' },
    { mistake: 'steps-path-edges', rejectedBy: ['mdrnn.steps'], named: MDRNN_MISTAKES.pathEdges },
    { mistake: 'context-whole-grid', rejectedBy: ['mdrnn.vs-cnn'], named: MDRNN_MISTAKES.wholeGrid },
    { mistake: 'order-not-array', rejectedBy: ['mdrnn.order'], named: 'mdrnnOrder(1) should return an array of steps' },
  ],
});
