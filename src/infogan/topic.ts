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
    { mistake: 'noise-0-1', file: `${W}/noise-0-1.ts`, rejectedBy: ['infogan.latent'], named: M['noise-0-1'] },
    { mistake: 'not-one-hot', file: `${W}/not-one-hot.ts`, rejectedBy: ['infogan.latent'], named: M['not-one-hot'] },
    { mistake: 'mi-wrong-sign', file: `${W}/mi-wrong-sign.ts`, rejectedBy: ['infogan.info-loss'], named: 'wrong sign' },
    { mistake: 'info-loss-summed', file: `${W}/info-loss-summed.ts`, rejectedBy: ['infogan.info-loss'], named: M.summed },
    { mistake: 'cont-no-half', file: `${W}/cont-no-half.ts`, rejectedBy: ['infogan.info-loss'], named: M['no-half'] },
    { mistake: 'greedy-assignment', file: `${W}/greedy-assignment.ts`, rejectedBy: ['infogan.assignment'], named: 'greedy assignment' },
    { mistake: 'argmax-per-row', file: `${W}/argmax-per-row.ts`, rejectedBy: ['infogan.assignment'], named: 'not a permutation' },
    { mistake: 'resume-restarts', file: `${W}/resume-restarts.ts`, rejectedBy: ['infogan.train-smoke'], named: M.resume },
    { mistake: 'idx-fixed-header-16', file: `${W}/idx-fixed-header-16.ts`, rejectedBy: ['infogan.idx-reader'], named: M['fixed-header'] },
    { mistake: 'cat-never-9', file: `${W}/cat-never-9.ts`, rejectedBy: ['infogan.latent'], named: M['cat-off-by-one'] },
    { mistake: 'assign-minimises', file: `${W}/assign-minimises.ts`, rejectedBy: ['infogan.assignment'], named: M.minimised },
    { mistake: 'tanh-output', file: `${W}/tanh-output.ts`, rejectedBy: ['infogan.train-smoke'], named: M['tanh-output'] },
    { mistake: 'q-single-head', file: `${W}/q-single-head.ts`, rejectedBy: ['infogan.train-smoke'], named: M['q-single-head'] },
    // the trained-model claims are slow/gpu, but these fixtures' stand-in "models" make them fail in about a second:
    // their rejection stays in the default suite (the CPU and the paper-architecture claims alike)
    {
      mistake: 'q-ignores-code',
      file: `${W}/q-ignores-code.ts`,
      rejectedBy: ['infogan.mi', 'infogan.categorical', 'infogan.figures', 'infogan.gpu.mi', 'infogan.gpu.categorical', 'infogan.gpu.figures'],
      named: M['q-ignores-code'],
      taggedRejections: 'default',
    },
    { mistake: 'non-monotone-sweep', file: `${W}/non-monotone-sweep.ts`, rejectedBy: ['infogan.continuous', 'infogan.gpu.continuous'], named: M['non-monotone'], taggedRejections: 'default' },
    // needs the digit judge (≈ 20 s of training): rejected where the continuous claims run (slow / gpu)
    { mistake: 'sweep-changes-digit', file: `${W}/sweep-changes-digit.ts`, rejectedBy: ['infogan.continuous', 'infogan.gpu.continuous'], named: M['changes-digit'] },
  ],
});
