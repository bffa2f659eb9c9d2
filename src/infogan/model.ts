/**
 * InfoGAN networks (Chen et al. 2016) written with raw tfjs ops over a named parameter map, so that
 * checkpoints are one binary file and both architectures share the training loop.
 *
 * Latent layout (74 values per sample): [62 noise N(0,1) | 10-way one-hot categorical code c₁ |
 * 2 continuous codes c₂, c₃ ~ U(−1, 1)].
 *
 * Where this differs from the paper and the official code (openai/InfoGAN): the noise z is N(0, 1) here,
 * U(−1, 1) in the code (the paper does not say); the leaky-ReLU slope is 0.2 here (DCGAN's), 0.1 in the
 * paper's appendix (leaky_rectify's default in the code is 0.01).  The trained checkpoints and the
 * measurements in docs/measurements.md were made with these choices; the claims measure what the trained
 * model does (MI, digit recovery, sweeps), not the prior or the slope, and infogan.latent accepts either prior.
 *
 * - 'cpu'   (CPU, `slow` tests): the paper's
 *           architecture below with half its channels and a quarter of its FC width — G: FC 256 BN ReLU →
 *           FC 7·7·64 BN ReLU → 4×4 up-conv 32 stride 2 BN ReLU → 4×4 up-conv 1 stride 2 sigmoid; D: 4×4 conv
 *           32 stride 2 lReLU → 4×4 conv 64 stride 2 BN lReLU → FC 256 BN lReLU → FC 1 (D) / FC 128 BN lReLU
 *           → FC 10+2 (Q).  Trained with Q reading its categorical code under style warps (./train.ts,
 *           `ARCH_CODE_WARP`), 5,000 steps of batch 32: small enough for one CPU core in the slow suite
 *           (why this model: docs/topics/infogan.md; what it reaches: docs/measurements.md).
 * - 'paper' (GPU, `gpu` tests): the paper's MNIST architecture (Table 1 of the appendix):
 *           G: FC 1024 BN ReLU → FC 7·7·128 BN ReLU → 4×4 up-conv 64 stride 2 BN ReLU → 4×4 up-conv 1
 *           stride 2 sigmoid; D: 4×4 conv 64 stride 2 lReLU → 4×4 conv 128 stride 2 BN lReLU → FC 1024
 *           BN lReLU → FC 1 (D) / FC 128 BN lReLU → FC 10+2 (Q).
 * Batch norm uses the batch's statistics while training and running averages (momentum 0.9) when
 * generating or classifying for evaluation.
 */
import { tf } from '../backend.ts';
import { makeRng, type Rng } from '../verify/rng.ts';
import { batchNormKernelsAvailable, batchNormTrainFused } from '../training/kernels/batchnorm.ts';

export const NOISE_DIM = 62;
export const CAT_DIM = 10;
export const CONT_DIM = 2;
export const LATENT_DIM = NOISE_DIM + CAT_DIM + CONT_DIM; // 74
export const IMG = 28;
export const PIXELS = IMG * IMG;

export type Arch = 'cpu' | 'paper';

/**
 * Layer widths per architecture — the FC layers (G's first, D's last shared), the channels of the 7×7
 * maps (G's input to the first up-conv, D's second conv) and of the 14×14 maps.  The CPU model is the
 * paper's with half its channels and a quarter of its FC width (docs/topics/infogan.md).
 */
export const ARCH_WIDTHS: Record<Arch, { fc: number; c1: number; c2: number }> = {
  cpu: { fc: 256, c1: 64, c2: 32 },
  paper: { fc: 1024, c1: 128, c2: 64 },
};
const widths = (arch: Arch) => ARCH_WIDTHS[arch];

type Shape = number[];
interface ParamSpec {
  name: string;
  shape: Shape;
  init: 'glorot' | 'dcgan' | 'zeros' | 'ones';
  /** which optimizer updates it */
  group: 'G' | 'D';
}
interface BnSpec {
  name: string;
  size: number;
}

function dense(name: string, i: number, o: number, group: 'G' | 'D', bias = true): ParamSpec[] {
  const w: ParamSpec = { name: `${name}/w`, shape: [i, o], init: 'glorot', group };
  return bias ? [w, { name: `${name}/b`, shape: [o], init: 'zeros', group }] : [w];
}
function bn(name: string, size: number, group: 'G' | 'D'): { params: ParamSpec[]; stat: BnSpec } {
  return {
    params: [
      { name: `${name}/gamma`, shape: [size], init: 'ones', group },
      { name: `${name}/beta`, shape: [size], init: 'zeros', group },
    ],
    stat: { name, size },
  };
}
function conv(name: string, k: number, cin: number, cout: number, group: 'G' | 'D', bias = true): ParamSpec[] {
  const w: ParamSpec = { name: `${name}/w`, shape: [k, k, cin, cout], init: 'dcgan', group };
  return bias ? [w, { name: `${name}/b`, shape: [cout], init: 'zeros', group }] : [w];
}

