import { expect, test } from 'vitest';
import { heinitTopic } from '../src/heinit/topic.ts';
import { specTopic } from './templates.ts';

// ELEG5491 HW2 P5.2 (a): He initialization, eqs. (3)–(6), measured with seeded Monte-Carlo intervals.
specTopic(heinitTopic);

// eq. 4 needs y_{l−1} symmetric about 0: He et al. get it from a symmetric w_{l−1} and a zero bias b_{l−1}
test('the eq. 4 answer states both conditions: w symmetric about zero and b = 0', () => {
  const answer = heinitTopic.claims.find((c) => c.id === 'heinit.eq4')!.answer;
  expect(answer).toContain('symmetric about zero');
  expect(answer).toContain('$b_{l-1}=0$');
});
