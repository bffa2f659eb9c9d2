/**
 * Engines of the CIFAR topic: own tf-op optimizers vs tfjs built-ins (≤ 1e-6 per step), the
 * hand-written batch-norm gradient vs tfjs autodiff, the CIFAR-10 reader's validation, and a
 * smoke training run (in-process vs 2 worker threads, checkpoint stop/resume), figures.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { batchNormTrain, initLeNetParams, LeNet, LENET_PARAM_COUNT } from '../src/cifar/lenet.ts';
import { makeOptimizer, stepLr, type OptimizerConfig } from '../src/cifar/optim.ts';
import { makeBatch } from '../src/cifar/replica.ts';
import { epochOrder, trainCifar, VARIANTS } from '../src/cifar/train.ts';
import { concurrencyLimit } from '../src/cifar/slow.ts';
import { resultsMarkdown, runCifarExperiment, writeReport } from '../src/cifar/experiment.ts';
import { Replica } from '../src/cifar/replica.ts';
import { writeConv1Filters } from '../src/cifar/figures.ts';
import { CIFAR10_FILE_BYTES, CIFAR10_HOW_TO_GET, cifar10Dir, loadCifar10, parseCifar10Batch, type Cifar10 } from '../src/data/cifar10.ts';
import { setupTrainingBackend } from '../src/training/setup.ts';
import { relErr } from '../src/verify/compare.ts';
import { makeRng } from '../src/verify/rng.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlspec-cifar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await setupTrainingBackend('wasm');
});

describe('own optimizers (src/cifar/optim.ts) equal tfjs built-ins step by step', () => {
  const cases: [string, OptimizerConfig, () => tf.Optimizer][] = [
    ['SGD+momentum', { name: 'sgd', lr: 0.01, momentum: 0.9 }, () => tf.train.momentum(0.01, 0.9)],
    ['Adam', { name: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999 }, () => tf.train.adam(0.01, 0.9, 0.999)],
    ['RMSProp', { name: 'rmsprop', lr: 0.01, decay: 0.9, momentum: 0.5 }, () => tf.train.rmsprop(0.01, 0.9, 0.5)],
  ];
  test.each(cases)('%s: 10 steps, ≤ 1e-6 relative on the weights', async (_, cfg, builtin) => {
    const rng = makeRng(11);
    const w0 = Float32Array.from({ length: 300 }, () => rng.normal());
    const mine = { w: tf.variable(tf.tensor(w0, [20, 15])) };
    const theirs = tf.variable(tf.tensor(w0, [20, 15]));
    const opt = makeOptimizer(cfg),
      ref = builtin();
    let worst = 0;
    for (let t = 0; t < 10; t++) {
      const g = tf.tensor(
        Float32Array.from({ length: 300 }, () => rng.normal()),
        [20, 15],
      );
      opt.step(mine, { w: g });
      ref.applyGradients({ [theirs.name]: g });
      g.dispose();
      worst = Math.max(worst, relErr(mine.w.dataSync(), theirs.dataSync()));
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
    // checkpointed state restores the trajectory
    const st = await opt.getState();
    const opt2 = makeOptimizer(cfg);
    opt2.setState(st);
    const a = { w: tf.variable(mine.w.clone()) },
      b = { w: tf.variable(mine.w.clone()) };
    const g = tf.ones([20, 15]);
    opt.step(a, { w: g });
    opt2.step(b, { w: g });
    expect(relErr(a.w.dataSync(), b.w.dataSync())).toBe(0);
    tf.dispose([mine.w, theirs, a.w, b.w, g]);
    opt.dispose();
    opt2.dispose();
  });
  test('weight decay adds λw to the gradient; step LR multiplies by γ every k epochs', () => {
    const w = { w: tf.variable(tf.tensor1d([1, -2])) };
    const opt = makeOptimizer({ name: 'sgd', lr: 0.1, momentum: 0, weightDecay: 0.5 });
    opt.step(w, { w: tf.tensor1d([0, 0]) });
    expect(Array.from(w.w.dataSync())).toEqual([0.949999988079071, -1.899999976158142]);
    [0.001, 0.001, 0.0001, 0.0001, 0.00001].forEach((want, i) => expect(stepLr(0.001, [0, 3, 4, 7, 8][i], 4)).toBeCloseTo(want, 12));
  });
});

describe('batch norm with the hand-written gradient (src/cifar/lenet.ts)', () => {
  test('forward and all three gradients equal tfjs autodiff of moments + batchNorm', () => {
    const rng = makeRng(5);
    const z = tf.tensor2d(
      Float32Array.from({ length: 24 * 5 }, () => 2 * rng.normal() + 1),
      [24, 5],
    );
    const g = tf.tensor1d(Float32Array.from({ length: 5 }, () => rng.normal()));
    const b = tf.tensor1d(Float32Array.from({ length: 5 }, () => rng.normal()));
    const dy = tf.tensor2d(
      Float32Array.from({ length: 24 * 5 }, () => rng.normal()),
      [24, 5],
    );
    const ref = (zz: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
      const m = tf.moments(zz, 0);
      return tf.batchNorm(zz, m.mean, m.variance, bb, gg, 1e-5).mul(dy).sum();
    };
    const mine = (zz: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
      batchNormTrain(zz as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D)
        .mul(dy)
        .sum();
    const gr = tf.grads(ref)([z, g, b]),
      gm = tf.grads(mine)([z, g, b]);
    for (let i = 0; i < 3; i++) expect(relErr(gm[i].dataSync(), gr[i].dataSync())).toBeLessThan(1e-5);
    expect(relErr(batchNormTrain(z, g, b).dataSync(), tf.batchNorm(z, tf.moments(z, 0).mean, tf.moments(z, 0).variance, b, g, 1e-5).dataSync())).toBeLessThan(1e-6);
  });
  test(`the plain network has ${LENET_PARAM_COUNT} parameters; BN adds 2·(6+16+120+84)`, () => {
    const count = (bn: boolean) => Object.values(initLeNetParams({ init: 'he', batchNorm: bn, seed: 1 })).reduce((s, a) => s + a.length, 0);
    expect(count(false)).toBe(62_006);
    expect(count(true)).toBe(62_006 + 452);
  });
});

/** a small synthetic CIFAR-format data set: class k images are bright in channel k % 3 */
function synthetic(n: number, seed: number): Cifar10['train'] {
  const rng = makeRng(seed);
  const images = new Uint8Array(n * 3072),
    labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const y = rng.int(0, 9);
    labels[i] = y;
    for (let p = 0; p < 1024; p++)
      for (let c = 0; c < 3; c++)
        images[i * 3072 + p * 3 + c] = Math.max(0, Math.min(255, Math.round(128 + 40 * rng.normal() + (c === y % 3 ? 20 * (y + 1) - 100 : 0) + (p < 512 === y < 5 ? 30 : -30))));
  }
  return { images, labels, n };
}

