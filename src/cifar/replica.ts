/**
 * One model replica: the LeNet, its optimizer, and the input pipeline (normalisation, random
 * crop + flip).  The trainer runs one replica in-process, or one per worker thread for data
 * parallelism (each worker computes the gradient of its shard; the trainer averages them; every
 * replica applies the same averaged gradient with the same optimizer, so they stay identical).
 */
import * as tf from '@tensorflow/tfjs';
import type { Cifar10Split } from '../data/cifar10.ts';
import { makeRng } from '../verify/rng.ts';
import { LeNet, softmaxLoss, type ParamArrays } from './lenet.ts';
import { makeOptimizer, type Optimizer, type OptimizerConfig } from './optim.ts';

export interface ReplicaConfig {
  batchNorm: boolean;
  params: ParamArrays;
  optimizer: OptimizerConfig;
  augment: boolean;
}

/** pixel normalisation (PyTorch starter code: Normalize(0.5, 0.5)): x = (v/255 − 0.5)/0.5 ∈ [−1, 1] */
export const normalizePixel = (v: number): number => v / 127.5 - 1;

/**
 * Fill `out` (B×32×32×3 float32) with the images `idx` of `split`, normalised; with `augment`,
 * each image is shifted by a random crop of its 4-pixel zero-padded copy (offsets −4…4) and
 * mirrored left-right with probability ½ (`seed` drives both); padding is black (raw 0), as
 * torchvision's RandomCrop(32, padding=4) pads before Normalize.
 */
export function makeBatch(split: Cifar10Split, idx: ArrayLike<number>, augment: boolean, seed: number, out?: Float32Array): Float32Array {
  const B = idx.length;
  const x = out ?? new Float32Array(B * 3072);
  const rng = makeRng(seed);
  for (let b = 0; b < B; b++) {
    const src = idx[b] * 3072,
      dst = b * 3072;
    if (!augment) {
      for (let i = 0; i < 3072; i++) x[dst + i] = normalizePixel(split.images[src + i]);
      continue;
    }
    const dy = rng.int(-4, 4),
      dx = rng.int(-4, 4),
      flip = rng.next() < 0.5;
    for (let r = 0; r < 32; r++) {
      const sr = r + dy;
      for (let c = 0; c < 32; c++) {
        const sc0 = flip ? 31 - c : c;
        const sc = sc0 + dx;
        const o = dst + (r * 32 + c) * 3;
        if (sr < 0 || sr > 31 || sc < 0 || sc > 31) {
          x[o] = x[o + 1] = x[o + 2] = normalizePixel(0);
        } else {
          const s = src + (sr * 32 + sc) * 3;
          x[o] = normalizePixel(split.images[s]);
          x[o + 1] = normalizePixel(split.images[s + 1]);
          x[o + 2] = normalizePixel(split.images[s + 2]);
        }
      }
    }
  }
  return x;
}

/** A replica's parameters and optimizer state as plain arrays. */
export interface ReplicaState {
  params: ParamArrays;
  opt: Record<string, Float32Array | number>;
}

export interface GradResult {
  loss: number;
  correct: number;
  n: number;
  /** gradients of every trainable tensor, concatenated in `names` order */
  flat: Float32Array;
}

export class Replica {
  readonly net: LeNet;
  readonly opt: Optimizer;
  readonly names: string[];
  private pendingBn: (() => void)[] = [];

  constructor(
    readonly train: Cifar10Split,
    readonly test: Cifar10Split,
    readonly cfg: ReplicaConfig,
  ) {
    this.net = new LeNet(cfg.params, cfg.batchNorm);
    this.opt = makeOptimizer(cfg.optimizer);
    this.names = this.net.names();
  }

