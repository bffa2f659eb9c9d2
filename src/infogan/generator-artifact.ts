/**
 * A student's trained InfoGAN generator, read from the file they hand in, and sampled: no training at
 * grading time.  The generator family is the paper's (and the key's CPU model's, src/infogan/model.ts):
 *   FC → BN → ReLU → FC → BN → ReLU → reshape 7×7×c₁ → 4×4 up-conv c₂ stride 2 → BN → ReLU
 *   → 4×4 up-conv 1 stride 2 → sigmoid,
 * with the widths (FC units, c₁, c₂) read from the file, so the CPU model (256, 64, 32) and the paper's
 * (1024, 128, 64) both load.  Two formats:
 * - a TensorFlow.js LayersModel (`model.json` + the weight files it names: what `model.save()` writes):
 *   its layer list is checked against the family before tfjs builds it, then tfjs runs it.  Input [N, 74],
 *   output [N, 28, 28, 1] (or [N, 784], [N, 28, 28]).
 * - a PyTorch `state_dict` saved with NumPy (`.npz`): seven modules in order — Linear 74→fc, BatchNorm1d,
 *   Linear fc→7·7·c₁, BatchNorm1d, ConvTranspose2d c₁→c₂ (k 4, stride 2, padding 1), BatchNorm2d,
 *   ConvTranspose2d c₂→1 (k 4, stride 2, padding 1) — run by the grader with tfjs ops (the second FC's
 *   output viewed as (c₁, 7, 7), PyTorch's order; BN ε 1e-5, PyTorch's default; biases optional).
 * The grader feeds latents z = [62 noise | one-hot of c₁ ∈ 0..9 | c₂, c₃ ∈ [−1, 1]] (float32, N × 74),
 * the noise N(0, 1) or U(−1, 1) as the hand-in declares, BN in evaluation mode (running statistics),
 * and expects images in [0, 1] (0 black background, 1 ink, as MNIST).
 */
import { tf } from '../backend.ts';
import { fail } from '../claims/types.ts';
import { readModelJson, readNpz, readWeightFiles, type Npy } from '../verify/model-files.ts';
import type { SubmissionFiles } from '../verify/files.ts';
import { GENERATOR_MISTAKES } from './misconceptions.ts';
import { CAT_DIM, LATENT_DIM, NOISE_DIM, PIXELS } from './model.ts';

/** The paper's generator is 26.6 MB of float32 weights; the CPU model's 3.5 MB. */
export const MAX_GENERATOR_BYTES = 40 * 2 ** 20;
/** The widest generator read: a few times the paper's. */
const MAX_WIDTH = { fc: 4096, c1: 512, c2: 512 };

export interface GeneratorFiles {
  /** a TF.js model.json, or a PyTorch state_dict as .npz */
  model: string;
  /** the noise prior the generator was trained with: 'normal' (N(0, 1), the default) or 'uniform' (U(−1, 1)) */
  noise?: 'normal' | 'uniform';
}

export interface Widths {
  fc: number;
  c1: number;
  c2: number;
}

export interface LoadedGenerator {
  format: 'tfjs' | 'pytorch';
  widths: Widths;
  params: number;
  /** n latents (n × 74) → n images (n × 784) */
  generate(z: Float32Array, n: number): Float32Array;
  dispose(): void;
}

const FAMILY = 'the InfoGAN generator: FC → BN → ReLU → FC (7·7·c₁) → BN → ReLU → reshape 7×7×c₁ → 4×4 up-conv (stride 2) → BN → ReLU → 4×4 up-conv to 1 channel (stride 2) → sigmoid';

/* ---------------------------------------------------------------- the forward pass both formats share */

interface Bn {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  eps: number;
}

/** One generator's tensors in tfjs layouts: dense [in, out], the second FC's outputs in (h, w, c) order, up-conv filters [4, 4, out, in]. */
interface GenParams {
  widths: Widths;
  W1: tf.Tensor2D;
  b1: tf.Tensor1D;
  W2: tf.Tensor2D;
  b2: tf.Tensor1D;
  K1: tf.Tensor4D;
  b3: tf.Tensor1D;
  K2: tf.Tensor4D;
  b4: tf.Tensor1D;
  bn: [Bn, Bn, Bn];
}

