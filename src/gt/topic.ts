import { defineTopic } from '../claims/types.ts';
import { gtClaims } from './claims.ts';
import { GT_COUNT_MISTAKES, GT_MISTAKES } from './misconceptions.ts';
import { gtContract, type GtContract } from './contract.ts';
import { gtReference } from './reference.ts';

export const gtTopic = defineTopic<GtContract>({
  id: 'gt',
  title: 'G_t as nested F_θ, and why an RNN models every length (CIE6032 HW2 P2 = ELEG5491 HW2 P2)',
  contract: gtContract,
  reference: gtReference,
  claims: gtClaims,
  knownWrong: [
    { mistake: 'reversed', rejectedBy: ['gt.expression', 'gt.fold', 'gt.any-length'], named: GT_MISTAKES.reversed },
    { mistake: 'no-nesting', rejectedBy: ['gt.expression', 'gt.fold', 'gt.any-length'], named: GT_MISTAKES['no-nesting'] },
    { mistake: 'off-by-one', rejectedBy: ['gt.expression', 'gt.fold', 'gt.any-length'], named: GT_MISTAKES['off-by-one'] },
    { mistake: 'unrolled-copies-counted', rejectedBy: ['gt.sharing'], named: GT_COUNT_MISTAKES.unrolled },
    { mistake: 'table-linear', rejectedBy: ['gt.sharing'], named: GT_COUNT_MISTAKES.tableLinear },
    { mistake: 'dense-one-input', rejectedBy: ['gt.sharing'], named: GT_COUNT_MISTAKES.denseOneInput },
    { mistake: 'throws', rejectedBy: ['gt.fold', 'gt.any-length'], named: '`gtUnroll` threw Error: TODO: not implemented' },
  ],
});
