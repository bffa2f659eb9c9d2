import { defineTopic } from '../claims/types.ts';
import { autoencoderClaims } from './claims.ts';
import { AE_MISTAKES } from './misconceptions.ts';
import { autoencoderContract, type AutoencoderContract } from './contract.ts';
import { autoencoderReference } from './reference.ts';

export const autoencoderTopic = defineTopic<AutoencoderContract>({
  id: 'autoencoder',
  title: 'A linear autoencoder learns the PCA subspace (CIE6032 HW2 P4)',
  contract: autoencoderContract,
  reference: autoencoderReference,
  claims: autoencoderClaims,
  knownWrong: [
    { mistake: 'bottom-k', rejectedBy: ['autoencoder.optimum', 'autoencoder.trained-subspace', 'autoencoder.trained-loss', 'autoencoder.centering'], named: AE_MISTAKES['bottom-k'] },
    { mistake: 'uncentered', rejectedBy: ['autoencoder.optimum', 'autoencoder.centering'], named: AE_MISTAKES['uncentered'] },
    {
      mistake: 'first-component-only',
      rejectedBy: ['autoencoder.optimum', 'autoencoder.trained-subspace', 'autoencoder.trained-loss', 'autoencoder.centering'],
      named: AE_MISTAKES['first-component-only'],
    },
    { mistake: 'not-converged', rejectedBy: ['autoencoder.trained-subspace', 'autoencoder.trained-loss', 'autoencoder.centering'], named: 'has not converged' },
    { mistake: 'no-bias', rejectedBy: ['autoencoder.centering'], named: AE_MISTAKES['no-bias'] },
    { mistake: 'loss-mean-over-dims', rejectedBy: ['autoencoder.not-unique'], named: AE_MISTAKES['loss-mean-over-dims'] },
    { mistake: 'loss-summed-over-samples', rejectedBy: ['autoencoder.not-unique'], named: AE_MISTAKES['loss-summed-over-samples'] },
    { mistake: 'loss-tied-decoder', rejectedBy: ['autoencoder.not-unique'], named: AE_MISTAKES['loss-tied-decoder'] },
  ],
});
