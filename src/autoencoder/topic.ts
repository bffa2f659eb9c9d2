import { defineTopic } from '../claims/types.ts';
import { AE_LOSS_MISTAKES, autoencoderClaims } from './claims.ts';
import { autoencoderContract, type AutoencoderContract } from './contract.ts';
import { autoencoderReference } from './reference.ts';

export const autoencoderTopic = defineTopic<AutoencoderContract>({
  id: 'autoencoder',
  title: 'A linear autoencoder learns the PCA subspace (CIE6032 HW2 P4)',
  contract: autoencoderContract,
  reference: autoencoderReference,
  claims: autoencoderClaims,
  knownWrong: [
    { mistake: 'bottom-k', file: 'fixtures/wrong/autoencoder/bottom-k.ts', rejectedBy: ['autoencoder.optimum', 'autoencoder.trained-subspace', 'autoencoder.trained-loss', 'autoencoder.centering'], named: 'the bottom-k eigenvectors' },
    { mistake: 'uncentered', file: 'fixtures/wrong/autoencoder/uncentered.ts', rejectedBy: ['autoencoder.optimum', 'autoencoder.centering'], named: 'uncentered second moment' },
    { mistake: 'first-component-only', file: 'fixtures/wrong/autoencoder/first-component-only.ts', rejectedBy: ['autoencoder.optimum', 'autoencoder.trained-subspace', 'autoencoder.trained-loss', 'autoencoder.centering'], named: 'only the first principal component' },
    { mistake: 'not-converged', file: 'fixtures/wrong/autoencoder/not-converged.ts', rejectedBy: ['autoencoder.trained-subspace', 'autoencoder.trained-loss', 'autoencoder.centering'], named: 'has not converged' },
    { mistake: 'no-bias', file: 'fixtures/wrong/autoencoder/no-bias.ts', rejectedBy: ['autoencoder.centering'], named: 'the biases stayed 0' },
    { mistake: 'loss-mean-over-dims', file: 'fixtures/wrong/autoencoder/loss-mean-over-dims.ts', rejectedBy: ['autoencoder.not-unique'], named: 'averaged over the d coordinates' },
    { mistake: 'loss-summed-over-samples', file: 'fixtures/wrong/autoencoder/loss-summed-over-samples.ts', rejectedBy: ['autoencoder.not-unique'], named: AE_LOSS_MISTAKES.summed },
    { mistake: 'loss-tied-decoder', file: 'fixtures/wrong/autoencoder/loss-tied-decoder.ts', rejectedBy: ['autoencoder.not-unique'], named: AE_LOSS_MISTAKES.tied },
  ],
});
