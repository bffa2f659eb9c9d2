/**
 * A student's trained LeNet, read from the files they hand in, and evaluated on the CIFAR-10 test
 * set: no training at grading time.
 *
 * Two formats, one per kind of student:
 * - a TensorFlow.js LayersModel (`model.json` + the weight files its manifest names: what
 *   `model.save()` writes).  Its layer list is checked against the homework's LeNet before tfjs
 *   builds it (only the layer classes a LeNet uses are accepted), then tfjs runs it.
 * - a PyTorch `state_dict` saved with NumPy (`.npz`: `np.savez(f, **{k: v.numpy() for k, v in
 *   net.state_dict().items()})`).  Its tensors, in order, are mapped onto the key's LeNet (conv
 *   OIHW → HWIO; fc1's inputs from PyTorch's C,H,W flattening to H,W,C), which runs them.
 * The grader feeds both the 10,000 test images as x = pixel/127.5 − 1, float32: NHWC [N,32,32,3]
 * for TF.js, the same numbers for PyTorch's NCHW weights (the mapping above makes them agree).
 *
 * A log is a JSON array `[{ "epoch": 1, "trainLoss": 2.1, "testAccuracy": 0.42 }, …]` or a CSV
 * with the header `epoch,train_loss,test_accuracy`; accuracies as fractions or percentages.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../claims/types.ts';
import type { SubmissionFiles } from '../verify/files.ts';
import { decodeUtf8 as decode, readModelJson, readNpz, readWeightFiles, tfjsTopology, type Npy } from '../verify/model-files.ts';
import { LeNet, LENET_PARAM_COUNT, type ParamArrays } from './lenet.ts';
import { RUN_MISTAKES } from './misconceptions.ts';
import { normalizePixel } from './replica.ts';

export const MAX_MODEL_BYTES = 20 * 2 ** 20;
const MAX_JSON_BYTES = 2 * 2 ** 20;

export interface RunFiles {
  /** a TF.js model.json, or a PyTorch state_dict as .npz */
  model: string;
  /** the per-epoch log: .json or .csv */
  log: string;
}

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  testAccuracy: number;
}

/* ---------------------------------------------------------------- the log */

const showRow = (r: unknown): string => {
  try {
    return String(JSON.stringify(r)).slice(0, 200);
  } catch {
    return 'a row nested too deep to show';
  }
};

/** The per-epoch log, checked: at least one epoch, finite numbers, accuracies as fractions. */
export function readLog(files: SubmissionFiles, rel: unknown, what: string): EpochLog[] {
  const text = decode(files.read(rel, what, MAX_JSON_BYTES)).trim();
  let rows: Record<string, unknown>[];
  if (text.startsWith('[') || text.startsWith('{')) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      fail(`${what}: not valid JSON (${(e as Error).message}); expected [{ "epoch": 1, "trainLoss": …, "testAccuracy": … }, …]`);
    }
    if (v && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as { epochs?: unknown }).epochs)) v = (v as { epochs: unknown }).epochs;
    if (!Array.isArray(v)) fail(`${what}: expected a JSON array of epochs, [{ "epoch": 1, "trainLoss": …, "testAccuracy": … }, …]`);
    rows = v.map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>) : {}));
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim());
    const head = (lines.shift() ?? '').split(',').map((h) => h.trim().toLowerCase());
    rows = lines.map((l) => Object.fromEntries(l.split(',').map((c, i) => [head[i] ?? `col${i}`, Number(c.trim())])));
  }
  const pick = (r: Record<string, unknown>, names: string[]): number => {
    for (const n of names) if (r[n] !== undefined) return Number(r[n]);
    return NaN;
  };
  const log = rows.map((r) => ({
    epoch: pick(r, ['epoch']),
    trainLoss: pick(r, ['trainLoss', 'train_loss', 'loss']),
    testAccuracy: pick(r, ['testAccuracy', 'test_accuracy', 'test_acc', 'testAcc', 'accuracy']),
  }));
  if (!log.length) fail(`${what}: no epochs in the log; expected one row per epoch (epoch, train loss, test accuracy)`);
  const bad = log.findIndex((e) => !Number.isFinite(e.epoch) || !Number.isFinite(e.trainLoss) || !Number.isFinite(e.testAccuracy));
  if (bad >= 0) fail(`${what}: row ${bad + 1} does not have three finite numbers epoch, train loss, test accuracy (got ${showRow(rows[bad])})`);
  // percentages (a chance-level run logs 10, not 0.1)
  if (log.some((e) => e.testAccuracy > 1)) for (const e of log) e.testAccuracy /= 100;
  return log;
}

