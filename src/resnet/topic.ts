import { defineTopic } from '../claims/types.ts';
import { resnetClaims } from './claims.ts';
import { RESNET_MISTAKES } from './misconceptions.ts';
import { resnetContract, type ResnetContract } from './contract.ts';
import { resnetReference } from './reference.ts';

export const resnetTopic = defineTopic<ResnetContract>({
  id: 'resnet',
  title: 'ResNet batch-norm placement: post- vs pre-activation blocks (CSE891 HW3 P3.2)',
  contract: resnetContract,
  reference: resnetReference,
  claims: resnetClaims,
  knownWrong: [
    { mistake: 'answer-post', rejectedBy: ['resnet.gradient-ratio'], named: 'disagrees with post-activation' },
    { mistake: 'answer-no-difference', rejectedBy: ['resnet.gradient-ratio'], named: RESNET_MISTAKES['answer-no-difference'] },
    { mistake: 'answer-original', rejectedBy: ['resnet.gradient-ratio'], named: RESNET_MISTAKES['answer-original'] },
    { mistake: 'pre-relu-after-add', rejectedBy: ['resnet.identity-jacobian'], named: RESNET_MISTAKES['pre-relu-after-add'] },
    { mistake: 'post-no-final-relu', rejectedBy: ['resnet.identity-jacobian'], named: RESNET_MISTAKES['post-no-final-relu'] },
    { mistake: 'bn-unbiased-variance', rejectedBy: ['resnet.identity-jacobian'], named: RESNET_MISTAKES['bn-unbiased-variance'] },
  ],
});