describe('CIFAR-10 reader validates its input', () => {
  const writeBatch = (dir: string, name: string, bytes: Uint8Array) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  };
  test('a truncated file, a bad label, a wrong folder, a missing file or folder', () => {
    const dir = path.join(tmp, 'bad');
    writeBatch(dir, 'test_batch.bin', new Uint8Array(10));
    const good = new Uint8Array(CIFAR10_FILE_BYTES);
    for (let r = 0; r < 10_000; r++) good[r * 3073] = r % 10;
    writeBatch(dir, 'data_batch_1.bin', good.subarray(0, 3073 * 500));
    expect(() => loadCifar10(dir)).toThrow(/data_batch_1.bin: 1536500 bytes, expected 30730000 .*truncated \(500 records\)/);
    const badLabel = good.slice();
    badLabel[3073 * 7] = 42;
    writeBatch(dir, 'data_batch_1.bin', badLabel);
    expect(() => loadCifar10(dir)).toThrow(/record 7 has label 42, expected 0–9/);
    expect(() => parseCifar10Batch(new Uint8Array(CIFAR10_FILE_BYTES + 10), 'x.bin', new Uint8Array(1), new Uint8Array(1), 0)).toThrow(/not a CIFAR-10 binary batch/);
    const images = new Uint8Array(10_000 * 3072),
      labels = new Uint8Array(10_000);
    good[1] = 7; // red of pixel 0 of record 0
    good[1 + 1024 + 1] = 9; // green of pixel 1
    parseCifar10Batch(good, 'ok.bin', images, labels, 0);
    expect([images[0], images[4], labels[13]]).toEqual([7, 9, 3]);
    expect(() => loadCifar10(tmp)).toThrow(/does not hold test_batch.bin: wrong folder/);
    expect(() => loadCifar10(path.join(tmp, 'nope'))).toThrow(/does not exist/);
    rmSync(path.join(dir, 'data_batch_1.bin'));
    expect(() => loadCifar10(dir)).toThrow(/data_batch_1.bin is missing/);
    expect(cifar10Dir({ CIFAR10_DIR: dir })).toBe(path.resolve(dir));
    expect(CIFAR10_HOW_TO_GET).toMatch(/cifar-10-binary.tar.gz/);
  });
  test.runIf(cifar10Dir() !== undefined)('the real test batch: 10,000 images, 1,000 per class, NHWC', () => {
    const file = path.join(cifar10Dir()!, 'test_batch.bin');
    const raw = readFileSync(file);
    const images = new Uint8Array(10_000 * 3072),
      labels = new Uint8Array(10_000);
    parseCifar10Batch(raw, file, images, labels, 0);
    const counts = new Array(10).fill(0);
    for (const l of labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    // NHWC: the first image's first pixel is the file's R, G, B bytes at offsets 1, 1025, 2049
    expect(Array.from(images.subarray(0, 3))).toEqual([raw[1], raw[1025], raw[2049]]);
  });
});