/* ---------------------------------------------------------------- the homework's LeNet, as a layer list */

/** One layer as the architecture check sees it. */
export type Op =
  | { op: 'conv'; kernel: number[]; filters: number; stride: number; padding: string; inChannels?: number }
  | { op: 'bn'; channels?: number }
  | { op: 'relu' }
  | { op: 'pool'; size: number; stride: number }
  | { op: 'flatten' }
  | { op: 'dense'; units: number; inputs?: number };

const CONV = (filters: number, inChannels: number): Op => ({ op: 'conv', kernel: [5, 5], filters, stride: 1, padding: 'valid', inChannels });
const DENSE = (units: number, inputs: number): Op => ({ op: 'dense', units, inputs });
const POOL: Op = { op: 'pool', size: 2, stride: 2 };

/** The text's LeNet: conv5-6, pool, conv5-16, pool, FC-120, FC-84, FC-10, ReLU; with BN after every conv/FC but the last. */
export function lenetOps(bn: boolean): Op[] {
  const act = (c: number): Op[] => (bn ? [{ op: 'bn', channels: c }, { op: 'relu' }] : [{ op: 'relu' }]);
  return [CONV(6, 3), ...act(6), POOL, CONV(16, 6), ...act(16), POOL, { op: 'flatten' }, DENSE(120, 400), ...act(120), DENSE(84, 120), ...act(84), DENSE(10, 84)];
}

export function describeOp(o: Op | undefined): string {
  if (!o) return 'nothing';
  switch (o.op) {
    case 'conv':
      return `a ${o.kernel.join('×')} convolution with ${o.filters} filters${o.inChannels !== undefined ? ` over ${o.inChannels} channels` : ''}${o.stride !== 1 ? `, stride ${o.stride}` : ''}${o.padding !== 'valid' ? `, padding "${o.padding}"` : ''}`;
    case 'bn':
      return `batch norm${o.channels !== undefined ? ` over ${o.channels} channels` : ''}`;
    case 'relu':
      return 'ReLU';
    case 'pool':
      return `a ${o.size}×${o.size} max pool, stride ${o.stride}`;
    case 'flatten':
      return 'flatten';
    case 'dense':
      return `a fully connected layer of ${o.units} units${o.inputs !== undefined ? ` on ${o.inputs} inputs` : ''}`;
  }
}

const sameOp = (a: Op, b: Op): boolean => {
  if (a.op !== b.op) return false;
  const keys = Object.keys(b) as (keyof Op)[];
  return keys.every(
    (k) =>
      (a as Record<string, unknown>)[k] === undefined ||
      (b as Record<string, unknown>)[k] === undefined ||
      JSON.stringify((a as Record<string, unknown>)[k]) === JSON.stringify((b as Record<string, unknown>)[k]),
  );
};

/** BN may sit before or after its ReLU: the student's order is kept when it is the other one. */
function alignBn(got: Op[]): Op[] {
  const out = got.slice();
  for (let i = 0; i + 1 < out.length; i++) if (out[i].op === 'relu' && out[i + 1].op === 'bn') [out[i], out[i + 1]] = [out[i + 1], out[i]];
  return out;
}

/** '' when `got` is the homework's LeNet (with BN or without), else the first difference in words. */
export function architectureDifference(got: Op[], bn: boolean): string {
  const want = lenetOps(bn);
  const g = alignBn(got);
  for (let i = 0; i < Math.max(g.length, want.length); i++) {
    if (!g[i] || !want[i] || !sameOp(g[i], want[i])) {
      const noBn = !bn && g.some((o) => o.op === 'bn');
      const missingBn = bn && !g.some((o) => o.op === 'bn');
      const hint = missingBn
        ? ` — ${RUN_MISTAKES['no-batch-norm']}; P5.3 puts batch norm after every conv and FC layer but the last`
        : noBn
          ? ' — batch norm belongs to the P5.3 network, not this one'
          : '';
      return `layer ${i + 1} is ${describeOp(g[i])}, expected ${describeOp(want[i])}${hint} (the homework's LeNet: ${bn ? 'conv5-6, BN, ReLU, pool, conv5-16, BN, ReLU, pool, FC-120, BN, ReLU, FC-84, BN, ReLU, FC-10' : 'conv5-6, ReLU, pool, conv5-16, ReLU, pool, FC-120, ReLU, FC-84, ReLU, FC-10'})`;
    }
  }
  return '';
}

