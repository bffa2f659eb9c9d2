/**
 * The wasm training kernels (src/training/kernels/wasm.ts) against the reference cpu kernels on
 * random shapes: Conv2DBackpropFilter and Conv2DBackpropInput (stride 1, 2 and 3, valid and same),
 * MaxPoolGrad (tiling, overlapping and padded windows, ties; exactly equal), BatchMatMul with
 * transposed operands.  Relative error ‖got − ref‖/‖ref‖ ≤ 1e-5 (float32; measured ≤ ~1e-6).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { batchMatMulWasm, conv2dBackpropFilterWasm, maxPoolGradWasm, registerWasmTrainingKernels, wasmTrainingKernelsRegistered } from '../src/training/kernels/wasm.ts';
import { setupTrainingBackend } from '../src/training/setup.ts';
import { batchNormKernelsAvailable, batchNormTrainFused, registerBatchNormKernels } from '../src/training/kernels/batchnorm.ts';
import { makeRng } from '../src/verify/rng.ts';
import { relErr } from '../src/verify/compare.ts';

const TOL = 1e-5;

async function onBackend(name: 'cpu' | 'wasm', kernel: string, inputs: Record<string, { shape: number[]; data: Float32Array }>, attrs: object): Promise<Float32Array> {
  await tf.setBackend(name);
  const ts = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const out = tf.engine().runKernel(kernel, ts, attrs as never) as tf.Tensor;
  const d = out.dataSync() as Float32Array;
  tf.dispose([out, ...Object.values(ts)]);
  return d;
}

const randData = (rng: ReturnType<typeof makeRng>, shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()) });

beforeAll(async () => {
  await setupTrainingBackend('wasm');
  registerWasmTrainingKernels(); // idempotent
});

describe('wasm training kernels match the cpu reference kernels', () => {
  test('registration is idempotent and replaces the slow kernels', () => {
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(conv2dBackpropFilterWasm);
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(batchMatMulWasm);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).toBe(maxPoolGradWasm);
  });

  const rng = makeRng(7);
  const cases: { n: number; h: number; w: number; ci: number; co: number; kh: number; kw: number; s: number; pad: 'valid' | 'same' }[] = [
    { n: 1, h: 32, w: 32, ci: 3, co: 6, kh: 5, kw: 5, s: 1, pad: 'valid' }, // LeNet conv1
    { n: 2, h: 14, w: 14, ci: 6, co: 16, kh: 5, kw: 5, s: 1, pad: 'valid' }, // LeNet conv2
    { n: 2, h: 28, w: 28, ci: 1, co: 8, kh: 4, kw: 4, s: 2, pad: 'same' }, // an InfoGAN-like discriminator conv
    { n: 2, h: 14, w: 14, ci: 16, co: 8, kh: 4, kw: 4, s: 2, pad: 'same' }, // the paper G's up-conv 7×7 → 14×14 (transposed conv = input gradient)
    { n: 1, h: 13, w: 11, ci: 3, co: 4, kh: 5, kw: 3, s: 3, pad: 'same' }, // stride 3, taps not a multiple of the stride
    { n: 2, h: 10, w: 9, ci: 2, co: 3, kh: 2, kw: 2, s: 3, pad: 'valid' }, // stride > filter: input rows no output reads
  ];
  for (let k = 0; k < 9; k++) {
    cases.push({
      n: rng.int(1, 3),
      h: rng.int(5, 12),
      w: rng.int(5, 12),
      ci: rng.int(1, 4),
      co: rng.int(1, 5),
      kh: rng.int(1, 4),
      kw: rng.int(1, 4),
      s: 1 + (k % 2),
      pad: k % 3 === 0 ? 'same' : 'valid',
    });
  }
  test.each(cases.map((c) => [`x[${c.n},${c.h},${c.w},${c.ci}] k${c.kh}×${c.kw}→${c.co} stride ${c.s} ${c.pad}`, c]))('Conv2DBackpropFilter and Conv2DBackpropInput: %s', async (_, c) => {
    const r = makeRng(c.n * 1000 + c.h * 10 + c.kh);
    const x = randData(r, [c.n, c.h, c.w, c.ci]);
    const f = randData(r, [c.kh, c.kw, c.ci, c.co]);
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], f.shape as [number, number, number, number], c.s, 1, c.pad);
    const dy = randData(r, [c.n, info.outHeight, info.outWidth, c.co]);
    const fAttrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: f.shape };
    const refF = await onBackend('cpu', 'Conv2DBackpropFilter', { x, dy }, fAttrs);
    const gotF = await onBackend('wasm', 'Conv2DBackpropFilter', { x, dy }, fAttrs);
    expect(gotF.length).toBe(refF.length);
    expect(relErr(gotF, refF)).toBeLessThan(TOL);
    const iAttrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: x.shape };
    const refI = await onBackend('cpu', 'Conv2DBackpropInput', { dy, filter: f }, iAttrs);
    const gotI = await onBackend('wasm', 'Conv2DBackpropInput', { dy, filter: f }, iAttrs);
    expect(relErr(gotI, refI)).toBeLessThan(TOL);
  });

  test.each([
    [false, true],
    [true, false],
    [true, true],
    [false, false],
  ])('BatchMatMul transposeA=%s transposeB=%s (batched and 2-D)', async (ta, tb) => {
    const r = makeRng(ta ? 3 : 5);
    for (const [bs, m, k, n] of [
      [1, 32, 400, 120],
      [3, 5, 7, 4],
      [1, 1, 9, 2],
    ]) {
      const a = randData(r, ta ? [bs, k, m] : [bs, m, k]);
      const b = randData(r, tb ? [bs, n, k] : [bs, k, n]);
      const attrs = { transposeA: ta, transposeB: tb };
      const ref = await onBackend('cpu', 'BatchMatMul', { a, b }, attrs);
      const got = await onBackend('wasm', 'BatchMatMul', { a, b }, attrs);
      expect(relErr(got, ref)).toBeLessThan(TOL);
    }
  });

  // LeNet's 2×2/2, odd sizes whose last row/column no window reads, overlapping windows (dy
  // accumulates where one input is the maximum of two), 'same' padding; with ties (ReLU zeros and
  // repeated values: the first maximum in row-major order gets dy) and without: the same dx as the
  // cpu reference, exactly.  (The stock wasm kernel fails the overlapping and padded cases.)
  test.each([
    { shape: [2, 28, 28, 6], f: 2, s: 2, pad: 'valid' as const, ties: true },
    { shape: [3, 5, 7, 3], f: 2, s: 2, pad: 'valid' as const, ties: true },
    { shape: [2, 9, 9, 2], f: 3, s: 3, pad: 'valid' as const, ties: true },
    { shape: [2, 8, 8, 4], f: 3, s: 2, pad: 'valid' as const, ties: true },
    { shape: [2, 8, 8, 4], f: 3, s: 2, pad: 'valid' as const, ties: false },
    { shape: [1, 7, 7, 2], f: 2, s: 2, pad: 'same' as const, ties: false },
    { shape: [2, 6, 5, 3], f: 3, s: 1, pad: 'same' as const, ties: true },
  ])('MaxPoolGrad $shape filter $f stride $s $pad (ties: $ties)', async ({ shape, f, s, pad, ties }) => {
    const r = makeRng(shape[1] * 31 + f);
    // ties: rounded, half of them clipped to 0 (as after a ReLU)
    const x = { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (ties ? Math.max(0, Math.round(r.normal() * 2) / 2) : r.normal())) };
    const info = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], f, s, 1, pad);
    const oShape = [shape[0], info.outHeight, info.outWidth, shape[3]];
    const dy = randData(r, oShape);
    await tf.setBackend('cpu');
    const out = tf.maxPool(tf.tensor4d(x.data, shape as [number, number, number, number]), f, s, pad);
    const y = { shape: oShape, data: out.dataSync() as Float32Array };
    out.dispose();
    const attrs = { filterSize: f, strides: s, pad };
    const ref = await onBackend('cpu', 'MaxPoolGrad', { dy, input: x, output: y }, attrs);
    const got = await onBackend('wasm', 'MaxPoolGrad', { dy, input: x, output: y }, attrs);
    expect(Array.from(got)).toEqual(Array.from(ref));
  });

  // the tiling fast path (window = stride) and the general loop give the cpu kernel's dx where windows
  // hold NaN or −∞ (v > best never holds for them: a window of only those passes nothing back)
  test.each([
    { shape: [2, 8, 8, 3], f: 2 },
    { shape: [1, 9, 9, 2], f: 3 },
    { shape: [1, 8, 8, 2], f: 3, s: 2 },
  ])('MaxPoolGrad $shape filter $f with NaN and −∞ inputs', async ({ shape, f, s }) => {
    const r = makeRng(shape[1] * 7 + f);
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, () => r.normal());
    for (let i = 0; i < n; i += 5) data[i] = Number.NaN;
    for (let i = 2; i < n; i += 7) data[i] = Number.NEGATIVE_INFINITY;
    // the first window all NaN in channel 0 and all −∞ in channel 1
    for (let i = 0; i < f; i++)
      for (let j = 0; j < f; j++) {
        data[(i * shape[2] + j) * shape[3]] = Number.NaN;
        data[(i * shape[2] + j) * shape[3] + 1] = Number.NEGATIVE_INFINITY;
      }
    const x = { shape, data };
    const info = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], f, s ?? f, 1, 'valid');
    const oShape = [shape[0], info.outHeight, info.outWidth, shape[3]];
    const dy = randData(r, oShape);
    const y = { shape: oShape, data: new Float32Array(oShape.reduce((a, b) => a * b, 1)) }; // not read by either kernel
    const attrs = { filterSize: f, strides: s ?? f, pad: 'valid' };
    const ref = await onBackend('cpu', 'MaxPoolGrad', { dy, input: x, output: y }, attrs);
    const got = await onBackend('wasm', 'MaxPoolGrad', { dy, input: x, output: y }, attrs);
    expect(Array.from(got)).toEqual(Array.from(ref));
  });

  test('a LeNet gradient step runs on wasm without leaking tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
    const w = tf.variable(tf.randomNormal([3, 3, 3, 4]));
    const before = tf.memory().numTensors;
    const g = tf.grad((ww: tf.Tensor) =>
      tf
        .conv2d(x, ww as tf.Tensor4D, 1, 'valid')
        .square()
        .sum(),
    )(w);
    expect(g.shape).toEqual([3, 3, 3, 4]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  test.each(['cpu', 'wasm'] as const)('fused batch norm (forward + dx, dγ, dβ) equals tfjs autodiff of moments + batchNorm on %s', async (be) => {
    await tf.setBackend(be);
    registerBatchNormKernels();
    expect(batchNormKernelsAvailable()).toBe(true);
    const r = makeRng(be === 'cpu' ? 1 : 2);
    // (M = 2 is left out: there x̂ = ±1 and dx is pure float32 cancellation in both implementations)
    for (const [M, C] of [
      [300, 6],
      [7, 3],
      [16, 1],
    ]) {
      const t = (shape: number[], mu = 0, sd = 1) =>
        tf.tensor(
          Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => mu + sd * r.normal()),
          shape,
        );
      const z = t([M, C], 1, 2),
        g = t([C]),
        b = t([C]),
        dy = t([M, C]);
      const ref = (zz: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const m = tf.moments(zz, 0);
        return tf.batchNorm(zz, m.mean, m.variance, bb, gg, 1e-5).mul(dy).sum();
      };
      const mine = (zz: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
        batchNormTrainFused(zz as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5)
          .mul(dy)
          .sum();
      const before = tf.memory().numTensors;
      const gr = tf.grads(ref)([z, g, b]),
        gm = tf.grads(mine)([z, g, b]);
      for (let i = 0; i < 3; i++) expect(relErr(gm[i].dataSync(), gr[i].dataSync())).toBeLessThan(1e-5);
      const stats: tf.Tensor[] = [];
      const y = batchNormTrainFused(z as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, stats);
      const m = tf.moments(z, 0);
      expect(relErr(stats[0].dataSync(), m.mean.dataSync())).toBeLessThan(1e-6);
      expect(relErr(stats[1].dataSync(), m.variance.dataSync())).toBeLessThan(1e-5);
      const yRef = tf.batchNorm(z, m.mean, m.variance, b, g, 1e-5);
      expect(relErr(y.dataSync(), yRef.dataSync())).toBeLessThan(1e-5);
      tf.dispose([...gr, ...gm, ...stats, y, yRef, m.mean, m.variance]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([z, g, b, dy]);
    }
    await tf.setBackend('wasm');
  });
});
