import { defineTopic } from '../claims/types.ts';
import { infoganClaims } from './claims.ts';
import { infoganContract, type InfoganContract } from './contract.ts';
import { INFOGAN_MISTAKES as M } from './misconceptions.ts';
import { infoganReference } from './reference.ts';
import { GENERATOR_MISTAKES as GM } from './misconceptions.ts';

const GENERATOR_CLAIMS = ['infogan.generator.mi', 'infogan.generator.categorical', 'infogan.generator.continuous', 'infogan.generator.figures'];

export const infoganTopic = defineTopic<InfoganContract>({
  id: 'infogan',
  title: 'InfoGAN on MNIST (CIE6032 HW2 P5)',
  contract: infoganContract,
  reference: infoganReference,
  claims: infoganClaims,
  knownWrong: [
    { mistake: 'idx-accepts-wrong-magic', rejectedBy: ['infogan.idx-reader'], named: 'wrong magic number' },
    { mistake: 'idx-no-length-check', rejectedBy: ['infogan.idx-reader'], named: 'truncated file' },
    { mistake: 'cont-0-1', rejectedBy: ['infogan.latent'], named: M['cont-0-1'] },
    { mistake: 'noise-0-1', rejectedBy: ['infogan.latent'], named: M['noise-0-1'] },
    { mistake: 'not-one-hot', rejectedBy: ['infogan.latent'], named: M['not-one-hot'] },
    { mistake: 'mi-wrong-sign', rejectedBy: ['infogan.info-loss'], named: 'wrong sign' },
    { mistake: 'info-loss-summed', rejectedBy: ['infogan.info-loss'], named: M.summed },
    { mistake: 'cont-no-half', rejectedBy: ['infogan.info-loss'], named: M['no-half'] },
    { mistake: 'greedy-assignment', rejectedBy: ['infogan.assignment'], named: 'greedy assignment' },
    { mistake: 'argmax-per-row', rejectedBy: ['infogan.assignment'], named: 'not a permutation' },
    { mistake: 'resume-restarts', rejectedBy: ['infogan.train-smoke'], named: M.resume },
    { mistake: 'idx-fixed-header-16', rejectedBy: ['infogan.idx-reader'], named: M['fixed-header'] },
    { mistake: 'cat-never-9', rejectedBy: ['infogan.latent'], named: M['cat-off-by-one'] },
    { mistake: 'assign-minimises', rejectedBy: ['infogan.assignment'], named: M.minimised },
    { mistake: 'tanh-output', rejectedBy: ['infogan.train-smoke'], named: M['tanh-output'] },
    { mistake: 'q-single-head', rejectedBy: ['infogan.train-smoke'], named: M['q-single-head'] },
    // the trained-model claims are slow/gpu, but these fixtures' stand-in "models" make them fail in about a second:
    // their rejection stays in the default suite (the CPU and the paper-architecture claims alike)
    {
      mistake: 'q-ignores-code',
      rejectedBy: ['infogan.mi', 'infogan.categorical', 'infogan.figures', 'infogan.gpu.mi', 'infogan.gpu.categorical', 'infogan.gpu.figures'],
      named: M['q-ignores-code'],
      taggedRejections: 'default',
    },
    { mistake: 'non-monotone-sweep', rejectedBy: ['infogan.continuous', 'infogan.gpu.continuous'], named: M['non-monotone'], taggedRejections: 'default' },
    // needs the digit judge (≈ 20 s of training): rejected where the continuous claims run (slow / gpu)
    { mistake: 'sweep-changes-digit', rejectedBy: ['infogan.continuous', 'infogan.gpu.continuous'], named: M['changes-digit'] },
    // trained generators handed in (fixtures/wrong/infogan/generators/: files, read beside the key's)
    { mistake: 'generator-untrained', rejectedBy: GENERATOR_CLAIMS, named: GM.untrained },
    // with the code's weights zeroed, the continuous codes take over the digit too: their sweeps lose it
    { mistake: 'generator-code-ignored', rejectedBy: GENERATOR_CLAIMS, named: GM['code-ignored'] },
    // a DCGAN habit: only its model.json is here, the grader names the layer before it reads a weight
    { mistake: 'generator-tanh-output', rejectedBy: GENERATOR_CLAIMS, named: GM['tanh-output'] },
    { mistake: 'generator-continuous-inert', rejectedBy: ['infogan.generator.continuous'], named: GM['continuous-inert'] },
  ],
});
