/**
 * Child-process probe for spec/wasm-threads.spec.ts (the thread count is fixed when a process first
 * starts wasm, so each count needs its own process).  Starts the training backend with the thread count
 * of DLSPEC_WASM_THREADS, runs convolutions (forward, both gradients: dlspec's kernels), a matMul and
 * three LeNet training steps, and prints one JSON line: the threads in use and every result's float32
 * bytes as a SHA-256 digest, so the parent can compare runs bit for bit.
 */
import { createHash } from 'node:crypto';
import { tf } from '../src/backend.ts';
import { setupTrainingBackend } from '../src/training/setup.ts';
import { wasmThreadsInUse } from '../src/wasm-threads.ts';
import { Replica } from '../src/cifar/replica.ts';
import { initLeNetParams } from '../src/cifar/lenet.ts';
import { VARIANTS } from '../src/cifar/train.ts';
import { makeRng } from '../src/verify/rng.ts';

await setupTrainingBackend('wasm');
const rng = makeRng(5);
const rand = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
    shape,
  );
const x = rand([8, 32, 32, 3]) as tf.Tensor4D,
  w = rand([5, 5, 3, 6]) as tf.Tensor4D;
const dy = rand([8, 28, 28, 6]) as tf.Tensor4D;
const a = rand([64, 200]) as tf.Tensor2D,
  b = rand([200, 120]) as tf.Tensor2D;
const outs: Record<string, tf.Tensor> = {
  conv2d: tf.conv2d(x, w, 1, 'valid'),
  convStride2Same: tf.conv2d(x, w, 2, 'same'),
  filterGrad: tf.grad((ww: tf.Tensor) =>
    tf
      .conv2d(x, ww as tf.Tensor4D, 1, 'valid')
      .mul(dy)
      .sum(),
  )(w),
  inputGrad: tf.grad((xx: tf.Tensor) =>
    tf
      .conv2d(xx as tf.Tensor4D, w, 1, 'valid')
      .mul(dy)
      .sum(),
  )(x),
  matMul: tf.matMul(a, b),
};
// three LeNet steps (He init, SGD momentum + weight decay) on random images
const n = 96,
  images = new Uint8Array(n * 3072),
  labels = new Uint8Array(n);
for (let i = 0; i < images.length; i++) images[i] = rng.int(0, 255);
for (let i = 0; i < n; i++) labels[i] = rng.int(0, 9);
const split = { images, labels, n };
const v = VARIANTS.he;
const r = new Replica(split, split, { batchNorm: false, params: initLeNetParams({ init: v.init, batchNorm: false, seed: 3 }), optimizer: v.optimizer, augment: false });
for (let k = 0; k < 3; k++)
  await r.trainStep(
    Int32Array.from({ length: 32 }, (_, i) => k * 32 + i),
    k,
    0.01,
  );
// sha-256 of the float32 bytes: equal digests ⇔ equal bits
const hex = (d: Float32Array) =>
  `${d.length} floats, sha256 ${createHash('sha256')
    .update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
    .digest('hex')}`;
const result: Record<string, unknown> = { threads: await wasmThreadsInUse() };
for (const [k, t] of Object.entries(outs)) result[k] = hex(t.dataSync() as Float32Array);
const params = (await r.getState()).params as Record<string, Float32Array>;
for (const k of Object.keys(params).sort()) result[`lenet/${k}`] = hex(params[k]!);
process.stdout.write(`${JSON.stringify(result)}\n`);
