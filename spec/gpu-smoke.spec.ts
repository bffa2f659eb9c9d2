/**
 * The GPU code path on WebGPU (Dawn on a Vulkan driver; in CI Mesa's software adapter llvmpipe):
 *  - every kernel the `gpu` claims train through (conv forward, conv weight gradient, strided transposed
 *    conv = conv input gradient, max pool and its gradient, transposed matMuls, batch norm's moments and
 *    gradient) against the cpu backend's on random shapes (fast-check); the same check rejects a
 *    deliberately wrong kernel (a weight gradient with its filter rows and columns swapped);
 *  - a few training steps of the paper's InfoGAN (InfoGanNet 'paper', tfjs optimizer) and of the CIFAR
 *    LeNet with batch norm (Replica) on webgpu against the same steps on wasm, to float32 tolerance.
 * Where Dawn finds no adapter the file skips, saying what to install.  Kept cheap for the default
 * suite: most of its time is llvmpipe compiling shaders (each new shape is a new shader).
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { probeWebGpu, useWebGpu, WEBGPU_HOWTO, WEBGPU_SYNC_READ } from '../src/webgpu.ts';
import { setupTrainingBackend } from '../src/training/setup.ts';
import { relErr } from '../src/verify/compare.ts';
import { makeRng } from '../src/verify/rng.ts';
import { CAT_DIM, CONT_DIM, InfoGanNet, LATENT_DIM, NOISE_DIM, PIXELS } from '../src/infogan/model.ts';
import { Replica } from '../src/cifar/replica.ts';
import { initLeNetParams } from '../src/cifar/lenet.ts';
import type { Cifar10Split } from '../src/data/cifar10.ts';

const probe = await probeWebGpu();
if (!probe.ok) process.stderr.write(`[gpu-smoke] skipped: ${probe.reason}\n`);

/** float32 kernels of one op on two backends: ‖got − ref‖/‖ref‖ (measured on llvmpipe: ≤ ~3e-7) */
const KERNEL_TOL = 1e-5;

type Input = { shape: number[]; data: Float32Array };
const randInput = (seed: number, shape: number[]): Input => {
  const r = makeRng(seed);
  return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()) };
};

/** run one kernel on `backend` (webgpu read asynchronously) */
async function runOn(backend: 'cpu' | 'webgpu', kernel: string, inputs: Record<string, Input>, attrs: object): Promise<Float32Array> {
  if (backend === 'webgpu') expect(await useWebGpu()).toBe(true);
  else await tf.setBackend('cpu');
  const ts = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const out = tf.engine().runKernel(kernel, ts, attrs as never) as tf.Tensor;
  const d = (await out.data()) as Float32Array;
  tf.dispose([out, ...Object.values(ts)]);
  return d;
}

type Impl = (inputs: Record<string, Input>, attrs: object) => Promise<Float32Array>;
const webgpuKernel =
  (kernel: string): Impl =>
  (inputs, attrs) =>
    runOn('webgpu', kernel, inputs, attrs);

/** a conv shape: x [n,h,w,ci], filter [kh,kw,ci,co], stride, padding */
const convCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 5, max: 12 }),
  w: fc.integer({ min: 5, max: 12 }),
  ci: fc.integer({ min: 1, max: 4 }),
  co: fc.integer({ min: 1, max: 5 }),
  kh: fc.integer({ min: 2, max: 4 }),
  kw: fc.integer({ min: 2, max: 4 }),
  s: fc.integer({ min: 1, max: 2 }),
  pad: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});
type ConvCase = typeof convCase extends fc.Arbitrary<infer T> ? T : never;

function convTensors(c: ConvCase) {
  const x = randInput(c.seed, [c.n, c.h, c.w, c.ci]);
  const f = randInput(c.seed + 1, [c.kh, c.kw, c.ci, c.co]);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], f.shape as [number, number, number, number], c.s, 1, c.pad);
  const dy = randInput(c.seed + 2, [c.n, info.outHeight, info.outWidth, c.co]);
  return { x, f, dy };
}
const showConv = (c: ConvCase) => `x[${c.n},${c.h},${c.w},${c.ci}] k${c.kh}×${c.kw}→${c.co} stride ${c.s} ${c.pad}`;