/* ---------------------------------------------------------------- a TF.js LayersModel */

interface LayerJson {
  className?: unknown;
  config?: Record<string, unknown>;
}

const ACCEPTED_LAYERS = new Set(['InputLayer', 'Conv2D', 'BatchNormalization', 'Activation', 'ReLU', 'MaxPooling2D', 'MaxPool2D', 'Flatten', 'Dense', 'Dropout']);

const pair = (v: unknown, d: number): number[] => (Array.isArray(v) ? v.map(Number) : typeof v === 'number' ? [v, v] : [d, d]);

const INPUT = '[32,32,3]';

/** The layer list of a model.json's topology (as tfjsTopology reads it), as ops; refuses a layer a LeNet does not use. */
export function layersOfTopology(topology: unknown, what: string): Op[] {
  const t = tfjsTopology(topology, what) as { className?: unknown; config?: { layers?: unknown } | unknown[] };
  const layers = (Array.isArray(t?.config) ? t.config : (t?.config as { layers?: unknown })?.layers) as LayerJson[] | undefined;
  if (!Array.isArray(layers)) fail(`${what}: model.json has no layer list (expected a TF.js LayersModel, as model.save() writes it)`);
  if (t.className !== 'Sequential')
    fail(`${what}: model.json holds a ${String(t.className).slice(0, 40)} model; the grader reads a tf.sequential LeNet (build it with tf.sequential and save it with model.save())`);
  if (layers.length > 64) fail(`${what}: ${layers.length} layers; the homework's LeNet has about 16`);
  const ops: Op[] = [];
  for (const [i, l] of layers.entries()) {
    const cls = String(l?.className);
    const c = (l?.config ?? {}) as Record<string, unknown>;
    if (!ACCEPTED_LAYERS.has(cls)) fail(`${what}: layer ${i + 1} is a ${cls.slice(0, 40)} layer; a LeNet uses Conv2D, BatchNormalization, ReLU/Activation, MaxPooling2D, Flatten, Dense (and Dropout)`);
    if (c.dataFormat !== undefined && c.dataFormat !== 'channels_last')
      fail(`${what}: layer ${i + 1} is ${String(c.dataFormat).slice(0, 40)}; the grader feeds NHWC images [N, 32, 32, 3] (channels_last)`);
    // the input shape before tfjs builds the model: its weights' sizes follow from it
    const input = c.batchInputShape != null ? (Array.isArray(c.batchInputShape) ? c.batchInputShape.slice(1) : c.batchInputShape) : (c.inputShape ?? undefined);
    if (input !== undefined && JSON.stringify(input) !== INPUT)
      fail(`${what}: layer ${i + 1} takes inputs of shape ${String(JSON.stringify(input)).slice(0, 60)}; the grader feeds CIFAR-10 images as [N, 32, 32, 3] (NHWC)`);
    // a softmax on the last layer (the tutorials' habit) does not change which class is predicted
    const lastLayer = layers.slice(i + 1).every((x) => ['Dropout', 'InputLayer'].includes(String(x?.className)));
    const act =
      c.activation === undefined || c.activation === 'linear' || (c.activation === 'softmax' && lastLayer)
        ? []
        : c.activation === 'relu'
          ? [{ op: 'relu' } as Op]
          : fail(`${what}: layer ${i + 1} uses the activation ${String(c.activation).slice(0, 40)}; the homework's LeNet uses ReLU (and a softmax, if any, only on its last layer)`);
    switch (cls) {
      case 'InputLayer':
      case 'Dropout':
        break;
      case 'Conv2D':
        ops.push({ op: 'conv', kernel: pair(c.kernelSize, 1), filters: Number(c.filters), stride: pair(c.strides, 1)[0], padding: String(c.padding ?? 'valid').slice(0, 40) }, ...act);
        break;
      case 'BatchNormalization':
        ops.push({ op: 'bn' });
        break;
      case 'Activation':
        ops.push(...act);
        break;
      case 'ReLU':
        ops.push({ op: 'relu' });
        break;
      case 'MaxPooling2D':
      case 'MaxPool2D': {
        const size = pair(c.poolSize, 2)[0];
        ops.push({ op: 'pool', size, stride: c.strides === null || c.strides === undefined ? size : pair(c.strides, size)[0] });
        break;
      }
      case 'Flatten':
        ops.push({ op: 'flatten' });
        break;
      case 'Dense':
        ops.push({ op: 'dense', units: Number(c.units) }, ...act);
        break;
    }
  }
  return ops;
}