function archSpec(arch: Arch): { params: ParamSpec[]; bns: BnSpec[] } {
  const params: ParamSpec[] = [];
  const bns: BnSpec[] = [];
  const addBn = (n: string, s: number, g: 'G' | 'D') => {
    const b = bn(n, s, g);
    params.push(...b.params);
    bns.push(b.stat);
  };
  const { fc, c1, c2 } = widths(arch);
  params.push(...dense('g1', LATENT_DIM, fc, 'G', false));
  addBn('g1bn', fc, 'G');
  params.push(...dense('g2', fc, 7 * 7 * c1, 'G', false));
  addBn('g2bn', 7 * 7 * c1, 'G');
  params.push(...conv('g3', 4, c2, c1, 'G', false)); // conv2dTranspose filter: [k, k, out, in]
  addBn('g3bn', c2, 'G');
  params.push(...conv('g4', 4, 1, c2, 'G', false), { name: 'g4/b', shape: [1], init: 'zeros', group: 'G' });
  params.push(...conv('d1', 4, 1, c2, 'D'), ...conv('d2', 4, c2, c1, 'D', false));
  addBn('d2bn', c1, 'D');
  params.push(...dense('d3', 7 * 7 * c1, fc, 'D', false));
  addBn('d3bn', fc, 'D');
  params.push(...dense('dout', fc, 1, 'D'));
  params.push(...dense('q1', fc, 128, 'D', false));
  addBn('q1bn', 128, 'D');
  params.push(...dense('qout', 128, CAT_DIM + CONT_DIM, 'D'));
  return { params, bns };
}

function initValues(p: ParamSpec, rng: Rng): Float32Array {
  const n = p.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (p.init === 'ones') out.fill(1);
  else if (p.init === 'glorot') {
    const [fi, fo] = p.shape;
    const lim = Math.sqrt(6 / (fi + fo));
    for (let i = 0; i < n; i++) out[i] = rng.uniform(-lim, lim);
  } else if (p.init === 'dcgan') for (let i = 0; i < n; i++) out[i] = 0.02 * rng.normal();
  return out;
}

/**
 * x·w whose gradients use explicit transposes and plain matMuls: tfjs's own gradient calls matMul
 * with transposeA/transposeB, which the wasm backend runs on a naive path (~10× slower here).
 */
export const matMulFast = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1]) as tf.Tensor2D), tf.matMul(tf.transpose(saved[0]) as tf.Tensor2D, dy as tf.Tensor2D)],
  };
}) as never) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

export interface QOut {
  /** n × 10 categorical logits */
  logits: tf.Tensor2D;
  /** n × 2 means of the (unit-variance Gaussian) continuous-code posterior */
  mean: tf.Tensor2D;
}

export class InfoGanNet {
  readonly arch: Arch;
  readonly specs: ParamSpec[];
  readonly bns: BnSpec[];
  readonly vars = new Map<string, tf.Variable>();
  /** running mean/var of each batch-norm layer (not trained by gradients) */
  readonly stats = new Map<string, { mean: tf.Variable; variance: tf.Variable }>();
  /** batch statistics captured by the last training-mode forward pass, to update the running averages */
  private captured: { name: string; mean: tf.Tensor; variance: tf.Tensor }[] = [];
  private capture = false;

  constructor(arch: Arch, seed: number) {
    this.arch = arch;
    const { params, bns } = archSpec(arch);
    this.specs = params;
    this.bns = bns;
    const rng = makeRng(seed);
    for (const p of params) this.vars.set(p.name, tf.variable(tf.tensor(initValues(p, rng), p.shape), true, `${arch}/${p.name}/${seed}/${Math.random()}`));
    for (const b of bns) {
      this.stats.set(b.name, { mean: tf.variable(tf.zeros([b.size]), false), variance: tf.variable(tf.ones([b.size]), false) });
    }
  }

  group(g: 'G' | 'D'): tf.Variable[] {
    return this.specs.filter((p) => p.group === g).map((p) => this.vars.get(p.name)!);
  }

  paramCount(g?: 'G' | 'D'): number {
    return this.specs.filter((p) => !g || p.group === g).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
  }

  private v(n: string): tf.Variable {
    const x = this.vars.get(n);
    if (!x) throw new Error(`InfoGanNet(${this.arch}): no parameter ${n}`);
    return x;
  }

  private dense(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const y = matMulFast(x, this.v(`${name}/w`) as tf.Tensor2D);
    return this.vars.has(`${name}/b`) ? tf.add(y, this.v(`${name}/b`)) : y;
  }

