import { defineTopic } from '../claims/types.ts';
import { RESNET_ANSWER_MISTAKES, resnetClaims } from './claims.ts';
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
    { mistake: 'answer-no-difference', rejectedBy: ['resnet.gradient-ratio'], named: RESNET_ANSWER_MISTAKES.noDifference },
    { mistake: 'answer-original', rejectedBy: ['resnet.gradient-ratio'], named: RESNET_ANSWER_MISTAKES.original },
    { mistake: 'pre-relu-after-add', rejectedBy: ['resnet.identity-jacobian'], named: 'a ReLU after the addition' },
    { mistake: 'post-no-final-relu', rejectedBy: ['resnet.identity-jacobian'], named: 'the final ReLU after the addition is missing' },
    { mistake: 'bn-unbiased-variance', rejectedBy: ['resnet.identity-jacobian'], named: 'unbiased variance' },
  ],
});
