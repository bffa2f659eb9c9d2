/** The ResNet questions' known mistakes, each declared once: what the student reads, and the block each computes instead. */
import { compareTensor } from '../verify/compare.ts';
import { toTensor } from '../verify/tensor.ts';
import { stackForward, type BlockFlags, type ResBlockParams, type Variant } from './blocks.ts';

export const RESNET_MISTAKES = {
  'post-no-final-relu': 'the final ReLU after the addition is missing (post-activation: add, then ReLU).',
  'pre-relu-after-add': 'a ReLU after the addition — the pre-activation block adds the branch to x and applies nothing after.',
  'bn-unbiased-variance': 'BN uses the unbiased variance (1/(N−1)); training-mode BN normalises with the biased batch variance (1/N).',
  // wrong answers to "which is easier to train"
  'answer-no-difference': 'The measurement disagrees with "no difference"',
  'answer-original': 'the original ResNet block (He et al. 2015) is the post-activation one; the identity-mapping paper (He et al. 2016) introduced pre-activation',
} as const;

/** The mistake a wrong block output `got` on (x, p) reproduces, or ''. */
export function nameBlockMistake(v: Variant, got: number[][], x: number[][], p: ResBlockParams): string {
  const near = (flags: BlockFlags) => compareTensor('out', toTensor(got), toTensor(stackForward(v, x, [p], flags)), 1e-9).pass;
  if (v === 'post' && near({ reluAfterAdd: false })) return RESNET_MISTAKES['post-no-final-relu'];
  if (v === 'pre' && near({ reluAfterAdd: true })) return RESNET_MISTAKES['pre-relu-after-add'];
  if (near({ unbiasedVar: true })) return RESNET_MISTAKES['bn-unbiased-variance'];
  return '';
}
