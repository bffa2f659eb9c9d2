import { defineTopic } from '../claims/types.ts';
import { GT_COUNT_MISTAKES, GT_MISTAKES, gtClaims } from './claims.ts';
import { gtContract, type GtContract } from './contract.ts';
import { gtReference } from './reference.ts';

export const gtTopic = defineTopic<GtContract>({
  id: 'gt',
  title: 'G_t as nested F_θ, and why an RNN models every length (CIE6032 HW2 P2 = ELEG5491 HW2 P2)',
  contract: gtContract,
  reference: gtReference,
  claims: gtClaims,
  knownWrong: [
    { mistake: 'reversed', file: 'fixtures/wrong/gt/reversed.ts', rejectedBy: ['gt.expression', 'gt.fold', 'gt.any-length'], named: GT_MISTAKES.reversed },
    { mistake: 'no-nesting', file: 'fixtures/wrong/gt/no-nesting.ts', rejectedBy: ['gt.expression', 'gt.fold', 'gt.any-length'], named: GT_MISTAKES['no-nesting'] },
    { mistake: 'off-by-one', file: 'fixtures/wrong/gt/off-by-one.ts', rejectedBy: ['gt.expression', 'gt.fold', 'gt.any-length'], named: GT_MISTAKES['off-by-one'] },
    { mistake: 'unrolled-copies-counted', file: 'fixtures/wrong/gt/unrolled-copies-counted.ts', rejectedBy: ['gt.sharing'], named: 'the unrolled copies are counted as separate parameters' },
    { mistake: 'table-linear', file: 'fixtures/wrong/gt/table-linear.ts', rejectedBy: ['gt.sharing'], named: 'the table is counted as growing linearly' },
    { mistake: 'dense-one-input', file: 'fixtures/wrong/gt/dense-one-input.ts', rejectedBy: ['gt.sharing'], named: GT_COUNT_MISTAKES.denseOneInput },
    { mistake: 'throws', file: 'fixtures/wrong/gt/throws.ts', rejectedBy: ['gt.fold', 'gt.any-length'], named: '`gtUnroll` threw Error: TODO: not implemented' },
  ],
});
