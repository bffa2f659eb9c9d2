import { defineTopic } from '../claims/types.ts';
import { MDRNN_MISTAKES, mdrnnClaims } from './claims.ts';
import { mdrnnContract, type MdrnnContract } from './contract.ts';
import { mdrnnReference } from './reference.ts';

export const mdrnnTopic = defineTopic<MdrnnContract>({
  id: 'mdrnn',
  title: 'Multidimensional RNN: weights, operations, parallel steps, MDRNN vs CNN (CSC421 HW3 P2)',
  contract: mdrnnContract,
  reference: mdrnnReference,
  claims: mdrnnClaims,
  knownWrong: [
    { mistake: 'one-recurrent-matrix', file: 'fixtures/wrong/mdrnn/one-recurrent-matrix.ts', rejectedBy: ['mdrnn.weights'], named: MDRNN_MISTAKES.oneRecurrent },
    { mistake: 'mults-only', file: 'fixtures/wrong/mdrnn/mults-only.ts', rejectedBy: ['mdrnn.ops'], named: MDRNN_MISTAKES.multsOnly },
    { mistake: 'raster-order', file: 'fixtures/wrong/mdrnn/raster-order.ts', rejectedBy: ['mdrnn.steps', 'mdrnn.order'], named: MDRNN_MISTAKES.raster },
    { mistake: 'rows-in-parallel', file: 'fixtures/wrong/mdrnn/rows-in-parallel.ts', rejectedBy: ['mdrnn.steps', 'mdrnn.order'], named: MDRNN_MISTAKES.sameStep },
    { mistake: 'cross-context', file: 'fixtures/wrong/mdrnn/cross-context.ts', rejectedBy: ['mdrnn.vs-cnn'], named: MDRNN_MISTAKES.cross },
    { mistake: 'cnn-field-Lk', file: 'fixtures/wrong/mdrnn/cnn-field-Lk.ts', rejectedBy: ['mdrnn.vs-cnn'], named: MDRNN_MISTAKES.cnnWidth },
    { mistake: 'weights-with-bias', file: 'fixtures/wrong/mdrnn/weights-with-bias.ts', rejectedBy: ['mdrnn.weights'], named: MDRNN_MISTAKES.bias },
    { mistake: 'weights-recurrent-only', file: 'fixtures/wrong/mdrnn/weights-recurrent-only.ts', rejectedBy: ['mdrnn.weights'], named: MDRNN_MISTAKES.recurrentOnly },
    { mistake: 'ops-no-vector-sum', file: 'fixtures/wrong/mdrnn/ops-no-vector-sum.ts', rejectedBy: ['mdrnn.ops'], named: MDRNN_MISTAKES.noVectorSum },
    { mistake: 'ops-skip-boundary', file: 'fixtures/wrong/mdrnn/ops-skip-boundary.ts', rejectedBy: ['mdrnn.ops'], named: MDRNN_MISTAKES.skipBoundary },
    { mistake: 'ops-order-no-input', file: 'fixtures/wrong/mdrnn/ops-order-no-input.ts', rejectedBy: ['mdrnn.ops'], named: 'missing the G²·H·D term' },
    { mistake: 'steps-path-edges', file: 'fixtures/wrong/mdrnn/steps-path-edges.ts', rejectedBy: ['mdrnn.steps'], named: MDRNN_MISTAKES.pathEdges },
    { mistake: 'context-whole-grid', file: 'fixtures/wrong/mdrnn/context-whole-grid.ts', rejectedBy: ['mdrnn.vs-cnn'], named: MDRNN_MISTAKES.wholeGrid },
    { mistake: 'order-not-array', file: 'fixtures/wrong/mdrnn/order-not-array.ts', rejectedBy: ['mdrnn.order'], named: 'mdrnnOrder(1) should return an array of steps' },
  ],
});
