import { describe, expect, test } from 'vitest';
import { makeContext, runClaim } from '../src/claims/run.ts';
import { loadModule } from '../src/grading/subject.ts';
import { LSTM_WEIGHT_NAMES, type LstmContract } from '../src/lstm/contract.ts';
import { lstmTopic } from '../src/lstm/topic.ts';
import { makeCase } from '../src/lstm/claims.ts';
import { LSTM_MISTAKE_IDS, LSTM_VARIANTS } from '../src/lstm/misconceptions.ts';
import { bptt } from '../src/lstm/reference.ts';
import { relErr } from '../src/verify/compare.ts';
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

// the diagnosis names a mistake by its bank entry: each entry must compute what a student making that mistake does
describe('each mistake of the bank computes what its known-wrong fixture computes', () => {
  for (const id of LSTM_MISTAKE_IDS) {
    test(id, async () => {
      const student = (await loadModule(`fixtures/wrong/lstm/${id}.ts`)) as unknown as LstmContract;
      for (const [T, seed] of [
        [1, 3],
        [2, 4],
        [7, 5],
        [19, 6],
      ]) {
        const c = makeCase({ T, scale: 1.3, seed });
        const want = student.lstmBptt(c.w, c.xs, c.ys);
        const got = bptt(c.w, c.xs, c.ys, LSTM_VARIANTS[id].backward);
        for (const k of ['hbar', 'cbar', 'gbar', 'obar', 'fbar', 'ibar'] as const) expect(relErr(got[k], want[k]), `${k}, T = ${T}`).toBeLessThan(1e-12);
        expect(
          relErr(
            LSTM_WEIGHT_NAMES.map((n) => got.grads[n]),
            LSTM_WEIGHT_NAMES.map((n) => want.grads[n]),
          ),
          `grads, T = ${T}`,
        ).toBeLessThan(1e-12);
      }
    });
  }
});