/**
 * A 4×4, stride-2, 'same' transposed convolution as one 3×3 convolution and a depth-to-space: tfjs's
 * conv2dTranspose runs ≈ 3× slower on wasm.  Output row 2p takes input rows p − 1, p through filter rows
 * 3, 1; row 2p + 1 takes rows p, p + 1 through filter rows 2, 0 (likewise columns).  So each of the four
 * output phases (r, c) is a 2×2 filter over the 3×3 window around p, and the phases become 4 × out
 * channels that depthToSpace interleaves.  K: [4, 4, out, in] → [3, 3, in, 4 · out].
 */
function phaseFilter(K: tf.Tensor4D): tf.Tensor4D {
  const [, , cout, cin] = K.shape;
  const k = K.dataSync();
  const taps = [
    [3, 1],
    [2, 0],
  ];
  const out = new Float32Array(9 * cin * 4 * cout);
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 2; c++)
      for (let u = 0; u < 2; u++)
        for (let v = 0; v < 2; v++)
          for (let i = 0; i < cin; i++)
            for (let o = 0; o < cout; o++) out[(((r + u) * 3 + (c + v)) * cin + i) * 4 * cout + (r * 2 + c) * cout + o] = k[((taps[r][u] * 4 + taps[c][v]) * cout + o) * cin + i];
  return tf.tensor4d(out, [3, 3, cin, 4 * cout]);
}
function upconv(x: tf.Tensor4D, K3: tf.Tensor4D): tf.Tensor4D {
  const [n, H, W] = x.shape;
  const cout = K3.shape[3] / 4;
  // depth to space as reshape + transpose (tfjs's depthToSpace: 10× slower on wasm)
  return tf.reshape(tf.transpose(tf.reshape(tf.conv2d(x, K3, 1, 'same'), [n, H, W, 2, 2, cout]), [0, 1, 3, 2, 4, 5]), [n, 2 * H, 2 * W, cout]);
}

function generatorOf(format: 'tfjs' | 'pytorch', p: GenParams, params: number): LoadedGenerator {
  const P1 = phaseFilter(p.K1),
    P2 = phaseFilter(p.K2);
  const bnOf = <T extends tf.Tensor>(x: T, b: Bn): T => tf.batchNorm(x, b.mean, b.variance, b.beta, b.gamma, b.eps) as T;
  const { c1 } = p.widths;
  return {
    format,
    widths: p.widths,
    params,
    generate(z, n) {
      const y = tf.tidy(() => {
        let h: tf.Tensor = tf.relu(bnOf(tf.add(tf.matMul(tf.tensor2d(z, [n, LATENT_DIM]), p.W1), p.b1), p.bn[0]));
        h = tf.relu(bnOf(tf.add(tf.matMul(h as tf.Tensor2D, p.W2), p.b2), p.bn[1]));
        h = tf.relu(bnOf(tf.add(upconv(tf.reshape(h, [n, 7, 7, c1]), P1), p.b3), p.bn[2]));
        return tf.reshape(tf.sigmoid(tf.add(upconv(h as tf.Tensor4D, P2), p.b4)), [n, PIXELS]);
      });
      const v = Float32Array.from(y.dataSync() as Float32Array);
      y.dispose();
      return v;
    },
    dispose: () => tf.dispose([p.W1, p.b1, p.W2, p.b2, p.K1, p.b3, p.K2, p.b4, ...p.bn.flatMap((b) => [b.gamma, b.beta, b.mean, b.variance]), P1, P2]),
  };
}

/* ---------------------------------------------------------------- a TF.js LayersModel */

type GOp =
  | { op: 'dense'; units: number }
  | { op: 'bn' }
  | { op: 'relu' }
  | { op: 'sigmoid' }
  | { op: 'reshape'; shape: number[] }
  | { op: 'deconv'; filters: number; kernel: number[]; stride: number[]; padding: string }
  | { op: 'flatten' };

