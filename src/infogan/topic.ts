import { defineTopic } from '../claims/types.ts';
import { infoganClaims } from './claims.ts';
import { infoganContract, type InfoganContract } from './contract.ts';
import { INFOGAN_MISTAKES as M } from './misconceptions.ts';
import { infoganReference } from './reference.ts';

const W = 'fixtures/wrong/infogan';
export const infoganTopic = defineTopic<InfoganContract>({
  id: 'infogan',
  title: 'InfoGAN on MNIST (CIE6032 HW2 P5)',
  contract: infoganContract,
  reference: infoganReference,
  claims: infoganClaims,
  knownWrong: [
    { mistake: 'idx-accepts-wrong-magic', file: `${W}/idx-accepts-wrong-magic.ts`, rejectedBy: ['infogan.idx-reader'], named: 'wrong magic number' },
    { mistake: 'idx-no-length-check', file: `${W}/idx-no-length-check.ts`, rejectedBy: ['infogan.idx-reader'], named: 'truncated file' },
    { mistake: 'cont-0-1', file: `${W}/cont-0-1.ts`, rejectedBy: ['infogan.latent'], named: M['cont-0-1'] },
    { mistake: 'not-one-hot', file: `${W}/not-one-hot.ts`, rejectedBy: ['infogan.latent'], named: M['not-one-hot'] },
    { mistake: 'mi-wrong-sign', file: `${W}/mi-wrong-sign.ts`, rejectedBy: ['infogan.info-loss'], named: 'wrong sign' },
    { mistake: 'info-loss-summed', file: `${W}/info-loss-summed.ts`, rejectedBy: ['infogan.info-loss'], named: M.summed },
    { mistake: 'cont-no-half', file: `${W}/cont-no-half.ts`, rejectedBy: ['infogan.info-loss'], named: M['no-half'] },
    { mistake: 'greedy-assignment', file: `${W}/greedy-assignment.ts`, rejectedBy: ['infogan.assignment'], named: 'greedy assignment' },
    { mistake: 'argmax-per-row', file: `${W}/argmax-per-row.ts`, rejectedBy: ['infogan.assignment'], named: 'not a permutation' },
    { mistake: 'resume-restarts', file: `${W}/resume-restarts.ts`, rejectedBy: ['infogan.train-smoke'], named: M.resume },
    { mistake: 'q-ignores-code', file: `${W}/q-ignores-code.ts`, rejectedBy: ['infogan.mi', 'infogan.categorical', 'infogan.figures'], named: M['q-ignores-code'] },
    { mistake: 'non-monotone-sweep', file: `${W}/non-monotone-sweep.ts`, rejectedBy: ['infogan.continuous'], named: M['non-monotone'] },
  ],
});
