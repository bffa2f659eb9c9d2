/**
 * Training driver for ELEG5491 HW2 P5: variants, step LR, per-epoch train loss / test accuracy,
 * progress lines (epoch, batch, loss, img/s, ETA), checkpoints (stop any time, resume where the
 * last checkpoint left off), and data parallelism over worker threads (each with its own wasm
 * backend — wasm is single-threaded in Node — gradients averaged every step).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Cifar10 } from '../data/cifar10.ts';
import { spawnTsWorker, WorkerChannel } from '../training/spawn.ts';
import { setupTrainingBackend, type TrainingBackend } from '../training/setup.ts';
import { makeRng } from '../verify/rng.ts';
import { initLeNetParams, type InitScheme, type ParamArrays } from './lenet.ts';
import { stepLr, type OptimizerConfig } from './optim.ts';
import { Replica, type GradResult, type ReplicaConfig } from './replica.ts';

export type VariantId = 'std0.01' | 'he' | 'bn' | 'adam-aug' | 'rmsprop-aug';

export interface Variant {
  id: VariantId;
  label: string;
  init: InitScheme;
  batchNorm: boolean;
  optimizer: OptimizerConfig;
  augment: boolean;
}

const SGD: OptimizerConfig = { name: 'sgd', lr: 0.001, momentum: 0.9, weightDecay: 5e-4 };

export const VARIANTS: Record<VariantId, Variant> = {
  'std0.01': { id: 'std0.01', label: 'Gaussian σ=0.01 (P5.1)', init: 'std0.01', batchNorm: false, optimizer: SGD, augment: false },
  he: { id: 'he', label: 'He init (P5.2)', init: 'he', batchNorm: false, optimizer: SGD, augment: false },
  bn: { id: 'bn', label: 'He init + batch norm (P5.3)', init: 'he', batchNorm: true, optimizer: SGD, augment: false },
  'adam-aug': { id: 'adam-aug', label: 'He + own Adam + crop/flip (P5.4)', init: 'he', batchNorm: false, optimizer: { name: 'adam', lr: 0.001, weightDecay: 5e-4 }, augment: true },
  'rmsprop-aug': {
    id: 'rmsprop-aug',
    label: 'He + own RMSProp + crop/flip (P5.4)',
    init: 'he',
    batchNorm: false,
    optimizer: { name: 'rmsprop', lr: 0.0003, decay: 0.9, weightDecay: 5e-4 },
    augment: true,
  },
};

export interface Progress {
  variant: VariantId;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  imgPerSec: number;
  etaSec: number;
}

export interface EpochRecord {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainAcc: number;
  testAcc: number;
  seconds: number;
  imgPerSec: number;
}

export interface TrainOptions {
  variant: Variant;
  epochs: number;
  batchSize?: number;
  /** step LR: ×gamma every `lrStepEpochs` epochs (default: after epoch 4, as the PyTorch peer run) */
  lrStepEpochs?: number;
  lrGamma?: number;
  seed?: number;
  /** use only the first n training / test images (smoke runs) */
  trainLimit?: number;
  testLimit?: number;
  /** worker threads (each one wasm backend); 0 = train in this thread */
  workers?: number;
  backend?: TrainingBackend;
  /** σ of each weight tensor instead of the variant's init (a student's He init) */
  stdOf?: (shape: number[]) => number;
  checkpoint?: string;
  /** steps between mid-epoch checkpoints (an epoch end always writes one) */
  checkpointEvery?: number;
  /** stop after this many steps in this call (simulates an interruption; for tests) */
  stopAfterSteps?: number;
  onProgress?: (p: Progress) => void;
  /** seconds between progress callbacks */
  progressEvery?: number;
  /** measure Var[y_l] per layer at init */
  measureVariance?: boolean;
}

export interface TrainResult {
  variant: VariantId;
  label: string;
  epochs: EpochRecord[];
  /** Var[y_l] of conv1, conv2, fc1, fc2, fc3 pre-activations at init (500 test images) */
  initVariances?: number[];
  conv1W: Float32Array;
  imgPerSec: number;
  /** images per CPU-second of this process (all its threads) during the steps: robust to other load */
  imgPerCpuSec: number;
  workers: number;
  batchSize: number;
  completed: boolean;
  resumedFrom?: { epoch: number; step: number };
}

interface Checkpoint {
  variant: VariantId;
  epoch: number;
  step: number;
  history: EpochRecord[];
  running: { loss: number; correct: number; seen: number; seconds: number };
  state: { params: Record<string, number[]>; opt: Record<string, number[] | number> };
  initVariances?: number[];
}

/** The same permutation of [0, n) for an epoch on every replica and after a resume. */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  const rng = makeRng(seed * 1000 + epoch + 1);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** a resumed run that took no step reports the rate its epochs recorded */
const meanRate = (h: EpochRecord[]): number => (h.length ? h.reduce((a, e) => a + e.imgPerSec, 0) / h.length : 0);

