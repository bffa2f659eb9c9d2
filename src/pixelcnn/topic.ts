import { defineTopic } from '../claims/types.ts';
import { PIXELCNN_MISTAKES, pixelcnnClaims } from './claims.ts';
import { pixelcnnContract, type PixelcnnContract } from './contract.ts';
import { pixelcnnReference } from './reference.ts';

export const pixelcnnTopic = defineTopic<PixelcnnContract>({
  id: 'pixelcnn',
  title: 'Autoregressive models: PixelCNN vs MDRNN on their dependency graphs (CSE891 HW3 P4)',
  contract: pixelcnnContract,
  reference: pixelcnnReference,
  claims: pixelcnnClaims,
  knownWrong: [
    { mistake: 'connections-dkHW', file: 'fixtures/wrong/pixelcnn/connections-dkHW.ts', rejectedBy: ['pixelcnn.connections', 'pixelcnn.mdrnn-connections'], named: PIXELCNN_MISTAKES.connK },
    { mistake: 'steps-HW', file: 'fixtures/wrong/pixelcnn/steps-HW.ts', rejectedBy: ['pixelcnn.steps'], named: PIXELCNN_MISTAKES.pixelSteps },
    { mistake: 'mdrnn-steps-d(H+W)', file: 'fixtures/wrong/pixelcnn/mdrnn-steps-d(H+W).ts', rejectedBy: ['pixelcnn.mdrnn-steps'], named: PIXELCNN_MISTAKES.mdrnnPipeline },
    { mistake: 'mdrnn-steps-dHW', file: 'fixtures/wrong/pixelcnn/mdrnn-steps-dHW.ts', rejectedBy: ['pixelcnn.mdrnn-steps'], named: PIXELCNN_MISTAKES.mdrnnOnePixel },
    { mistake: 'unknown-variable', file: 'fixtures/wrong/pixelcnn/unknown-variable.ts', rejectedBy: ['pixelcnn.connections'], named: 'unknown variable "n"' },
    { mistake: 'no-blind-spot', file: 'fixtures/wrong/pixelcnn/no-blind-spot.ts', rejectedBy: ['pixelcnn.context'], named: PIXELCNN_MISTAKES.blindSpot },
    { mistake: 'mdrnn-causal-past', file: 'fixtures/wrong/pixelcnn/mdrnn-causal-past.ts', rejectedBy: ['pixelcnn.context'], named: PIXELCNN_MISTAKES.mdrnnRegion },
    { mistake: 'connections-one-layer', file: 'fixtures/wrong/pixelcnn/connections-one-layer.ts', rejectedBy: ['pixelcnn.connections', 'pixelcnn.mdrnn-connections'], named: PIXELCNN_MISTAKES.connD },
    { mistake: 'mdrnn-connections-dHW', file: 'fixtures/wrong/pixelcnn/mdrnn-connections-dHW.ts', rejectedBy: ['pixelcnn.mdrnn-connections'], named: PIXELCNN_MISTAKES.mdrnnConnK },
    { mistake: 'steps-constant', file: 'fixtures/wrong/pixelcnn/steps-constant.ts', rejectedBy: ['pixelcnn.steps'], named: PIXELCNN_MISTAKES.constSteps },
    { mistake: 'mdrnn-steps-d', file: 'fixtures/wrong/pixelcnn/mdrnn-steps-d.ts', rejectedBy: ['pixelcnn.mdrnn-steps'], named: PIXELCNN_MISTAKES.mdrnnNoRecurrence },
    { mistake: 'context-includes-self', file: 'fixtures/wrong/pixelcnn/context-includes-self.ts', rejectedBy: ['pixelcnn.context'], named: PIXELCNN_MISTAKES.selfInContext },
    { mistake: 'unbalanced', file: 'fixtures/wrong/pixelcnn/unbalanced.ts', rejectedBy: ['pixelcnn.steps'], named: 'unbalanced parentheses' },
  ],
});