/** A TF.js LayersModel from model.json and its weight files (all inside the submission). */
export async function loadLayersModel(files: SubmissionFiles, rel: string, what: string, bn: boolean): Promise<{ model: tf.LayersModel; ops: Op[]; params: number }> {
  const { topology, manifest } = readModelJson(files, rel, what);
  const ops = layersOfTopology(topology, what);
  // the layer list first: a wrong network is named before its weights are read or tfjs builds it
  const early = architectureDifference(ops, bn);
  if (early) fail(`${what}: ${early}`, { format: 'tfjs' });
  const { specs, data } = readWeightFiles(files, rel, manifest, what, MAX_MODEL_BYTES, "a LeNet's weights are 0.25 MB");
  const total = data.length;
  const expected = specs.reduce(
    (s, w) => s + (Array.isArray(w?.shape) ? w.shape.reduce((a, b) => a * Number(b), 1) : NaN) * (w?.dtype === 'int32' || w?.dtype === 'float32' || w?.dtype === undefined ? 4 : NaN),
    0,
  );
  if (!(expected === total))
    fail(`${what}: the weight files hold ${total} bytes, but the manifest describes ${Number.isFinite(expected) ? `${expected} bytes` : 'weights of unknown size'} (truncated or mismatched files?)`);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology as tf.io.ModelJSON['modelTopology'], weightSpecs: specs, weightData: data.buffer }));
  } catch (e) {
    fail(`${what}: TF.js could not build the model: ${(e as Error).message.slice(0, 300)}`);
  }
  const shape = model.inputs[0]?.shape;
  if (!shape || shape.length !== 4 || shape[1] !== 32 || shape[2] !== 32 || shape[3] !== 3) {
    model.dispose();
    fail(`${what}: the model's input is ${JSON.stringify(shape)}; the grader feeds CIFAR-10 images as [N, 32, 32, 3] (NHWC)`);
  }
  // the layers' channels and inputs, read off their weights: conv [kh, kw, in, out], dense [in, out], BN [c]
  const built = model.layers.filter((l) => ['Conv2D', 'Dense', 'BatchNormalization'].includes(l.getClassName()));
  let k = 0;
  for (const op of ops) {
    if (op.op !== 'conv' && op.op !== 'dense' && op.op !== 'bn') continue;
    const shape = built[k++]?.getWeights()[0]?.shape;
    if (!shape) continue;
    if (op.op === 'conv') op.inChannels = shape[2];
    if (op.op === 'dense') op.inputs = shape[0];
    if (op.op === 'bn') op.channels = shape[0];
  }
  return { model, ops, params: model.countParams() };
}

/* ---------------------------------------------------------------- a PyTorch state_dict (.npz) */

interface TorchModule {
  prefix: string;
  kind: 'conv' | 'dense' | 'bn';
  t: Record<string, Npy>;
}

/** The state_dict's modules in order: a 4-D weight is a conv, a 2-D one a linear layer, running_mean marks a batch norm. */
function torchModules(entries: [string, Npy][], what: string): TorchModule[] {
  const mods: TorchModule[] = [];
  for (const [key, a] of entries) {
    const dot = key.lastIndexOf('.');
    const prefix = dot < 0 ? '' : key.slice(0, dot),
      part = key.slice(dot + 1);
    let m = mods.find((x) => x.prefix === prefix);
    if (!m) {
      m = { prefix, kind: 'dense', t: {} };
      mods.push(m);
    }
    m.t[part] = a;
  }
  for (const m of mods) {
    if (m.t.running_mean) m.kind = 'bn';
    else if (m.t.weight?.shape.length === 4) m.kind = 'conv';
    else if (m.t.weight?.shape.length === 2) m.kind = 'dense';
    else fail(`${what}: the state_dict entry "${m.prefix}" is neither a convolution, a linear layer nor a batch norm (tensors: ${Object.keys(m.t).join(', ')})`);
  }
  return mods;
}

