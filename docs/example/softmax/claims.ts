// One claim: the student's gradient equals float64 central differences of the loss, on random logits and targets.
import { fail, type Claim } from '../../../src/claims/types.ts';
import { recognised } from '../../../src/verify/failure.ts';
import { recognise } from '../../../src/verify/diagnose.ts';
import { centralDiff1 } from '../../../src/verify/finite-diff.ts';
import { fc, forAll } from '../../../src/verify/property.ts';
import { readTensor } from '../../../src/verify/read.ts';
import type { SoftmaxContract } from './contract.ts';
import { SOFTMAX_BANK, type Case } from './misconceptions.ts';
import { softmaxReference, xentLoss } from './reference.ts';

/** the largest element difference: each gradient element lies in [−1, 1], so an absolute measure fits */
const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

/** logits of 2–6 classes and a one-hot target */
const caseArb: fc.Arbitrary<Case> = fc.integer({ min: 2, max: 6 }).chain((n) =>
  fc.record({
    z: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n }),
    y: fc.integer({ min: 0, max: n - 1 }).map((c) => Array.from({ length: n }, (_, k) => (k === c ? 1 : 0))),
  }),
);

export const softmaxClaims: Claim<SoftmaxContract>[] = [
  {
    id: 'softmax.grad',
    course: 'CSC421',
    hw: 'example',
    problem: 1,
    points: 1,
    statement: 'the gradient of the softmax cross-entropy with respect to the logits is softmax(z) − y (float64 central differences agree)',
    answer: '$\\partial L/\\partial z_j = \\mathrm{softmax}(z)_j \\sum_k y_k - y_j = \\mathrm{softmax}(z)_j - y_j$.',
    uses: ['softmaxXentGrad'],
    async check(impl, ctx) {
      const rep = await forAll(
        caseArb,
        ({ z, y }) => {
          const fd = z.map((_, j) =>
            centralDiff1(
              (v) =>
                xentLoss(
                  z.map((zk, k) => (k === j ? v : zk)),
                  y,
                ),
              z[j],
            ),
          );
          const want = softmaxReference.softmaxXentGrad(z, y);
          if (maxDiff(want, fd) > 1e-8) fail(`internal: the key's gradient and central differences differ by ${maxDiff(want, fd)}`);
          const got = Array.from(readTensor(impl.softmaxXentGrad([...z], [...y]), 'softmaxXentGrad(z, y)', [z.length]).data);
          const err = maxDiff(got, want);
          if (err > 1e-6) {
            const m = recognise(SOFTMAX_BANK, { z, y }, got, maxDiff, 1e-9, want);
            fail(`softmaxXentGrad is wrong: off by up to ${err.toExponential(2)} from softmax(z) − y${m ? `\n${recognised(m.label)}` : ''}`, m ? { mistakes: [m.id] } : {});
          }
          return { maxDiff: err };
        },
        { numRuns: ctx.runs(50), seed: ctx.seed, show: ({ z, y }) => `z = [${z.join(', ')}], y = [${y.join(', ')}]` },
      );
      return { cases: rep.cases, worstDiff: rep.worst.maxDiff };
    },
  },
];