const ACCEPTED = new Set(['InputLayer', 'Dense', 'BatchNormalization', 'Activation', 'ReLU', 'Reshape', 'Conv2DTranspose', 'Flatten']);
const pair = (v: unknown, d: number): number[] => (Array.isArray(v) ? v.map(Number) : typeof v === 'number' ? [v, v] : [d, d]);

function describe(o: GOp | undefined): string {
  if (!o) return 'nothing';
  switch (o.op) {
    case 'dense':
      return `a fully connected layer${Number.isFinite(o.units) ? ` of ${o.units} units` : ''}`;
    case 'bn':
      return 'batch norm';
    case 'relu':
      return 'ReLU';
    case 'sigmoid':
      return 'a sigmoid';
    case 'reshape':
      return `a reshape to [${o.shape.map((v, i) => (Number.isFinite(v) ? v : i === 2 ? 'c₁' : '?')).join(', ')}]`;
    case 'flatten':
      return 'flatten';
    case 'deconv':
      return `a ${o.kernel.join('×')} transposed convolution to ${Number.isFinite(o.filters) ? o.filters : 'c₂'} channels, stride ${o.stride.join('×')}, padding "${o.padding}"`;
  }
}

/** The layer list of a generator's model.json, as ops (activations as their own ops). */
function generatorOps(topology: unknown, what: string): GOp[] {
  const t = topology as { className?: unknown; config?: { layers?: unknown } | unknown[] };
  const layers = (Array.isArray(t?.config) ? t.config : (t?.config as { layers?: unknown })?.layers) as { className?: unknown; config?: Record<string, unknown> }[] | undefined;
  if (!Array.isArray(layers)) fail(`${what}: model.json has no layer list (expected a TF.js LayersModel, as model.save() writes it)`);
  if (t.className !== 'Sequential')
    fail(`${what}: model.json holds a ${String(t.className).slice(0, 40)} model; the grader reads a tf.sequential generator (build it with tf.sequential, save it with model.save())`);
  if (layers.length > 32) fail(`${what}: ${layers.length} layers; the InfoGAN generator has about 12`);
  const ops: GOp[] = [];
  for (const [i, l] of layers.entries()) {
    const cls = String(l?.className);
    const c = (l?.config ?? {}) as Record<string, unknown>;
    if (!ACCEPTED.has(cls)) fail(`${what}: layer ${i + 1} is a ${cls.slice(0, 40)} layer; the generator uses Dense, BatchNormalization, ReLU/Activation, Reshape and Conv2DTranspose`);
    if (c.dataFormat !== undefined && c.dataFormat !== 'channels_last') fail(`${what}: layer ${i + 1} is ${String(c.dataFormat).slice(0, 40)}; the grader reads channels_last maps (NHWC)`);
    const input = c.batchInputShape != null ? (Array.isArray(c.batchInputShape) ? c.batchInputShape.slice(1) : c.batchInputShape) : (c.inputShape ?? undefined);
    if (input !== undefined && JSON.stringify(input) !== `[${LATENT_DIM}]`)
      fail(`${what}: layer ${i + 1} takes inputs of shape ${String(JSON.stringify(input)).slice(0, 60)}; the grader feeds latents as [N, ${LATENT_DIM}] (62 noise, 10 one-hot, 2 continuous)`);
    const act = (): GOp[] => {
      const a = c.activation;
      if (a === undefined || a === null || a === 'linear') return [];
      if (a === 'relu') return [{ op: 'relu' }];
      if (a === 'sigmoid') return [{ op: 'sigmoid' }];
      if (a === 'tanh' && i === layers.length - 1) fail(`${what}: layer ${i + 1} ends in tanh: ${GENERATOR_MISTAKES['tanh-output']}`);
      fail(`${what}: layer ${i + 1} uses the activation ${String(a).slice(0, 40)}; the generator uses ReLU inside and a sigmoid at the end (images in [0, 1])`);
    };
    switch (cls) {
      case 'InputLayer':
        break;
      case 'Dense':
        ops.push({ op: 'dense', units: Number(c.units) }, ...act());
        break;
      case 'BatchNormalization':
        ops.push({ op: 'bn' });
        break;
      case 'Activation':
      case 'ReLU':
        ops.push(...(cls === 'ReLU' ? [{ op: 'relu' } as GOp] : act()));
        break;
      case 'Reshape':
        ops.push({ op: 'reshape', shape: Array.isArray(c.targetShape) ? c.targetShape.map(Number) : [] });
        break;
      case 'Flatten':
        ops.push({ op: 'flatten' });
        break;
      case 'Conv2DTranspose':
        ops.push({ op: 'deconv', filters: Number(c.filters), kernel: pair(c.kernelSize, 1), stride: pair(c.strides, 1), padding: String(c.padding ?? 'valid').slice(0, 20) }, ...act());
        break;
    }
  }
  return ops;
}