  /** loss, number correct and gradients of the batch, as tensors (the caller reads and disposes them) */
  private lossAndGradTensors(idx: ArrayLike<number>, seed: number) {
    const B = idx.length;
    const xa = makeBatch(this.train, idx, this.cfg.augment, seed);
    const ya = new Int32Array(B);
    for (let i = 0; i < B; i++) ya[i] = this.train.labels[idx[i]];
    const x = tf.tensor4d(xa, [B, 32, 32, 3]);
    const y = tf.tensor1d(ya, 'int32');
    let correctT: tf.Tensor | undefined;
    const ups: (() => void)[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const logits = this.net.forward(x, true, ups);
      correctT = tf.keep(tf.sum(tf.equal(tf.argMax(logits, 1), y)));
      return softmaxLoss(logits, y);
    }, this.net.trainable());
    this.pendingBn = ups;
    tf.dispose([x, y]);
    return { value, correctT: correctT!, grads: this.net.gradsByName(grads) };
  }

  private finishBn(): void {
    for (const u of this.pendingBn) u();
    this.pendingBn = [];
  }

  /**
   * One full step in-process: gradient of the batch, optimizer update, BN running statistics.  Every
   * reading method here awaits `data()`: the same on every backend, and the only way on webgpu, which
   * cannot read a GPU tensor synchronously in Node.
   */
  async trainStep(idx: ArrayLike<number>, seed: number, lr: number): Promise<{ loss: number; correct: number }> {
    const { value, correctT, grads } = this.lossAndGradTensors(idx, seed);
    this.opt.lr = lr;
    this.opt.step(this.net.vars, grads);
    tf.dispose(Object.values(grads));
    this.finishBn();
    const [loss, correct] = await Promise.all([value.data(), correctT.data()]);
    tf.dispose([value, correctT]);
    return { loss: loss[0], correct: correct[0] };
  }

  /** data-parallel half-step: the gradient of this shard, flattened (BN running stats updated locally) */
  async grads(idx: ArrayLike<number>, seed: number): Promise<GradResult> {
    const { value, correctT, grads } = this.lossAndGradTensors(idx, seed);
    const [loss, correct, ...parts] = await Promise.all([value.data(), correctT.data(), ...this.names.map((n) => grads[n].data() as Promise<Float32Array>)]);
    tf.dispose([value, correctT, ...Object.values(grads)]);
    this.finishBn();
    const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      flat.set(p, o);
      o += p.length;
    }
    return { loss: loss[0], correct: correct[0], n: idx.length, flat };
  }

  /** apply an (averaged) flattened gradient */
  apply(flat: Float32Array, lr: number): void {
    const grads: Record<string, tf.Tensor> = {};
    let o = 0;
    for (const n of this.names) {
      const v = this.net.vars[n];
      grads[n] = tf.tensor(flat.subarray(o, o + v.size), v.shape);
      o += v.size;
    }
    this.opt.lr = lr;
    this.opt.step(this.net.vars, grads);
    tf.dispose(Object.values(grads));
  }

  /** number of correct predictions on test images [start, end) (batches of 500) */
  async evaluate(start: number, end: number, split: 'test' | 'train' = 'test'): Promise<number> {
    const s = split === 'test' ? this.test : this.train;
    let correct = 0;
    for (let a = start; a < end; a += 500) {
      const b = Math.min(end, a + 500);
      const idx = Int32Array.from({ length: b - a }, (_, i) => a + i);
      const xa = makeBatch(s, idx, false, 0);
      const t = tf.tidy(() => tf.argMax(this.net.forward(tf.tensor4d(xa, [b - a, 32, 32, 3]), false), 1));
      const pred = await t.data();
      t.dispose();
      for (let i = 0; i < b - a; i++) if (pred[i] === s.labels[a + i]) correct++;
    }
    return correct;
  }

  /** Var[y_l] of each layer's pre-activation (conv1, conv2, fc1, fc2, fc3) on test images [0, n) */
  async preActivationVariances(n = 500): Promise<number[]> {
    const idx = Int32Array.from({ length: Math.min(n, this.test.n) }, (_, i) => i);
    const xa = makeBatch(this.test, idx, false, 0);
    const rec: tf.Scalar[] = [];
    tf.tidy(() => {
      this.net.forward(tf.tensor4d(xa, [idx.length, 32, 32, 3]), false, [], rec);
    });
    const out = (await Promise.all(rec.map((t) => t.data()))).map((d) => d[0]);
    tf.dispose(rec);
    return out;
  }

  /** parameters and optimizer state as plain arrays (checkpoints, the worker threads' replies) */
  async getState(): Promise<ReplicaState> {
    return { params: await this.net.getParams(), opt: await this.opt.getState() };
  }

  setState(s: ReplicaState): void {
    this.net.setParams(s.params);
    this.opt.setState(s.opt);
  }

  dispose(): void {
    this.net.dispose();
    this.opt.dispose();
  }
}