  /** batch norm over all axes but the last; `train`: batch statistics (captured for the running averages). */
  private bn<T extends tf.Tensor>(x: T, name: string, train: boolean): T {
    if (train && batchNormKernelsAvailable()) {
      // one fused kernel per direction (src/training/kernels/batchnorm.ts): tfjs's batchNorm gradient
      // tiles its statistics to x's shape, ≈ 28 ms per call for a [64,14,14,32] map on wasm
      const C = x.shape[x.rank - 1]!;
      const stats: tf.Tensor[] = [];
      const y = batchNormTrainFused(tf.reshape(x, [-1, C]) as tf.Tensor2D, this.v(`${name}/gamma`) as tf.Tensor1D, this.v(`${name}/beta`) as tf.Tensor1D, 1e-5, stats);
      if (this.capture) this.captured.push({ name, mean: stats[0], variance: stats[1] });
      else tf.dispose(stats);
      return tf.reshape(y, x.shape) as T;
    }
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    let mean: tf.Tensor, variance: tf.Tensor;
    if (train) {
      ({ mean, variance } = tf.moments(x, axes));
      if (this.capture) this.captured.push({ name, mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)) });
    } else {
      const s = this.stats.get(name)!;
      mean = s.mean;
      variance = s.variance;
    }
    return tf.batchNorm(x, mean, variance, this.v(`${name}/beta`), this.v(`${name}/gamma`), 1e-5) as T;
  }

  /** G(z): n × 74 → n × 784 in (0, 1). */
  generate(z: tf.Tensor2D, train: boolean): tf.Tensor2D {
    const { c1, c2 } = widths(this.arch);
    const n = z.shape[0];
    let h: tf.Tensor = tf.relu(this.bn(this.dense(z, 'g1'), 'g1bn', train));
    h = tf.relu(this.bn(this.dense(h as tf.Tensor2D, 'g2'), 'g2bn', train));
    h = tf.reshape(h, [n, 7, 7, c1]);
    h = tf.conv2dTranspose(h as tf.Tensor4D, this.v('g3/w') as tf.Tensor4D, [n, 14, 14, c2], 2, 'same');
    h = tf.relu(this.bn(h, 'g3bn', train));
    h = tf.conv2dTranspose(h as tf.Tensor4D, this.v('g4/w') as tf.Tensor4D, [n, 28, 28, 1], 2, 'same');
    h = tf.sigmoid(tf.add(h, this.v('g4/b')));
    return tf.reshape(h, [n, PIXELS]);
  }

  /** the shared body of D and Q: n × 784 → features */
  body(x: tf.Tensor2D, train: boolean): tf.Tensor2D {
    // slope 0.2 (DCGAN's); the paper uses 0.1 — see the header for why the key keeps 0.2
    const lrelu = (t: tf.Tensor) => tf.leakyRelu(t, 0.2);
    const n = x.shape[0];
    let h: tf.Tensor = tf.reshape(x, [n, 28, 28, 1]);
    h = lrelu(tf.add(tf.conv2d(h as tf.Tensor4D, this.v('d1/w') as tf.Tensor4D, 2, 'same'), this.v('d1/b')));
    h = lrelu(this.bn(tf.conv2d(h as tf.Tensor4D, this.v('d2/w') as tf.Tensor4D, 2, 'same'), 'd2bn', train));
    h = tf.reshape(h, [n, 7 * 7 * widths(this.arch).c1]);
    return lrelu(this.bn(this.dense(h as tf.Tensor2D, 'd3'), 'd3bn', train)) as tf.Tensor2D;
  }

  /** D logit (n × 1) from the body features */
  dHead(f: tf.Tensor2D): tf.Tensor2D {
    return this.dense(f, 'dout');
  }

  qHead(f: tf.Tensor2D, train: boolean): QOut {
    let h: tf.Tensor2D = this.dense(f, 'q1');
    h = this.bn(h, 'q1bn', train);
    h = tf.leakyRelu(h, 0.2);
    const out = this.dense(h, 'qout');
    return { logits: tf.slice(out, [0, 0], [-1, CAT_DIM]), mean: tf.slice(out, [0, CAT_DIM], [-1, CONT_DIM]) };
  }

  /** Run `f` capturing batch-norm batch statistics (but inside `uncaptured`), then fold them into the running averages. */
  withStats<T>(f: () => T, momentum = 0.9): T {
    this.capture = true;
    this.captured = [];
    try {
      return f();
    } finally {
      this.capture = false;
      for (const c of this.captured) {
        const s = this.stats.get(c.name)!;
        tf.tidy(() => {
          s.mean.assign(tf.add(tf.mul(s.mean, momentum), tf.mul(c.mean, 1 - momentum)));
          s.variance.assign(tf.add(tf.mul(s.variance, momentum), tf.mul(c.variance, 1 - momentum)));
        });
        c.mean.dispose();
        c.variance.dispose();
      }
      this.captured = [];
    }
  }

  /** run `f` (inside withStats) without capturing: batch statistics that must not reach the running averages */
  uncaptured<T>(f: () => T): T {
    const was = this.capture;
    this.capture = false;
    try {
      return f();
    } finally {
      this.capture = was;
    }
  }

  /** every tensor that defines the model (parameters, then batch-norm running statistics) */
  namedTensors(): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [...this.vars.entries()];
    for (const [n, s] of this.stats) out.push([`${n}/running_mean`, s.mean], [`${n}/running_var`, s.variance]);
    return out;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    for (const s of this.stats.values()) {
      s.mean.dispose();
      s.variance.dispose();
    }
  }
}
