/**
 * Training driver for ELEG5491 HW2 P5: variants, step LR, per-epoch train loss / test accuracy,
 * progress lines (epoch, batch, loss, img/s, ETA), checkpoints (stop any time, resume where the
 * last checkpoint left off), and data parallelism over worker threads (each with its own wasm
 * backend — wasm is single-threaded in Node — gradients averaged every step).
 */
import type { Cifar10 } from '../data/cifar10.ts';
import { checkSameRun, formatDuration, readCheckpoint, runLoop, writeCheckpoint, type Pace, type RunControl, type StoredTensor } from '../training/loop.ts';
import { spawnTsWorker, WorkerChannel } from '../training/spawn.ts';
import { setupTrainingBackend, type TrainingBackend } from '../training/setup.ts';
import { makeRng } from '../verify/rng.ts';
import { initLeNetParams, type InitScheme, type ParamArrays } from './lenet.ts';
import { stepLr, type OptimizerConfig } from './optim.ts';
import { Replica, type GradResult, type ReplicaConfig, type ReplicaState } from './replica.ts';

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

export interface EpochRecord {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainAcc: number;
  testAcc: number;
  seconds: number;
  imgPerSec: number;
}

export interface TrainOptions extends RunControl {
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

/** What a checkpoint's meta.json says of its run; the parameters and the optimizer's arrays are its tensors. */
interface Meta {
  variant: VariantId;
  /** steps taken over the whole run */
  done: number;
  history: EpochRecord[];
  /** the current epoch's sums so far */
  running: { loss: number; correct: number; seen: number; seconds: number };
  /** the optimizer's scalars (its step count) */
  optScalars: Record<string, number>;
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
  getState(): Promise<ReplicaState>;
  setState(s: ReplicaState): Promise<void>;
  close(): Promise<void>;
}

async function localEngine(data: Cifar10, cfg: ReplicaConfig, backend: TrainingBackend, testN: number): Promise<Engine> {
  await setupTrainingBackend(backend);
  const r = new Replica(data.train, data.test, cfg);
  return {
    step: (idx, seed, lr) => r.trainStep(idx, seed, lr),
    evaluate: () => r.evaluate(0, testN),
    variances: () => r.preActivationVariances(),
    getState: () => r.getState(),
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

/** The state's arrays as checkpoint tensors (`params/…`, `opt/…`), its scalars apart. */
function storeState(st: ReplicaState): { tensors: StoredTensor[]; optScalars: Record<string, number> } {
  const tensors: StoredTensor[] = [];
  const optScalars: Record<string, number> = {};
  for (const [k, v] of Object.entries(st.params)) tensors.push({ name: `params/${k}`, shape: [v.length], data: v });
  for (const [k, v] of Object.entries(st.opt)) {
    if (typeof v === 'number') optScalars[k] = v;
    else tensors.push({ name: `opt/${k}`, shape: [v.length], data: v });
  }
  return { tensors, optScalars };
}

/** A checkpoint's tensors back as the state `Replica.setState` takes. */
function restoreState(ck: NonNullable<ReturnType<typeof readCheckpoint<Meta>>>): ReplicaState {
  const under = (prefix: string) =>
    Object.fromEntries(
      ck
        .names()
        .filter((n) => n.startsWith(prefix))
        .map((n) => [n.slice(prefix.length), ck.tensor(n).data]),
    );
  return { params: under('params/') as ParamArrays, opt: { ...under('opt/'), ...ck.meta.optScalars } };
}

/** A progress line: `[cifar he] epoch 1/5 batch 20/1562 loss 2.3021 180 img/s ETA 7m12s` */
function progressLine(v: VariantId, epoch: number, epochs: number, batch: number, batches: number, loss: number, pace: Pace): string {
  return `[cifar ${v}] epoch ${epoch}/${epochs} batch ${batch}/${batches} loss ${loss.toFixed(4)} ${Math.round(pace.imgPerSec)} img/s ETA ${formatDuration(pace.etaSec)}`;
}

/**
 * Train one variant.  With `checkpointDir`, state is written after every epoch (and every
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
    let done = 0;
    let running = { loss: 0, correct: 0, seen: 0, seconds: 0 };
    let initVariances: number[] | undefined;
    let resumedFrom: TrainResult['resumedFrom'];
    const ck = opts.checkpointDir ? readCheckpoint<Meta>(opts.checkpointDir) : undefined;
    if (ck) {
      checkSameRun(opts.checkpointDir!, { variant: ck.meta.variant }, { variant: v.id });
      await engine.setState(restoreState(ck));
      ({ history, done, running, initVariances } = ck.meta);
      resumedFrom = { epoch: Math.floor(done / steps), step: done % steps };
    } else if (opts.measureVariance) {
      initVariances = await engine.variances();
    }
    let imgs = 0,
      busy = 0,
      cpu = 0,
      epochStart = performance.now();
    const epochOf = (i: number) => Math.floor(i / steps);
    const lrOf = (e: number) => stepLr(v.optimizer.lr, e, opts.lrStepEpochs ?? 4, opts.lrGamma ?? 0.1);
    let order = epochOrder(nTrain, seed, epochOf(done));
    const loop = await runLoop({
      done,
      total: opts.epochs * steps,
      imagesPerStep: B,
      control: opts,
      async step(i) {
        const e = epochOf(i),
          s = i % steps;
        if (s === 0) {
          order = epochOrder(nTrain, seed, e);
          epochStart = performance.now();
        }
        const ts = performance.now(),
          cs = process.cpuUsage();
        const r = await engine.step(order.subarray(s * B, (s + 1) * B), seed * 1_000_003 + e * steps + s, lrOf(e));
        busy += (performance.now() - ts) / 1000;
        const cd = process.cpuUsage(cs);
        cpu += (cd.user + cd.system) / 1e6;
        if (!Number.isFinite(r.loss)) throw new Error(`[cifar ${v.id}] loss became ${r.loss} at epoch ${e + 1} batch ${s + 1}`);
        imgs += B;
        running.loss += r.loss * B;
        running.correct += r.correct;
        running.seen += B;
      },
      progress: async (d, pace) => progressLine(v.id, epochOf(d - 1) + 1, opts.epochs, ((d - 1) % steps) + 1, steps, running.loss / running.seen, pace),
      async boundary(d) {
        if (d % steps !== 0) return false;
        // an epoch's end: its test accuracy, its record, and a checkpoint
        running.seconds += (performance.now() - epochStart) / 1000;
        const correct = await engine.evaluate(nTest);
        history.push({
          epoch: d / steps,
          lr: lrOf(d / steps - 1),
          trainLoss: running.loss / running.seen,
          trainAcc: running.correct / running.seen,
          testAcc: correct / nTest,
          seconds: running.seconds,
          imgPerSec: running.seen / running.seconds,
        });
        running = { loss: 0, correct: 0, seen: 0, seconds: 0 };
        return true;
      },
      async save(dir, d) {
        // a stop inside an epoch keeps that epoch's time so far
        const r = d % steps === 0 ? running : { ...running, seconds: running.seconds + (performance.now() - epochStart) / 1000 };
        const st = storeState(await engine.getState());
        writeCheckpoint<Meta>(dir, { variant: v.id, done: d, history, running: r, optScalars: st.optScalars, initVariances }, st.tensors);
      },
    });
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
      completed: loop.completed,
      resumedFrom,
    };
  } finally {
    await engine.close();
  }
}

/** The parameters (batch norm's running statistics included) in the checkpoint a run left in `dir`, and its epoch. */
export function checkpointParams(dir: string, steps: number): { epoch: number; params: ParamArrays } {
  const ck = readCheckpoint<Meta>(dir);
  if (!ck) throw new Error(`no checkpoint in ${dir}`);
  return { epoch: ck.meta.done / steps, params: restoreState(ck).params };
}