/** '' when `ops` is the family (any widths), else the first difference in words; the widths when it is. */
function familyDifference(got: GOp[]): { diff: string; widths?: Widths } {
  // BN may sit before or after its ReLU
  const g = got.slice();
  for (let i = 0; i + 1 < g.length; i++) if (g[i].op === 'relu' && g[i + 1].op === 'bn') [g[i], g[i + 1]] = [g[i + 1], g[i]];
  // a trailing reshape or flatten of the 28×28×1 output is accepted
  while (g.length && (g[g.length - 1].op === 'flatten' || g[g.length - 1].op === 'reshape') && g.length > 12) g.pop();
  const fc = g[0]?.op === 'dense' ? g[0].units : NaN;
  const c1 = g[6]?.op === 'reshape' ? g[6].shape[2] : NaN;
  const c2 = g[7]?.op === 'deconv' ? g[7].filters : NaN;
  const up = (filters: number): GOp => ({ op: 'deconv', filters, kernel: [4, 4], stride: [2, 2], padding: 'same' });
  const want: GOp[] = [
    { op: 'dense', units: fc },
    { op: 'bn' },
    { op: 'relu' },
    { op: 'dense', units: 49 * c1 },
    { op: 'bn' },
    { op: 'relu' },
    { op: 'reshape', shape: [7, 7, c1] },
    up(c2),
    { op: 'bn' },
    { op: 'relu' },
    up(1),
    { op: 'sigmoid' },
  ];
  for (let i = 0; i < Math.max(g.length, want.length); i++) {
    if (JSON.stringify(g[i]) !== JSON.stringify(want[i])) {
      return { diff: `layer ${i + 1} is ${describe(g[i])}, expected ${describe(want[i])} (${FAMILY})` };
    }
  }
  return { diff: '', widths: { fc, c1, c2 } };
}

function checkWidths(w: Widths, what: string): void {
  for (const k of ['fc', 'c1', 'c2'] as const) {
    if (!Number.isInteger(w[k]) || w[k] < 1 || w[k] > MAX_WIDTH[k])
      fail(`${what}: width ${k} = ${w[k]}; expected a whole number from 1 to ${MAX_WIDTH[k]} (the paper's generator: FC 1024, c₁ 128, c₂ 64)`);
  }
}

