import { describe, expect, test } from 'vitest';
import { makeContext, runClaim } from '../src/claims/run.ts';
import { loadModule } from '../src/grading/subject.ts';
import type { LstmContract } from '../src/lstm/contract.ts';
import { lstmTopic } from '../src/lstm/topic.ts';
import { specTopic } from './templates.ts';

// CSE891 HW3 P2 = CSC421 HW3 P1: BPTT for a univariate LSTM without biases.
specTopic(lstmTopic);

// the extra credit measures the carry property only: a mistake elsewhere is charged by the claims that ask for it
describe('lstm.carry charges only a wrong carry', () => {
  const carry = lstmTopic.claims.find((c) => c.id === 'lstm.carry')!;
  const run = async (file: string) => runClaim(carry, (await loadModule(file)) as Partial<LstmContract>, lstmTopic.contract, makeContext({ seed: 1 }));
  for (const f of ['ibar-uses-g_prev', 'grads-from-t2', 'hbar-missing-forget-path', 'fbar-uses-c_t']) {
    test(`${f}: its carry behaviour is right, so lstm.carry passes`, async () => {
      const r = await run(`fixtures/wrong/lstm/${f}.ts`);
      expect(r.passed, r.message).toBe(true);
    });
  }
  for (const f of ['cbar-no-carry', 'cbar-carry-without-f']) {
    test(`${f}: lstm.carry fails and never prints the same range as got and expected`, async () => {
      const r = await run(`fixtures/wrong/lstm/${f}.ts`);
      expect(r.passed).toBe(false);
      const m = /ranges over (\[[^\]]*\]); expected (\[[^\]]*\])/.exec(r.message);
      if (m) expect(m[1]).not.toBe(m[2]);
      expect(r.message).toMatch(/at t = \d+: got \S+, expected \S+/);
    });
  }
});
