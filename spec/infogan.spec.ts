import { expect, test } from 'vitest';
import { makeContext, runClaim } from '../src/claims/run.ts';
import { mnistMissing } from '../src/data/mnist.ts';
import { NEEDS_MNIST } from '../src/infogan/claims.ts';
import { infoganTopic } from '../src/infogan/topic.ts';
import { gpuSkipReason } from '../src/training/setup.ts';
import { specTopic } from './templates.ts';

// CIE6032 HW2 P5: InfoGAN on MNIST.  Claims that need MNIST are skipped (with how to get it) when
// it is absent; the `gpu` claims (the paper's architecture) are skipped without a GPU (tfjs-node-gpu or WebGPU).
const noMnist = mnistMissing();
const noGpu = ((r) => (r ? `${r}: the paper-architecture InfoGAN claims run only on a GPU machine (npm run test:gpu)` : undefined))(gpuSkipReason());
const dropped = (id: string) => (noMnist !== undefined && NEEDS_MNIST.has(id)) || (noGpu !== undefined && id.startsWith('infogan.gpu.'));
const claims = infoganTopic.claims.filter((c) => !dropped(c.id));
// a known-wrong fixture keeps the rejections it can still show (e.g. the CPU claims when the gpu ones are dropped)
const knownWrong = infoganTopic.knownWrong.map((w) => ({ ...w, rejectedBy: w.rejectedBy.filter((id) => !dropped(id)) })).filter((w) => w.rejectedBy.length);
specTopic({ ...infoganTopic, claims, knownWrong });
if (noMnist) test.skip(`infogan claims that need MNIST are skipped: ${noMnist}`, () => {});
if (noGpu) test.skip(`infogan.gpu.* skipped: ${noGpu}`, { tags: ['gpu'] }, () => {});

// z's prior: the official code's U(−1, 1) is as right as N(0, 1) (the wrong U(0, 1) is a known-wrong fixture)
test('infogan.latent accepts uniform U(−1, 1) noise as well as N(0, 1)', async () => {
  const reference = await import('../fixtures/submissions/reference/infogan.ts');
  // the reference's sampler with the noise drawn from U(−1, 1)
  const uniform = (n: number, seed: number) => {
    const r = reference.rng(seed);
    const { z, cat, cont } = reference.infoganSampleLatent(n, seed);
    return { z: z.map((row) => row.map((v, j) => (j < 62 ? 2 * r.u() - 1 : v))), cat, cont };
  };
  const latent = infoganTopic.claims.find((c) => c.id === 'infogan.latent')!;
  for (const [name, sample] of [
    ['U(−1, 1)', uniform],
    ['N(0, 1)', reference.infoganSampleLatent],
  ] as const) {
    const r = await runClaim(latent, { ...reference, infoganSampleLatent: sample }, infoganTopic.contract, makeContext({ seed: 7 }));
    expect(r.passed, `${name}: ${r.message}`).toBe(true);
    expect(r.evidence.noisePrior).toBe(name);
  }
});