async function loadTfjsGenerator(files: SubmissionFiles, rel: string, what: string): Promise<LoadedGenerator> {
  const { topology, manifest } = readModelJson(files, rel, what);
  // the layer list first: a wrong network is named before its weights are read or tfjs builds it
  const { diff, widths } = familyDifference(generatorOps(topology, what));
  if (diff || !widths) fail(`${what}: ${diff}`, { format: 'tfjs' });
  checkWidths(widths, what);
  const { specs, data } = readWeightFiles(files, rel, manifest, what, MAX_GENERATOR_BYTES, "the paper's generator is 26.6 MB");
  const total = data.length;
  // float32 as model.save() writes it; 1 or 2 bytes a value where tfjs-converter quantized them (uint8, uint16, float16)
  const width = (w: tf.io.WeightsManifestEntry): number => {
    const q = w?.quantization?.dtype;
    if (q !== undefined) return ({ uint8: 1, uint16: 2, float16: 2 } as Record<string, number>)[q] ?? NaN;
    return w?.dtype === 'float32' || w?.dtype === undefined ? 4 : NaN;
  };
  const expected = specs.reduce((s, w) => s + (Array.isArray(w?.shape) ? w.shape.reduce((a, b) => a * Number(b), 1) : NaN) * width(w), 0);
  if (!(expected === total))
    fail(
      `${what}: the weight files hold ${total} bytes, but the manifest describes ${Number.isFinite(expected) ? `${expected} bytes` : 'weights of unknown size or type'} (truncated or mismatched files?)`,
    );
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology as tf.io.ModelJSON['modelTopology'], weightSpecs: specs, weightData: data.buffer }));
  } catch (e) {
    fail(`${what}: TF.js could not build the model: ${(e as Error).message.slice(0, 300)}`);
  }
  const out = model.outputs[0]?.shape.slice(1).reduce((a: number, b) => a * (b ?? NaN), 1);
  if (out !== PIXELS) {
    model.dispose();
    fail(`${what}: the model's output is ${JSON.stringify(model.outputs[0]?.shape)}; expected 28×28 images ([N, 28, 28, 1] or [N, 784])`);
  }
  const bad = nonFinite(model.getWeights().map((w) => w.dataSync() as Float32Array));
  if (bad) {
    model.dispose();
    fail(`${what}: ${bad}`);
  }
  // the layers' weights, run by the shared forward pass (the layer list is the family's, checked above)
  const { fc, c1, c2 } = widths;
  const of = (cls: string) => model.layers.filter((l) => l.getClassName() === cls);
  const [d1, d2] = of('Dense'),
    [u1, u2] = of('Conv2DTranspose');
  const weightsOf = (l: tf.layers.Layer) => l.getWeights().map((w) => tf.clone(w));
  const bias = (l: tf.layers.Layer, n: number) => (l.getWeights()[1] ? tf.clone(l.getWeights()[1]) : tf.zeros([n])) as tf.Tensor1D;
  const bns = of('BatchNormalization').map((l, i): Bn => {
    const c = l.getConfig() as { epsilon?: number; center?: boolean; scale?: boolean };
    const ws = weightsOf(l);
    const n = [fc, 49 * c1, c2][i];
    const gamma = c.scale === false ? tf.ones([n]) : ws.shift()!;
    const beta = c.center === false ? tf.zeros([n]) : ws.shift()!;
    return { gamma: gamma as tf.Tensor1D, beta: beta as tf.Tensor1D, mean: ws[0] as tf.Tensor1D, variance: ws[1] as tf.Tensor1D, eps: c.epsilon ?? 1e-3 };
  });
  const p: GenParams = {
    widths,
    W1: tf.clone(d1.getWeights()[0]) as tf.Tensor2D,
    b1: bias(d1, fc),
    W2: tf.clone(d2.getWeights()[0]) as tf.Tensor2D,
    b2: bias(d2, 49 * c1),
    K1: tf.clone(u1.getWeights()[0]) as tf.Tensor4D,
    b3: bias(u1, c2),
    K2: tf.clone(u2.getWeights()[0]) as tf.Tensor4D,
    b4: bias(u2, 1),
    bn: bns as [Bn, Bn, Bn],
  };
  const params = model.countParams();
  model.dispose();
  return generatorOf('tfjs', p, params);
}

function nonFinite(arrays: Float32Array[]): string {
  let bad = 0,
    all = 0;
  for (const a of arrays) {
    all += a.length;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) bad++;
  }
  return bad ? `${bad} of the ${all} weights are NaN or infinite: ${GENERATOR_MISTAKES['nan-weights']}; hand in the weights of a run whose losses stayed finite` : '';
}

/* ---------------------------------------------------------------- a PyTorch state_dict (.npz) */

interface TorchModule {
  prefix: string;
  kind: 'conv' | 'dense' | 'bn' | 'other';
  t: Record<string, Npy>;
}

const TORCH_FAMILY = 'Linear 74→fc, BatchNorm1d(fc), Linear fc→7·7·c₁, BatchNorm1d(7·7·c₁), ConvTranspose2d(c₁, c₂, 4, 2, 1), BatchNorm2d(c₂), ConvTranspose2d(c₂, 1, 4, 2, 1)';