describe('training smoke run (synthetic CIFAR-format data)', () => {
  const data: Cifar10 = { train: synthetic(512, 1), test: synthetic(128, 2), dir: 'synthetic' };
  test('augmentation: crop offsets and flips keep the pixels; no augmentation is the identity', () => {
    const plain = makeBatch(data.train, [3], false, 0);
    expect(plain[0]).toBeCloseTo(data.train.images[3 * 3072] / 127.5 - 1, 6);
    const aug = makeBatch(data.train, [3, 3, 3, 3], true, 9);
    const vals = new Set(Array.from(plain).map((v) => v.toFixed(5)));
    vals.add((-1).toFixed(5));
    for (const v of aug) expect(vals.has(v.toFixed(5))).toBe(true);
    expect(relErr(aug.subarray(0, 3072), plain)).toBeGreaterThan(0);
    expect(epochOrder(10, 1, 0)).toEqual(epochOrder(10, 1, 0));
    expect(Array.from(epochOrder(10, 1, 0)).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });
  test('He init: 2 worker threads give the same result as one thread; stop + resume from a checkpoint equals a straight run', async () => {
    const opts = { variant: VARIANTS.he, epochs: 2, batchSize: 16, trainLimit: 64, testLimit: 32, seed: 3, lrStepEpochs: 1 } as const;
    const lines: string[] = [];
    const straight = await trainCifar(data, { ...opts, log: (l) => lines.push(l), logEvery: 1 });
    expect(straight.completed).toBe(true);
    expect(straight.epochs.map((e) => e.lr)).toEqual([0.001, 0.0001]);
    expect(lines[0]).toMatch(/^\[cifar he\] epoch 1\/2 batch 1\/4 loss \d\.\d{4} \d+ img\/s ETA \d+s$/);
    const ck = path.join(tmp, 'ck');
    const part = await trainCifar(data, { ...opts, checkpointDir: ck, stopAfter: 5 });
    expect(part.completed).toBe(false);
    const resumed = await trainCifar(data, { ...opts, checkpointDir: ck });
    expect(resumed.resumedFrom).toEqual({ epoch: 1, step: 1 });
    expect(relErr(resumed.conv1W, straight.conv1W)).toBeLessThan(1e-6);
    expect(resumed.epochs.map((e) => e.testAcc)).toEqual(straight.epochs.map((e) => e.testAcc));
    // one worker thread (the slow suite's way: each run off the claim's thread)
    const one = await trainCifar(data, { ...opts, workers: 1 });
    expect(relErr(one.conv1W, straight.conv1W)).toBeLessThan(1e-6);
    expect(one.epochs.map((e) => e.testAcc)).toEqual(straight.epochs.map((e) => e.testAcc));
    const par = await trainCifar(data, { ...opts, workers: 2 });
    expect(relErr(par.conv1W, straight.conv1W)).toBeLessThan(1e-5);
    expect(par.epochs[1].trainLoss).toBeCloseTo(straight.epochs[1].trainLoss, 4);
    await expect(trainCifar(data, { ...opts, variant: VARIANTS.bn, checkpointDir: ck })).rejects.toThrow(/checkpoint .* is for variant he, not bn/);
  }, 60_000);
  test('batch norm + Adam with augmentation run; figures and table are written', async () => {
    const r = await trainCifar(data, { variant: { ...VARIANTS.bn, optimizer: { name: 'adam', lr: 0.001 }, augment: true }, epochs: 1, trainLimit: 64, testLimit: 32, measureVariance: true });
    expect(r.epochs[0].trainLoss).toBeGreaterThan(0);
    expect(r.initVariances).toHaveLength(5);
    const out = path.join(tmp, 'fig');
    await writeReport([r], out);
    writeConv1Filters(r.conv1W, path.join(out, 'conv1.png'));
    for (const f of ['curves.png', 'conv1.png', 'results.json', 'results.md']) expect(statSync(path.join(out, f)).size).toBeGreaterThan(100);
    expect(resultsMarkdown([r])).toMatch(/\| He init \+ batch norm \(P5.3\) \| \d+\.\d\d% \(loss \d\.\d{3}\) \| 55.8% \|/);
  }, 30_000);
});

describe('experiment driver and replica', () => {
  const data: Cifar10 = { train: synthetic(64, 4), test: synthetic(32, 5), dir: 'synthetic' };
  test('runCifarExperiment writes results, figures, and reuses a finished variant', async () => {
    const out = path.join(tmp, 'exp');
    const logs: string[] = [];
    const o = { variants: ['std0.01' as const], epochs: 1, workers: 0, outDir: out, data, trainLimit: 32, testLimit: 16, batchSize: 16, log: (l: string) => logs.push(l) };
    const [r] = await runCifarExperiment(o);
    expect(r.epochs).toHaveLength(1);
    for (const f of ['result-std0.01.json', 'conv1-std0.01.png', 'conv1-std0.01-change.png', 'curves.png', 'results.md']) expect(statSync(path.join(out, f)).size).toBeGreaterThan(100);
    const [again] = await runCifarExperiment(o);
    expect(logs.some((l) => /reusing .*result-std0.01.json/.test(l))).toBe(true);
    expect(relErr(again.conv1W, r.conv1W)).toBe(0);
  }, 30_000);
  test('a replica: flattened gradient + apply equals one in-process step; variances and state round-trip', async () => {
    const cfg = { batchNorm: false, params: initLeNetParams({ init: 'he', batchNorm: false, seed: 9 }), optimizer: { name: 'sgd' as const, lr: 0.01, momentum: 0.9 }, augment: false };
    const a = new Replica(data.train, data.test, cfg),
      b = new Replica(data.train, data.test, cfg);
    const idx = Int32Array.from([0, 1, 2, 3]);
    const g = await a.grads(idx, 1);
    expect(g.flat.length).toBe(LENET_PARAM_COUNT);
    a.apply(g.flat, 0.01);
    await b.trainStep(idx, 1, 0.01);
    expect(relErr((await a.getState()).params.conv1W, (await b.getState()).params.conv1W)).toBeLessThan(1e-6);
    expect(await a.preActivationVariances(16)).toHaveLength(5);
    b.setState(await a.getState());
    expect(relErr((await a.getState()).params.fc1W, (await b.getState()).params.fc1W)).toBe(0);
    expect(await a.evaluate(0, 16)).toBeGreaterThanOrEqual(0);
    a.dispose();
    b.dispose();
  });
});

describe('the network on the forward pass', () => {
  test('std 0.01 collapses the variance layer by layer; He keeps it', () => {
    const x = tf.randomNormal([64, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const v = (init: 'he' | 'std0.01') => {
      const net = new LeNet(initLeNetParams({ init, batchNorm: false, seed: 2 }), false);
      const rec: tf.Scalar[] = [];
      tf.tidy(() => void net.forward(x, false, [], rec));
      const out = rec.map((t) => t.dataSync()[0]);
      tf.dispose(rec);
      net.dispose();
      return out;
    };
    const s = v('std0.01'),
      h = v('he');
    expect(s[4] / s[0]).toBeLessThan(1e-6);
    expect(h[4] / h[0]).toBeGreaterThan(0.5);
    x.dispose();
  });
});

describe('CIFAR trainings share the cores through a gate (src/cifar/slow.ts concurrencyLimit, CIFAR_CONCURRENT)', () => {
  test('at most max() run together, the rest start in order as slots free, results and errors pass through', async () => {
    const gate = concurrencyLimit(() => 2);
    let running = 0,
      peak = 0;
    const started: number[] = [];
    const job = (k: number, ms: number, bad = false) =>
      gate(async () => {
        started.push(k);
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, ms));
        running--;
        if (bad) throw new Error(`job ${k} failed`);
        return k * 10;
      });
    const all = [job(0, 30), job(1, 5, true), job(2, 5), job(3, 5)];
    await expect(all[1]).rejects.toThrow('job 1 failed');
    expect(await Promise.all([all[0], all[2], all[3]])).toEqual([0, 20, 30]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3]);
    // a failed job frees its slot: a one-slot gate still runs the next
    const one = concurrencyLimit(() => 1);
    await expect(
      one(async () => {
        throw new Error('x');
      }),
    ).rejects.toThrow('x');
    expect(await one(async () => 7)).toBe(7);
  });
});