/** The state_dict holds no pooling, flattening or activation: the text's are assumed around its layers
 *  (conv → [BN] → ReLU → pool; flatten before the first linear layer; linear → [BN] → ReLU but the last). */
function opsOfTorch(mods: TorchModule[]): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < mods.length; i++) {
    const m = mods[i];
    if (m.kind === 'bn') {
      ops.push({ op: 'bn', channels: m.t.running_mean.shape[0] }); // not right after a layer
      continue;
    }
    const w = m.t.weight.shape;
    const last = !mods.slice(i + 1).some((x) => x.kind !== 'bn');
    if (m.kind === 'conv') ops.push({ op: 'conv', kernel: [w[2], w[3]], filters: w[0], stride: 1, padding: 'valid', inChannels: w[1] });
    else {
      if (!ops.some((o) => o.op === 'flatten')) ops.push({ op: 'flatten' });
      ops.push({ op: 'dense', units: w[0], inputs: w[1] });
    }
    if (mods[i + 1]?.kind === 'bn') ops.push({ op: 'bn', channels: mods[++i].t.running_mean.shape[0] });
    if (!last) ops.push({ op: 'relu' });
    if (m.kind === 'conv') ops.push(POOL);
  }
  return ops;
}

/** OIHW → HWIO */
function convToHwio(w: Npy): Float32Array {
  const [O, I, H, W] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) for (let h = 0; h < H; h++) for (let x = 0; x < W; x++) out[((h * W + x) * I + i) * O + o] = w.data[((o * I + i) * H + h) * W + x];
  return out;
}

/** [out, in] → [in, out]; for fc1, also PyTorch's (C,H,W) input order → the key's (H,W,C). */
function denseToKey(w: Npy, chw?: [number, number, number]): Float32Array {
  const [O, N] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let o = 0; o < O; o++) {
    for (let n = 0; n < N; n++) {
      let row = n;
      if (chw) {
        const [C, H, W] = chw;
        const c = Math.floor(n / (H * W)),
          h = Math.floor((n % (H * W)) / W),
          x = n % W;
        row = (h * W + x) * C + c;
      }
      out[row * O + o] = w.data[o * N + n];
    }
  }
  return out;
}

/** A PyTorch state_dict (.npz) as the key's LeNet parameters, after its layers are checked. */
export function loadTorchLeNet(files: SubmissionFiles, rel: string, what: string, bn: boolean): { params: ParamArrays; ops: Op[]; count: number } {
  const entries = readNpz(files, rel, what, {
    maxBytes: MAX_MODEL_BYTES,
    maxInflated: 2 * MAX_MODEL_BYTES,
    tooBig: "a LeNet's state_dict is 0.25 MB",
    saveWith: 'np.savez(path, **state_dict_as_numpy)',
  });
  if (!entries.length) fail(`${what}: "${rel}" holds no arrays`);
  const mods = torchModules(entries, what);
  const ops = opsOfTorch(mods);
  const diff = architectureDifference(ops, bn);
  if (diff) return { params: {}, ops, count: 0 };
  const convs = mods.filter((m) => m.kind === 'conv'),
    dense = mods.filter((m) => m.kind === 'dense'),
    bns = mods.filter((m) => m.kind === 'bn');
  const bias = (m: TorchModule, n: number): Float32Array => m.t.bias?.data ?? new Float32Array(n);
  const params: ParamArrays = {
    conv1W: convToHwio(convs[0].t.weight),
    conv1b: bias(convs[0], 6),
    conv2W: convToHwio(convs[1].t.weight),
    conv2b: bias(convs[1], 16),
    fc1W: denseToKey(dense[0].t.weight, [16, 5, 5]),
    fc1b: bias(dense[0], 120),
    fc2W: denseToKey(dense[1].t.weight),
    fc2b: bias(dense[1], 84),
    fc3W: denseToKey(dense[2].t.weight),
    fc3b: bias(dense[2], 10),
  };
  bns.forEach((m, i) => {
    const c = m.t.running_mean.shape[0];
    params[`bn${i + 1}Gamma`] = m.t.weight?.data ?? new Float32Array(c).fill(1);
    params[`bn${i + 1}Beta`] = m.t.bias?.data ?? new Float32Array(c);
    params[`running:bn${i + 1}Mean`] = m.t.running_mean.data;
    params[`running:bn${i + 1}Var`] = m.t.running_var?.data ?? new Float32Array(c).fill(1);
  });
  const count = entries.filter(([k]) => !/running_(mean|var)$/.test(k)).reduce((s, [, a]) => s + a.data.length, 0);
  return { params, ops, count };
}