function loadTorchGenerator(files: SubmissionFiles, rel: string, what: string): LoadedGenerator {
  const mods: TorchModule[] = [];
  const saveWith = 'np.savez(path, **{k: v.numpy() for k, v in G.state_dict().items()})';
  for (const [key, a] of readNpz(files, rel, what, { maxBytes: MAX_GENERATOR_BYTES, maxInflated: MAX_GENERATOR_BYTES, tooBig: "the paper's generator is 26.6 MB", saveWith })) {
    const dot = key.lastIndexOf('.');
    const prefix = dot < 0 ? '' : key.slice(0, dot);
    let m = mods.find((x) => x.prefix === prefix);
    if (!m) mods.push((m = { prefix, kind: 'other', t: {} }));
    m.t[key.slice(dot + 1)] = a;
  }
  if (!mods.length) fail(`${what}: "${rel}" holds no arrays; expected G's state_dict (${TORCH_FAMILY})`);
  for (const m of mods) m.kind = m.t.running_mean ? 'bn' : m.t.weight?.shape.length === 4 ? 'conv' : m.t.weight?.shape.length === 2 ? 'dense' : 'other';
  const kinds = ['dense', 'bn', 'dense', 'bn', 'conv', 'bn', 'conv'] as const;
  const named = (k: string) => ({ dense: 'a Linear layer', bn: 'a batch norm', conv: 'a ConvTranspose2d', other: 'neither a layer nor a batch norm' })[k];
  for (let i = 0; i < Math.max(mods.length, kinds.length); i++) {
    if (mods[i]?.kind !== kinds[i]) {
      fail(
        `${what}: state_dict module ${i + 1} (${mods[i] ? `"${mods[i].prefix}"` : 'missing'}) is ${mods[i] ? named(mods[i].kind) : 'nothing'}, expected ${kinds[i] ? named(kinds[i]) : 'nothing more'} (${TORCH_FAMILY})`,
      );
    }
  }
  const [fc1, bn1, fc2, bn2, up1, bn3, up2] = mods;
  const fc = fc1.t.weight.shape[0],
    c1 = up1.t.weight.shape[0],
    c2 = up1.t.weight.shape[1];
  const shapeProblems: string[] = [];
  const want = (m: TorchModule, name: string, shape: number[]) => {
    const got = m.t[name]?.shape;
    if (!got) {
      if (name !== 'bias') shapeProblems.push(`"${m.prefix}.${name}" is missing`);
      return;
    }
    if (got.join(',') !== shape.join(',')) shapeProblems.push(`"${m.prefix}.${name}" has shape (${got.join(', ')}), expected (${shape.join(', ')})`);
  };
  want(fc1, 'weight', [fc, LATENT_DIM]);
  want(fc1, 'bias', [fc]);
  for (const [m, c] of [
    [bn1, fc],
    [bn2, 49 * c1],
    [bn3, c2],
  ] as const)
    for (const k of ['weight', 'bias', 'running_mean', 'running_var']) want(m, k, [c]);
  want(fc2, 'weight', [49 * c1, fc]);
  want(fc2, 'bias', [49 * c1]);
  want(up1, 'weight', [c1, c2, 4, 4]);
  want(up1, 'bias', [c2]);
  want(up2, 'weight', [c2, 1, 4, 4]);
  want(up2, 'bias', [1]);
  if (shapeProblems.length)
    fail(
      `${what}: ${shapeProblems.slice(0, 3).join('; ')}${shapeProblems.length > 3 ? ` (and ${shapeProblems.length - 3} more)` : ''} — the input is the 74-value latent and the widths must chain (${TORCH_FAMILY})`,
    );
  const widths = { fc, c1, c2 };
  checkWidths(widths, what);
  const bad = nonFinite(mods.flatMap((m) => Object.values(m.t).map((a) => a.data)));
  if (bad) fail(`${what}: ${bad}`);
  // tfjs layouts: dense [in, out]; the second FC's outputs from PyTorch's (c, h, w) order to (h, w, c);
  // conv2dTranspose filters [kh, kw, out, in] from PyTorch's [in, out, kh, kw]
  const vec = (a: Npy | undefined, n: number, fill = 0) => tf.tensor1d(a?.data ?? new Float32Array(n).fill(fill));
  const hwc = (v: tf.Tensor1D) => tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(v, [c1, 49])), [49 * c1]) as tf.Tensor1D);
  const bnOf = (m: TorchModule, c: number, perm = false): Bn => {
    const t = [vec(m.t.weight, c, 1), vec(m.t.bias, c), vec(m.t.running_mean, c), vec(m.t.running_var, c, 1)];
    const [gamma, beta, mean, variance] = perm ? t.map((x) => hwc(x)) : t;
    if (perm) tf.dispose(t);
    return { gamma, beta, mean, variance, eps: 1e-5 };
  };
  const p: GenParams = {
    widths,
    W1: tf.tidy(() => tf.transpose(tf.tensor2d(fc1.t.weight.data, [fc, LATENT_DIM]))),
    b1: vec(fc1.t.bias, fc),
    W2: tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(tf.tensor2d(fc2.t.weight.data, [49 * c1, fc]), [c1, 49, fc]), [2, 1, 0]), [fc, 49 * c1])),
    b2: tf.tidy(() => hwc(vec(fc2.t.bias, 49 * c1))),
    K1: tf.tidy(() => tf.transpose(tf.tensor4d(up1.t.weight.data, [c1, c2, 4, 4]), [2, 3, 1, 0])),
    b3: vec(up1.t.bias, c2),
    K2: tf.tidy(() => tf.transpose(tf.tensor4d(up2.t.weight.data, [c2, 1, 4, 4]), [2, 3, 1, 0])),
    b4: vec(up2.t.bias, 1),
    bn: [bnOf(bn1, fc), bnOf(bn2, 49 * c1, true), bnOf(bn3, c2)],
  };
  const params = mods.reduce((s, m) => s + Object.entries(m.t).reduce((a, [k, v]) => a + (/running_/.test(k) ? 0 : v.data.length), 0), 0);
  return generatorOf('pytorch', p, params);
}

