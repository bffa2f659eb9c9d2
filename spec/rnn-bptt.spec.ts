import { describe, expect, test } from 'vitest';
import { makeContext, runClaim } from '../src/claims/run.ts';
import { loadModule } from '../src/grading/subject.ts';
import type { RnnContract } from '../src/rnn/contract.ts';
import { RNN_MISTAKES } from '../src/rnn/misconceptions.ts';
import { rnnTopic } from '../src/rnn/topic.ts';
import { specTopic } from './templates.ts';

// CIE6032 HW2 P1 = ELEG5491 HW2 P1: backpropagation through time for a tanh RNN with softmax outputs.
specTopic(rnnTopic);

// shrinking ends at H = 1, T = 1, where only W_hh's diagonal is used anyway: both mistakes must still be named
describe('two mistakes made together are both named, though the smallest failing case shows one', () => {
  for (const id of ['rnn.dh', 'rnn.grads.fd']) {
    test(id, async () => {
      const mod = (await loadModule('fixtures/wrong/rnn/diagonal-whh-and-last-step.ts')) as Partial<RnnContract>;
      const r = await runClaim(
        rnnTopic.claims.find((c) => c.id === id)!,
        mod,
        rnnTopic.contract,
        makeContext({ seed: 1 }),
      );
      expect(r.passed).toBe(false);
      expect(r.message).toContain(RNN_MISTAKES['last-step-not-propagated']);
      expect(r.message).toContain(RNN_MISTAKES['diagonal-whh']);
      expect(r.evidence.mistakes).toEqual([RNN_MISTAKES['last-step-not-propagated'], RNN_MISTAKES['diagonal-whh']]);
    });
  }
});
