import { defineTopic } from '../claims/types.ts';
import { momentumClaims } from './claims.ts';
import { DET_MISTAKES, JACOBIAN_MISTAKES, MOMENTUM_MISTAKES } from './misconceptions.ts';
import { momentumContract, type MomentumContract } from './contract.ts';
import { momentumReference } from './reference.ts';

export const momentumTopic = defineTopic<MomentumContract>({
  id: 'momentum',
  title: 'Reversibility of SGD with momentum (CSC421 HW3 P3)',
  contract: momentumContract,
  reference: momentumReference,
  claims: momentumClaims,
  knownWrong: [
    { mistake: 'theta-uses-p_k', rejectedBy: ['momentum.inverse'], named: MOMENTUM_MISTAKES['theta-uses-p_k'] },
    { mistake: 'grad-at-theta_k1', rejectedBy: ['momentum.inverse'], named: MOMENTUM_MISTAKES['grad-at-theta_k1'] },
    { mistake: 'times-beta', rejectedBy: ['momentum.inverse'], named: MOMENTUM_MISTAKES['times-beta'] },
    { mistake: 'det-zero-rank-D', rejectedBy: ['momentum.det'], named: DET_MISTAKES['det-zero-rank-D'] },
    { mistake: 'det-beta', rejectedBy: ['momentum.det'], named: DET_MISTAKES['det-beta'] },
    { mistake: 'det-beta-2D', rejectedBy: ['momentum.det'], named: DET_MISTAKES['det-beta-2D'] },
    { mistake: 'jacobian-sign', rejectedBy: ['momentum.jacobian'], named: JACOBIAN_MISTAKES.sign },
    { mistake: 'jacobian-old-p', rejectedBy: ['momentum.jacobian'], named: JACOBIAN_MISTAKES['old-p'] },
    { mistake: 'jacobian-transposed', rejectedBy: ['momentum.jacobian'], named: JACOBIAN_MISTAKES.transposed },
    { mistake: 'jacobian-identical-halves', rejectedBy: ['momentum.jacobian'], named: JACOBIAN_MISTAKES['identical-halves'] },
    { mistake: 'missing-p', rejectedBy: ['momentum.inverse'], named: 'momentumInverse(…): the field `p` is missing' },
  ],
});
