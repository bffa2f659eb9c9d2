import { defineTopic } from '../claims/types.ts';
import { pixelcnnClaims } from './claims.ts';
import { PIXELCNN_MISTAKES } from './misconceptions.ts';
import { pixelcnnContract, type PixelcnnContract } from './contract.ts';
import { pixelcnnReference } from './reference.ts';

export const pixelcnnTopic = defineTopic<PixelcnnContract>({
  id: 'pixelcnn',
  title: 'Autoregressive models: PixelCNN vs MDRNN on their dependency graphs (CSE891 HW3 P4)',
  contract: pixelcnnContract,
  reference: pixelcnnReference,
  claims: pixelcnnClaims,
  knownWrong: [
    { mistake: 'connections-dkHW', rejectedBy: ['pixelcnn.connections', 'pixelcnn.mdrnn-connections'], named: PIXELCNN_MISTAKES.connK },
    { mistake: 'steps-HW', rejectedBy: ['pixelcnn.steps'], named: PIXELCNN_MISTAKES.pixelSteps },
    { mistake: 'mdrnn-steps-d(H+W)', rejectedBy: ['pixelcnn.mdrnn-steps'], named: PIXELCNN_MISTAKES.mdrnnPipeline },
    { mistake: 'mdrnn-steps-dHW', rejectedBy: ['pixelcnn.mdrnn-steps'], named: PIXELCNN_MISTAKES.mdrnnOnePixel },
    { mistake: 'unknown-variable', rejectedBy: ['pixelcnn.connections'], named: 'unknown variable "n"' },
    { mistake: 'no-blind-spot', rejectedBy: ['pixelcnn.context'], named: PIXELCNN_MISTAKES.blindSpot },
    { mistake: 'mdrnn-causal-past', rejectedBy: ['pixelcnn.context'], named: PIXELCNN_MISTAKES.mdrnnRegion },
    { mistake: 'connections-one-layer', rejectedBy: ['pixelcnn.connections', 'pixelcnn.mdrnn-connections'], named: PIXELCNN_MISTAKES.connD },
    { mistake: 'mdrnn-connections-dHW', rejectedBy: ['pixelcnn.mdrnn-connections'], named: PIXELCNN_MISTAKES.mdrnnConnK },
    { mistake: 'steps-constant', rejectedBy: ['pixelcnn.steps'], named: PIXELCNN_MISTAKES.constSteps },
    { mistake: 'mdrnn-steps-d', rejectedBy: ['pixelcnn.mdrnn-steps'], named: PIXELCNN_MISTAKES.mdrnnNoRecurrence },
    { mistake: 'context-includes-self', rejectedBy: ['pixelcnn.context'], named: PIXELCNN_MISTAKES.selfInContext },
    { mistake: 'unbalanced', rejectedBy: ['pixelcnn.steps'], named: 'unbalanced parentheses' },
  ],
});
