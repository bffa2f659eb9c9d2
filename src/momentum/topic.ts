import { defineTopic } from '../claims/types.ts';
import { JACOBIAN_MISTAKES, MOMENTUM_MISTAKES, momentumClaims } from './claims.ts';
import { momentumContract, type MomentumContract } from './contract.ts';
import { momentumReference } from './reference.ts';

export const momentumTopic = defineTopic<MomentumContract>({
  id: 'momentum',
  title: 'Reversibility of SGD with momentum (CSC421 HW3 P3)',
  contract: momentumContract,
  reference: momentumReference,
  claims: momentumClaims,
  knownWrong: [
    { mistake: 'theta-uses-p_k', file: 'fixtures/wrong/momentum/theta-uses-p_k.ts', rejectedBy: ['momentum.inverse'], named: MOMENTUM_MISTAKES['theta-uses-p_k'] },
    { mistake: 'grad-at-theta_k1', file: 'fixtures/wrong/momentum/grad-at-theta_k1.ts', rejectedBy: ['momentum.inverse'], named: MOMENTUM_MISTAKES['grad-at-theta_k1'] },
    { mistake: 'times-beta', file: 'fixtures/wrong/momentum/times-beta.ts', rejectedBy: ['momentum.inverse'], named: MOMENTUM_MISTAKES['times-beta'] },
    { mistake: 'det-zero-rank-D', file: 'fixtures/wrong/momentum/det-zero-rank-D.ts', rejectedBy: ['momentum.det'], named: 'det = 0 / "rank D"' },
    { mistake: 'det-beta', file: 'fixtures/wrong/momentum/det-beta.ts', rejectedBy: ['momentum.det'], named: 'det = β: the β block is D×D' },
    { mistake: 'det-beta-2D', file: 'fixtures/wrong/momentum/det-beta-2D.ts', rejectedBy: ['momentum.det'], named: 'det = β^{2D}' },
    { mistake: 'jacobian-sign', file: 'fixtures/wrong/momentum/jacobian-sign.ts', rejectedBy: ['momentum.jacobian'], named: JACOBIAN_MISTAKES.sign },
    { mistake: 'jacobian-old-p', file: 'fixtures/wrong/momentum/jacobian-old-p.ts', rejectedBy: ['momentum.jacobian'], named: JACOBIAN_MISTAKES['old-p'] },
    { mistake: 'jacobian-transposed', file: 'fixtures/wrong/momentum/jacobian-transposed.ts', rejectedBy: ['momentum.jacobian'], named: JACOBIAN_MISTAKES.transposed },
    { mistake: 'jacobian-identical-halves', file: 'fixtures/wrong/momentum/jacobian-identical-halves.ts', rejectedBy: ['momentum.jacobian'], named: JACOBIAN_MISTAKES['identical-halves'] },
    { mistake: 'missing-p', file: 'fixtures/wrong/momentum/missing-p.ts', rejectedBy: ['momentum.inverse'], named: 'momentumInverse(…): the field `p` is missing' },
  ],
});
