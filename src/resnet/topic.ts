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
    { mistake: 'answer-post', file: 'fixtures/wrong/resnet/answer-post.ts', rejectedBy: ['resnet.gradient-ratio'], named: 'disagrees with post-activation' },
    { mistake: 'answer-no-difference', file: 'fixtures/wrong/resnet/answer-no-difference.ts', rejectedBy: ['resnet.gradient-ratio'], named: RESNET_ANSWER_MISTAKES.noDifference },
    { mistake: 'answer-original', file: 'fixtures/wrong/resnet/answer-original.ts', rejectedBy: ['resnet.gradient-ratio'], named: RESNET_ANSWER_MISTAKES.original },
    { mistake: 'pre-relu-after-add', file: 'fixtures/wrong/resnet/pre-relu-after-add.ts', rejectedBy: ['resnet.identity-jacobian'], named: 'a ReLU after the addition' },
    { mistake: 'post-no-final-relu', file: 'fixtures/wrong/resnet/post-no-final-relu.ts', rejectedBy: ['resnet.identity-jacobian'], named: 'the final ReLU after the addition is missing' },
    { mistake: 'bn-unbiased-variance', file: 'fixtures/wrong/resnet/bn-unbiased-variance.ts', rejectedBy: ['resnet.identity-jacobian'], named: 'unbiased variance' },
  ],
});