/* ---------------------------------------------------------------- either format */

/** The generator a hand-in names, loaded and checked (family, widths, finite weights). */
export async function loadGenerator(files: SubmissionFiles, g: GeneratorFiles | undefined, what: string): Promise<LoadedGenerator> {
  if (!g || typeof g !== 'object' || Array.isArray(g))
    fail(`${what}: expected { model: "<path>" } naming your trained generator inside your submission's folder (a TF.js model.json, or a PyTorch state_dict saved with np.savez as .npz)`);
  const rel = g.model;
  if (typeof rel !== 'string') fail(`${what}: expected "model": a path to model.json (TF.js) or a .npz state_dict (PyTorch), got ${JSON.stringify(rel) ?? typeof rel}`);
  if (/\.npz$/i.test(rel)) return loadTorchGenerator(files, rel, what);
  if (/\.json$/i.test(rel)) return loadTfjsGenerator(files, rel, what);
  fail(`${what}: "${rel}" is neither a TF.js model.json nor a PyTorch .npz state_dict`);
}

/** The noise prior a hand-in declares (N(0, 1) unless it says 'uniform'). */
export function noisePrior(g: GeneratorFiles | undefined, what: string): 'normal' | 'uniform' {
  const v = g?.noise;
  if (v === undefined || v === null || v === 'normal') return 'normal';
  if (v === 'uniform') return 'uniform';
  fail(`${what}: "noise" is ${JSON.stringify(v)}; expected "normal" (N(0, 1), the default) or "uniform" (U(−1, 1)), the prior the generator was trained with`);
}

/** One latent vector: the given noise, the one-hot of `cat`, the continuous codes. */
export function latentOf(noise: ArrayLike<number>, cat: number, cont: readonly number[]): Float32Array {
  const z = new Float32Array(LATENT_DIM);
  for (let j = 0; j < NOISE_DIM; j++) z[j] = noise[j];
  z[NOISE_DIM + cat] = 1;
  for (let j = 0; j < cont.length; j++) z[NOISE_DIM + CAT_DIM + j] = cont[j];
  return z;
}