interface Engine {
  step(idx: Int32Array, seed: number, lr: number): Promise<{ loss: number; correct: number }>;
  evaluate(n: number): Promise<number>;
  variances(): Promise<number[]>;
  getState(): Promise<ReturnType<Replica['getState']>>;
  setState(s: ReturnType<Replica['getState']>): Promise<void>;
  close(): Promise<void>;
}

async function localEngine(data: Cifar10, cfg: ReplicaConfig, backend: TrainingBackend, testN: number): Promise<Engine> {
  await setupTrainingBackend(backend);
  const r = new Replica(data.train, data.test, cfg);
  return {
    step: async (idx, seed, lr) => r.trainStep(idx, seed, lr),
    evaluate: async () => r.evaluate(0, testN),
    variances: async () => r.preActivationVariances(),
    getState: async () => r.getState(),
    setState: async (s) => r.setState(s),
    close: async () => r.dispose(),
  };
}

async function parallelEngine(data: Cifar10, cfg: ReplicaConfig, backend: TrainingBackend, workers: number, _testN: number): Promise<Engine> {
  const chans = Array.from({ length: workers }, () => {
    const w = spawnTsWorker(new URL('./worker.ts', import.meta.url), { train: data.train, test: data.test, cfg, backend });
    return new WorkerChannel(w);
  });
  await Promise.all(
    chans.map(
      (c) =>
        new Promise<void>((resolve, reject) => {
          const on = (m: { id: number }) => {
            if (m.id === -1) {
              c.worker.off('message', on);
              resolve();
            }
          };
          c.worker.on('message', on);
          c.worker.once('error', reject);
        }),
    ),
  );
  const split = (idx: Int32Array) => chans.map((_, k) => idx.subarray(Math.floor((k * idx.length) / workers), Math.floor(((k + 1) * idx.length) / workers)));
  return {
    async step(idx, seed, lr) {
      const parts = split(idx);
      const rs = await Promise.all(chans.map((c, k) => c.call<GradResult>('grads', { idx: parts[k], seed: seed * 16 + k })));
      const flat = new Float32Array(rs[0].flat.length);
      for (const r of rs) {
        const w = r.n / idx.length;
        for (let i = 0; i < flat.length; i++) flat[i] += w * r.flat[i];
      }
      await Promise.all(chans.map((c) => c.call('apply', { flat, lr })));
      return { loss: rs.reduce((s, r) => s + (r.loss * r.n) / idx.length, 0), correct: rs.reduce((s, r) => s + r.correct, 0) };
    },
    async evaluate(n) {
      const cs = await Promise.all(chans.map((c, k) => c.call<number>('evaluate', { start: Math.floor((k * n) / workers), end: Math.floor(((k + 1) * n) / workers) })));
      return cs.reduce((a, b) => a + b, 0);
    },
    variances: () => chans[0].call<number[]>('variances', { n: 500 }),
    getState: () => chans[0].call('getState'),
    async setState(s) {
      await Promise.all(chans.map((c) => c.call('setState', s)));
    },
    async close() {
      await Promise.all(chans.map((c) => c.close()));
    },
  };
}

const toArrays = (o: Record<string, number[] | number>): Record<string, Float32Array | number> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? v : Float32Array.from(v)]));
const toLists = (o: Record<string, Float32Array | number>): Record<string, number[] | number> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v)]));

export function formatProgress(p: Progress): string {
  const eta = p.etaSec >= 60 ? `${Math.floor(p.etaSec / 60)}m${String(Math.round(p.etaSec % 60)).padStart(2, '0')}s` : `${Math.round(p.etaSec)}s`;
  return `[cifar ${p.variant}] epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} ${Math.round(p.imgPerSec)} img/s ETA ${eta}`;
}

/**
 * Train one variant.  With `checkpoint`, state is written after every epoch (and every
 * `checkpointEvery` steps); an existing checkpoint of the same variant is resumed.
 */