/** The key's LeNet with these parameters, BN's running statistics (`running:` keys) included. */
export function lenetFrom(params: ParamArrays, bn: boolean): LeNet {
  const trainable = Object.fromEntries(Object.entries(params).filter(([k]) => !k.startsWith('running:')));
  const net = new LeNet(trainable, bn);
  net.setParams(Object.fromEntries(Object.entries(params).filter(([k]) => k.startsWith('running:'))));
  return net;
}

/* ---------------------------------------------------------------- evaluation */

export interface Evaluated {
  accuracy: number;
  ops: Op[];
  params: number;
  format: 'tfjs' | 'pytorch';
  /** conv1's filters [5,5,3,6] (HWIO), for the figure */
  conv1W?: Float32Array;
}

/** Test accuracy of a trained LeNet (either format) on `images` (NHWC uint8) / `labels`. */
export async function evaluateRun(files: SubmissionFiles, run: RunFiles, what: string, bn: boolean, test: { images: Uint8Array; labels: Uint8Array; n: number }): Promise<Evaluated> {
  const rel = run.model;
  if (typeof rel !== 'string') fail(`${what}: expected "model": a path to model.json (TF.js) or a .npz state_dict (PyTorch), got ${JSON.stringify(rel)}`);
  const predict = async (forward: (x: tf.Tensor4D) => tf.Tensor2D): Promise<number> => {
    let correct = 0;
    const B = 1000;
    for (let s = 0; s < test.n; s += B) {
      const n = Math.min(B, test.n - s);
      const x = new Float32Array(n * 3072);
      for (let i = 0; i < n * 3072; i++) x[i] = normalizePixel(test.images[s * 3072 + i]);
      const pred = tf.tidy(() => forward(tf.tensor4d(x, [n, 32, 32, 3])).argMax(1));
      const p = (await pred.data()) as Int32Array;
      pred.dispose();
      for (let i = 0; i < n; i++) if (p[i] === test.labels[s + i]) correct++;
    }
    return correct / test.n;
  };
  if (/\.npz$/i.test(rel)) {
    const t = loadTorchLeNet(files, rel, what, bn);
    const diff = architectureDifference(t.ops, bn);
    if (diff) fail(`${what}: ${diff}`, { format: 'pytorch' });
    const net = lenetFrom(t.params, bn);
    try {
      const accuracy = await predict((x) => net.forward(x, false));
      return { accuracy, ops: t.ops, params: t.count, format: 'pytorch', conv1W: t.params.conv1W };
    } finally {
      net.dispose();
    }
  }
  if (!/\.json$/i.test(rel)) fail(`${what}: "${rel}" is neither a TF.js model.json nor a PyTorch .npz state_dict`);
  const { model, ops, params } = await loadLayersModel(files, rel, what, bn);
  try {
    const diff = architectureDifference(ops, bn);
    if (diff) fail(`${what}: ${diff}`, { format: 'tfjs' });
    // the whole chunk as one batch: predict's default of 32 runs each layer 32 times as often (4× slower here)
    const accuracy = await predict((x) => model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor2D);
    const conv = model.layers.find((l) => l.getClassName() === 'Conv2D');
    const conv1W = conv ? ((await conv.getWeights()[0].data()) as Float32Array) : undefined;
    return { accuracy, ops, params, format: 'tfjs', conv1W };
  } finally {
    model.dispose();
  }
}

export { LENET_PARAM_COUNT };
