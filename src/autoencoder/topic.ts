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
    { mistake: 'bottom-k', rejectedBy: ['autoencoder.optimum', 'autoencoder.trained-subspace', 'autoencoder.trained-loss', 'autoencoder.centering'], named: 'the bottom-k eigenvectors' },
    { mistake: 'uncentered', rejectedBy: ['autoencoder.optimum', 'autoencoder.centering'], named: 'uncentered second moment' },
    {
      mistake: 'first-component-only',
      rejectedBy: ['autoencoder.optimum', 'autoencoder.trained-subspace', 'autoencoder.trained-loss', 'autoencoder.centering'],
      named: 'only the first principal component',
    },
    { mistake: 'not-converged', rejectedBy: ['autoencoder.trained-subspace', 'autoencoder.trained-loss', 'autoencoder.centering'], named: 'has not converged' },
    { mistake: 'no-bias', rejectedBy: ['autoencoder.centering'], named: 'the biases stayed 0' },
    { mistake: 'loss-mean-over-dims', rejectedBy: ['autoencoder.not-unique'], named: 'averaged over the d coordinates' },
    { mistake: 'loss-summed-over-samples', rejectedBy: ['autoencoder.not-unique'], named: AE_LOSS_MISTAKES.summed },
    { mistake: 'loss-tied-decoder', rejectedBy: ['autoencoder.not-unique'], named: AE_LOSS_MISTAKES.tied },
  ],
});