export async function trainCifar(data: Cifar10, opts: TrainOptions): Promise<TrainResult> {
  const v = opts.variant;
  const B = opts.batchSize ?? 32,
    seed = opts.seed ?? 1;
  const nTrain = Math.min(opts.trainLimit ?? data.train.n, data.train.n),
    nTest = Math.min(opts.testLimit ?? data.test.n, data.test.n);
  const steps = Math.floor(nTrain / B);
  const workers = opts.workers ?? 0;
  const params: ParamArrays = initLeNetParams({ init: v.init, batchNorm: v.batchNorm, seed, stdOf: opts.stdOf });
  const cfg: ReplicaConfig = { batchNorm: v.batchNorm, params, optimizer: v.optimizer, augment: v.augment };
  const backend = opts.backend ?? 'wasm';
  const engine = workers > 0 ? await parallelEngine(data, cfg, backend, workers, nTest) : await localEngine(data, cfg, backend, nTest);
  try {
    let history: EpochRecord[] = [];
    let startEpoch = 0,
      startStep = 0;
    let running = { loss: 0, correct: 0, seen: 0, seconds: 0 };
    let initVariances: number[] | undefined;
    let resumedFrom: TrainResult['resumedFrom'];
    if (opts.checkpoint && existsSync(opts.checkpoint)) {
      const ck = JSON.parse(readFileSync(opts.checkpoint, 'utf8')) as Checkpoint;
      if (ck.variant !== v.id) throw new Error(`checkpoint ${opts.checkpoint} is for variant ${ck.variant}, not ${v.id}`);
      await engine.setState({ params: toArrays(ck.state.params) as ParamArrays, opt: toArrays(ck.state.opt) });
      history = ck.history;
      startEpoch = ck.epoch;
      startStep = ck.step;
      running = ck.running;
      initVariances = ck.initVariances;
      resumedFrom = { epoch: ck.epoch, step: ck.step };
    } else if (opts.measureVariance) {
      initVariances = await engine.variances();
    }
    const save = async (epoch: number, step: number) => {
      if (!opts.checkpoint) return;
      const s = await engine.getState();
      const ck: Checkpoint = {
        variant: v.id,
        epoch,
        step,
        history,
        running,
        initVariances,
        state: { params: toLists(s.params) as Record<string, number[]>, opt: toLists(s.opt) },
      };
      mkdirSync(path.dirname(opts.checkpoint), { recursive: true });
      writeFileSync(`${opts.checkpoint}.tmp`, JSON.stringify(ck));
      renameSync(`${opts.checkpoint}.tmp`, opts.checkpoint);
    };
    let stepsThisCall = 0,
      imgs = 0,
      busy = 0,
      cpu = 0;
    const t0 = performance.now();
    let lastReport = t0;
    const totalSteps = opts.epochs * steps;
    for (let e = startEpoch; e < opts.epochs; e++) {
      const lr = stepLr(v.optimizer.lr, e, opts.lrStepEpochs ?? 4, opts.lrGamma ?? 0.1);
      const order = epochOrder(nTrain, seed, e);
      const tE = performance.now();
      for (let s = e === startEpoch ? startStep : 0; s < steps; s++) {
        if (opts.stopAfterSteps !== undefined && stepsThisCall >= opts.stopAfterSteps) {
          await save(e, s);
          const st = await engine.getState();
          return {
            variant: v.id,
            label: v.label,
            epochs: history,
            initVariances,
            conv1W: st.params.conv1W,
            imgPerSec: imgs ? imgs / busy : meanRate(history),
            imgPerCpuSec: imgs / (cpu || 1),
            workers,
            batchSize: B,
            completed: false,
            resumedFrom,
          };
        }
        const ts = performance.now(),
          cs = process.cpuUsage();
        const r = await engine.step(order.subarray(s * B, (s + 1) * B), seed * 1_000_003 + e * steps + s, lr);
        busy += (performance.now() - ts) / 1000;
        const cd = process.cpuUsage(cs);
        cpu += (cd.user + cd.system) / 1e6;
        if (!Number.isFinite(r.loss)) throw new Error(`[cifar ${v.id}] loss became ${r.loss} at epoch ${e + 1} batch ${s + 1}`);
        imgs += B;
        stepsThisCall++;
        running.loss += r.loss * B;
        running.correct += r.correct;
        running.seen += B;
        const now = performance.now();
        if (opts.onProgress && (now - lastReport) / 1000 >= (opts.progressEvery ?? 10)) {
          lastReport = now;
          const ips = imgs / busy;
          const left = (totalSteps - (e * steps + s + 1)) * B;
          opts.onProgress({ variant: v.id, epoch: e + 1, epochs: opts.epochs, batch: s + 1, batches: steps, loss: running.loss / running.seen, imgPerSec: ips, etaSec: left / ips });
        }
        if (opts.checkpointEvery && (s + 1) % opts.checkpointEvery === 0 && s + 1 < steps) await save(e, s + 1);
      }
      running.seconds += (performance.now() - tE) / 1000;
      const correct = await engine.evaluate(nTest);
      history.push({
        epoch: e + 1,
        lr,
        trainLoss: running.loss / running.seen,
        trainAcc: running.correct / running.seen,
        testAcc: correct / nTest,
        seconds: running.seconds,
        imgPerSec: running.seen / running.seconds,
      });
      running = { loss: 0, correct: 0, seen: 0, seconds: 0 };
      await save(e + 1, 0);
    }
    const st = await engine.getState();
    void t0;
    return {
      variant: v.id,
      label: v.label,
      epochs: history,
      initVariances,
      conv1W: st.params.conv1W,
      imgPerSec: imgs ? imgs / busy : meanRate(history),
      imgPerCpuSec: imgs / (cpu || 1),
      workers,
      batchSize: B,
      completed: true,
      resumedFrom,
    };
  } finally {
    await engine.close();
  }
}