/** the webgpu conv weight gradient against cpu's on `runs` random shapes; throws, naming the shape and the error, on a disagreement */
async function checkFilterGrad(impl: Impl, runs: number, seed: number): Promise<void> {
  const r = await fc.check(
    fc.asyncProperty(convCase, async (c) => {
      const { x, f, dy } = convTensors(c);
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: f.shape };
      const ref = await runOn('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs);
      const got = await impl({ x, dy }, attrs);
      const e = got.length === ref.length ? relErr(got, ref) : Infinity;
      if (!(e <= KERNEL_TOL)) throw new Error(`Conv2DBackpropFilter on ${showConv(c)}: relative error ${e.toExponential(2)} against cpu (tolerance ${KERNEL_TOL})`);
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
  if (r.failed) throw new Error(String((r.errorInstance as Error | undefined)?.message ?? r.counterexample));
}

const suite = probe.ok ? describe : describe.skip;
const title = probe.ok ? `WebGPU on ${probe.description}` : `WebGPU: no adapter here (${probe.reason})`;

suite(title, () => {
  let previous: string | null = null;
  beforeAll(() => {
    // test files share a worker (vitest isolate: false): give the next file the backend it had
    previous = tf.engine().backendName;
  });
  afterAll(async () => {
    if (previous && previous !== 'webgpu') await tf.setBackend(previous);
    else await setupTrainingBackend('wasm');
  });

  test('the adapter is named, and a synchronous read says why it cannot work in one line', async () => {
    expect(probe.ok && probe.description.length).toBeGreaterThan(0);
    expect(await useWebGpu()).toBe(true);
    expect(tf.getBackend()).toBe('webgpu');
    const t = tf.square(tf.tensor1d([1, 2, 3]));
    expect(Array.from(await t.data())).toEqual([1, 4, 9]);
    const u = tf.add(t, 1); // on the GPU only (t's values are now cached on the CPU too)
    expect(() => u.dataSync()).toThrow(WEBGPU_SYNC_READ);
    tf.dispose([t, u]);
  });

  describe('kernels against the cpu backend on random shapes', () => {
    test('Conv2D forward and Conv2DBackpropInput (the transposed conv, strided)', async () => {
      await fc.assert(
        fc.asyncProperty(convCase, async (c) => {
          const { x, f, dy } = convTensors(c);
          const fw = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dilations: 1 };
          expect(relErr(await runOn('webgpu', 'Conv2D', { x, filter: f }, fw), await runOn('cpu', 'Conv2D', { x, filter: f }, fw)), showConv(c)).toBeLessThan(KERNEL_TOL);
          const bi = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: x.shape };
          expect(relErr(await runOn('webgpu', 'Conv2DBackpropInput', { dy, filter: f }, bi), await runOn('cpu', 'Conv2DBackpropInput', { dy, filter: f }, bi)), showConv(c)).toBeLessThan(KERNEL_TOL);
        }),
        { numRuns: 4, seed: 11, endOnFailure: true, examples: [[{ n: 2, h: 7, w: 7, ci: 8, co: 4, kh: 4, kw: 4, s: 2, pad: 'same', seed: 5 }]] }, // the paper G's up-conv, scaled down
      );
    }, 120_000);

    test('Conv2DBackpropFilter (conv weight gradient)', async () => {
      await checkFilterGrad(webgpuKernel('Conv2DBackpropFilter'), 4, 12);
    }, 120_000);

    test('the same check rejects a weight gradient with its filter rows and columns swapped', async () => {
      const swapped: Impl = async (inputs, attrs) => {
        const d = await webgpuKernel('Conv2DBackpropFilter')(inputs, attrs);
        const [kh, kw, ci, co] = (attrs as { filterShape: number[] }).filterShape;
        const out = new Float32Array(d.length);
        // dW[i,j] written where dW[j,i] belongs (wrapping for non-square filters): a transposed filter
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let k = 0; k < ci * co; k++) out[((j % kh) * kw + (i % kw)) * ci * co + k] = d[(i * kw + j) * ci * co + k];
        return out;
      };
      await expect(checkFilterGrad(swapped, 4, 12)).rejects.toThrow(/Conv2DBackpropFilter on .*relative error/);
    }, 120_000);

    test('MaxPool and MaxPoolGrad (LeNet 2×2/2, odd sizes)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 4, max: 11 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 1e6 }), async (hw, ch, seed) => {
          const x = randInput(seed, [2, hw, hw + 1, ch]);
          const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
          const yRef = await runOn('cpu', 'MaxPool', { x }, attrs);
          expect(relErr(await runOn('webgpu', 'MaxPool', { x }, attrs), yRef)).toBe(0);
          const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], 2, 2, 1, 'valid');
          const oShape = [2, info.outHeight, info.outWidth, ch];
          const y = { shape: oShape, data: yRef };
          const dy = randInput(seed + 1, oShape);
          expect(relErr(await runOn('webgpu', 'MaxPoolGrad', { dy, input: x, output: y }, attrs), await runOn('cpu', 'MaxPoolGrad', { dy, input: x, output: y }, attrs))).toBeLessThan(KERNEL_TOL);
        }),
        { numRuns: 3, seed: 13, endOnFailure: true },
      );
    }, 120_000);

    test('BatchMatMul with transposed operands (dense layers and their gradients)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 70 }),
          fc.integer({ min: 1, max: 30 }),
          fc.boolean(),
          fc.boolean(),
          fc.integer({ min: 1, max: 1e6 }),
          async (m, k, n, ta, tb, seed) => {
            const a = randInput(seed, ta ? [1, k, m] : [1, m, k]);
            const b = randInput(seed + 1, tb ? [1, n, k] : [1, k, n]);
            const attrs = { transposeA: ta, transposeB: tb };
            expect(relErr(await runOn('webgpu', 'BatchMatMul', { a, b }, attrs), await runOn('cpu', 'BatchMatMul', { a, b }, attrs))).toBeLessThan(KERNEL_TOL);
          },
        ),
        { numRuns: 4, seed: 14, endOnFailure: true },
      );
    }, 120_000);

    test('training-mode batch norm (moments + batchNorm, forward and autodiff gradients: the webgpu path)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 3, max: 300 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 1e6 }), async (M, C, seed) => {
          const z = randInput(seed, [M, C]),
            g = randInput(seed + 1, [C]),
            b = randInput(seed + 2, [C]),
            dy = randInput(seed + 3, [M, C]);
          const grads = async (be: 'cpu' | 'webgpu') => {
            if (be === 'webgpu') await useWebGpu();
            else await tf.setBackend('cpu');
            const [zt, gt, bt, dyt] = [z, g, b, dy].map((v) => tf.tensor(v.data, v.shape));
            const f = (zz: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
              const m = tf.moments(zz, 0);
              return tf.batchNorm(zz, m.mean, m.variance, bb, gg, 1e-5).mul(dyt).sum();
            };
            const { value, grads: gs } = tf.valueAndGrads(f)([zt, gt, bt]);
            const out = await Promise.all([value, ...gs].map((t) => t.data() as Promise<Float32Array>));
            tf.dispose([zt, gt, bt, dyt, value, ...gs]);
            return out;
          };
          const ref = await grads('cpu'),
            got = await grads('webgpu');
          for (let i = 0; i < ref.length; i++) expect(relErr(got[i], ref[i]), `output ${i} of [${M},${C}]`).toBeLessThan(1e-4);
        }),
        { numRuns: 3, seed: 15, endOnFailure: true },
      );
    }, 120_000);
  });

  describe('training steps on webgpu equal the same steps on wasm (float32)', () => {
    /** steps: losses per step, every parameter (and batch-norm running statistic) before and after them */
    type Run = { losses: number[]; before: Float32Array[]; params: Float32Array[] };

    /**
     * Paper InfoGAN steps: a D update (real vs fake), then a G + Q update (non-saturating G loss + L_I),
     * with tfjs's SGD; `states` holds every parameter before each update and after the last.
     * `from`: start update p from `from[p]` (the other backend's state before its update p), so each
     * update is compared from the same state. Free-running, a GAN amplifies float32 rounding: the G
     * update after a D update is ~1000× as sensitive to D's parameters, and the wasm and cpu backends'
     * G updates of step 2 differ by ~0.6% (webgpu's agree with cpu's to 5e-5, wasm's own kernels sum in
     * another order), which would hide what is compared here, the kernels of one update.
     */
    async function infoganSteps(backend: 'wasm' | 'webgpu', steps: number, batch: number, from?: Float32Array[][]): Promise<{ losses: number[]; states: Float32Array[][] }> {
      await setupTrainingBackend(backend);
      const net = new InfoGanNet('paper', 7);
      const tensors = net.namedTensors().map(([, v]) => v);
      const read = () => Promise.all(tensors.map((v) => v.data() as Promise<Float32Array>));
      const optD = tf.train.sgd(0.05),
        optG = tf.train.sgd(0.05);
      const losses: number[] = [];
      const states = [await read()];
      const load = (p: number) => {
        if (from) tf.tidy(() => tensors.forEach((v, i) => v.assign(tf.tensor(from[p][i], v.shape))));
      };
      for (let s = 0; s < steps; s++) {
        load(2 * s);
        const r = makeRng(100 + s);
        const lat = new Float32Array(batch * LATENT_DIM),
          cat = new Int32Array(batch),
          real = new Float32Array(batch * PIXELS);
        for (let i = 0; i < batch; i++) {
          for (let j = 0; j < NOISE_DIM; j++) lat[i * LATENT_DIM + j] = r.normal();
          cat[i] = r.int(0, CAT_DIM - 1);
          lat[i * LATENT_DIM + NOISE_DIM + cat[i]] = 1;
          for (let j = 0; j < CONT_DIM; j++) lat[i * LATENT_DIM + NOISE_DIM + CAT_DIM + j] = r.uniform(-1, 1);
        }
        for (let i = 0; i < real.length; i++) real[i] = r.next() < 0.2 ? r.next() : 0; // sparse ink, like MNIST
        const z = tf.tensor2d(lat, [batch, LATENT_DIM]),
          x = tf.tensor2d(real, [batch, PIXELS]),
          c = tf.oneHot(tf.tensor1d(cat, 'int32'), CAT_DIM),
          cont = tf.slice(z, [0, NOISE_DIM + CAT_DIM], [-1, CONT_DIM]);
        const ones = tf.ones([batch, 1]),
          zeros = tf.zeros([batch, 1]);
        const dLoss = net.withStats(() =>
          optD.minimize(
            () => {
              const fake = net.uncaptured(() => net.generate(z, true));
              const dReal = net.dHead(net.body(x, true));
              const dFake = net.dHead(net.uncaptured(() => net.body(fake, true)));
              return tf.add(tf.losses.sigmoidCrossEntropy(ones, dReal), tf.losses.sigmoidCrossEntropy(zeros, dFake)) as tf.Scalar;
            },
            true,
            net.group('D'),
          ),
        )!;
        losses.push((await dLoss.data())[0]);
        states.push(await read());
        load(2 * s + 1);
        const gLoss = net.withStats(() =>
          optG.minimize(
            () => {
              const fake = net.generate(z, true);
              const f = net.body(fake, true);
              const q = net.qHead(f, true);
              const li = tf.add(tf.losses.softmaxCrossEntropy(c, q.logits), tf.mul(0.5, tf.mean(tf.square(tf.sub(q.mean, cont)))));
              return tf.add(tf.losses.sigmoidCrossEntropy(ones, net.dHead(f)), li) as tf.Scalar;
            },
            true,
            [...net.group('G'), ...net.group('D').filter((v) => /\/q/.test(v.name))],
          ),
        )!;
        losses.push((await gLoss.data())[0]);
        states.push(await read());
        tf.dispose([z, x, c, cont, ones, zeros, dLoss, gLoss]);
      }
      net.dispose();
      optD.dispose();
      optG.dispose();
      return { losses, states };
    }

    function cifarSplit(n: number): Cifar10Split {
      const r = makeRng(3);
      return { images: Uint8Array.from({ length: n * 3072 }, () => r.int(0, 255)), labels: Uint8Array.from({ length: n }, () => r.int(0, 9)), n };
    }

    /** LeNet with batch norm, He init, SGD momentum + weight decay: Replica's own step (trainStep on both) */
    async function lenetSteps(backend: 'wasm' | 'webgpu', steps: number, batch: number): Promise<Run & { correct: number }> {
      await setupTrainingBackend(backend);
      const data = cifarSplit(steps * batch);
      const rep = new Replica(data, data, {
        batchNorm: true,
        params: initLeNetParams({ init: 'he', batchNorm: true, seed: 5 }),
        optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 5e-4 },
        augment: true,
      });
      const before = Object.values((await rep.getState()).params);
      const losses: number[] = [];
      for (let s = 0; s < steps; s++)
        losses.push(
          (
            await rep.trainStep(
              Int32Array.from({ length: batch }, (_, i) => s * batch + i),
              9 + s,
              0.01,
            )
          ).loss,
        );
      const correct = await rep.evaluate(0, data.n);
      const st = await rep.getState();
      rep.dispose();
      return { losses, before, params: Object.values(st.params), correct };
    }

    /**
     * Losses: relative error. Parameters: each tensor's update (after − before) against the reference's,
     * relative to the larger of its norm and the model's RMS update per element: a tensor whose true
     * gradient is zero (a bias feeding a batch norm, whose mean the norm removes) moves by float32
     * rounding noise on both backends, and its relative error alone means nothing.
     */
    function expectSame(got: Run, ref: Run, tol: number): { loss: number; params: number } {
      const loss = relErr(got.losses, ref.losses);
      expect(got.params.length).toBe(ref.params.length);
      const delta = (r: Run, i: number) => r.params[i].map((v, k) => v - r.before[i][k]);
      const sq = (a: Float32Array) => a.reduce((s, v) => s + v * v, 0);
      const refD = ref.params.map((_, i) => delta(ref, i)),
        gotD = got.params.map((_, i) => delta(got, i));
      const n = refD.reduce((s, d) => s + d.length, 0);
      const rms = Math.sqrt(refD.reduce((s, d) => s + sq(d), 0) / n);
      const errs = refD.map((d, i) => Math.sqrt(sq(gotD[i].map((v, k) => v - d[k]))) / Math.max(Math.sqrt(sq(d)), rms * Math.sqrt(d.length)));
      expect(loss).toBeLessThan(tol);
      expect(Math.max(...errs)).toBeLessThan(tol);
      return { loss, params: Math.max(...errs) };
    }

    test('paper InfoGAN (G: FC 1024 → 7·7·128 → up-conv 64 → up-conv 1; D/Q: conv 64 → conv 128 → FC 1024): 2 steps, batch 8, each update from the same state', async () => {
      const ref = await infoganSteps('wasm', 2, 8);
      const got = await infoganSteps('webgpu', 2, 8, ref.states);
      let worst = { loss: 0, params: 0 };
      for (let p = 0; p < 4; p++) {
        const e = expectSame({ losses: [got.losses[p]], before: ref.states[p], params: got.states[p + 1] }, { losses: [ref.losses[p]], before: ref.states[p], params: ref.states[p + 1] }, 5e-4);
        worst = { loss: Math.max(worst.loss, e.loss), params: Math.max(worst.params, e.params) };
      }
      process.stderr.write(
        `[gpu-smoke] paper InfoGAN, 2 steps (D and G updates): losses agree to ${worst.loss.toExponential(1)}, parameter updates to ${worst.params.toExponential(1)} (webgpu vs wasm)\n`,
      );
    }, 240_000);

    test('CIFAR LeNet with batch norm (Replica): 3 steps, batch 16, then the accuracy of the result', async () => {
      const ref = await lenetSteps('wasm', 3, 16);
      const got = await lenetSteps('webgpu', 3, 16);
      const e = expectSame(got, ref, 1e-4);
      expect(got.correct).toBe(ref.correct);
      process.stderr.write(`[gpu-smoke] CIFAR LeNet + BN, 3 steps: losses agree to ${e.loss.toExponential(1)}, parameter updates to ${e.params.toExponential(1)} (webgpu vs wasm)\n`);
    }, 120_000);
  });
});

if (!probe.ok) {
  describe('WebGPU', () => {
    test.skip(`needs an adapter: ${WEBGPU_HOWTO}`, () => {});
  });
}
