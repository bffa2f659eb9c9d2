import { describe, expect, test } from 'vitest';
import { makeContext, runClaim } from '../src/claims/run.ts';
import { loadModule } from '../src/grading/subject.ts';
import type { RnnContract } from '../src/rnn/contract.ts';
import { diagnoseBpttWithMistakes, RNN_FORWARD_VARIANTS, RNN_MISTAKES, RNN_VARIANTS, type RnnForwardMistake, type RnnMistake } from '../src/rnn/misconceptions.ts';
import { makeRnnCase } from '../src/rnn/cases.ts';
import { bptt, rnnForward } from '../src/rnn/reference.ts';
import { RNN_PARAM_NAMES } from '../src/rnn/contract.ts';
import { relErr } from '../src/verify/compare.ts';
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

// the diagnosis names a mistake by its bank entry: each entry must compute what a student making that mistake does
describe('each mistake of the bank computes what its known-wrong fixture computes', () => {
  const cases = [
    { I: 2, H: 3, C: 4, T: 1, scale: 1.2, seed: 3 },
    { I: 3, H: 1, C: 2, T: 4, scale: 0.9, seed: 4 },
    { I: 2, H: 4, C: 3, T: 7, scale: 1.5, seed: 5 },
  ].map(makeRnnCase);
  const flat = (m: number[] | number[][]): number[] => (m as (number | number[])[]).flat();
  for (const id of Object.keys(RNN_VARIANTS) as RnnMistake[]) {
    test(id, async () => {
      const student = (await loadModule(`fixtures/wrong/rnn/${id}.ts`)) as unknown as RnnContract;
      for (const c of cases) {
        const want = student.rnnBptt(c.params, c.xs, c.ys);
        const got = bptt(c.params, c.xs, c.ys, RNN_VARIANTS[id].backward);
        for (const k of RNN_PARAM_NAMES) expect(relErr(flat(got.grads[k]), flat(want.grads[k])), `${k}, T = ${c.xs.length}`).toBeLessThan(1e-12);
        expect(relErr(flat(got.dh), flat(want.dh)), `dh, T = ${c.xs.length}`).toBeLessThan(1e-12);
      }
    });
  }
  for (const id of Object.keys(RNN_FORWARD_VARIANTS) as RnnForwardMistake[]) {
    test(id, async () => {
      const student = (await loadModule(`fixtures/wrong/rnn/${id}.ts`)) as unknown as RnnContract;
      for (const c of cases) {
        const want = student.rnnForward(c.params, c.xs, c.ys);
        const got = rnnForward(c.params, c.xs, c.ys, undefined, RNN_FORWARD_VARIANTS[id].forward);
        expect(relErr(flat(got.h), flat(want.h))).toBeLessThan(1e-12);
        expect(relErr([got.loss], [want.loss])).toBeLessThan(1e-12);
      }
    });
  }
});

// what the student reads: where ∂L/∂h_t first goes wrong (errors flow backwards), where the gradients first differ, the mistake
describe('the BPTT diagnosis localises a mistake in time', () => {
  const c = makeRnnCase({ I: 2, H: 3, C: 3, T: 5, scale: 1.2, seed: 11 });
  const first = (t: number, labels: string) => `First time step where the gradients differ: t = ${t} (on the sequence cut after x_${t}, ${labels}).`;
  const cases: [RnnMistake, string, string][] = [
    ['whh-uses-h_t', '∂L/∂h_t is right at every t.', first(1, '∂L/∂W_hh is already wrong')],
    ['last-step-not-propagated', '∂L/∂h_t is already wrong at the last step, t = T = 5.', first(1, '∂L/∂W_xh, ∂L/∂b_h are already wrong')],
    ['truncated-bptt', '∂L/∂h_t is right at t = T … 4 and wrong from t = T−2 = 3 backwards.', first(3, '∂L/∂W_xh, ∂L/∂b_h are already wrong')],
    ['diagonal-whh', '∂L/∂h_t is right at t = T and wrong from t = T−1 = 4 backwards.', first(2, '∂L/∂W_xh, ∂L/∂b_h are already wrong')],
  ];
  test.each(cases)('%s', async (id, dh, grads) => {
    const student = (await loadModule(`fixtures/wrong/rnn/${id}.ts`)) as unknown as RnnContract;
    const d = diagnoseBpttWithMistakes(student, c, student.rnnBptt(c.params, c.xs, c.ys));
    expect(d.lines).toEqual([dh, grads, `Recognised mistake: ${RNN_MISTAKES[id]}.`]);
    expect(d.mistakes).toEqual([RNN_MISTAKES[id]]);
  });
});
