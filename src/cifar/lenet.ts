/**
 * The ELEG5491 HW2 P5 network (a LeNet for 32×32×3 CIFAR-10), in tfjs ops, NHWC:
 *   conv 5×5 → 6 (valid) → ReLU → maxpool 2/2 → conv 5×5 → 16 (valid) → ReLU → maxpool 2/2
 *   → flatten 400 → fc 120 → ReLU → fc 84 → ReLU → fc 10 → softmax loss.
 * Parameters: 456 + 2,416 + 48,120 + 10,164 + 850 = 62,006.
 * Variant `batchNorm`: BN (batch statistics in training, running averages at test) after every conv
 * and FC layer but the last, before the ReLU — 2·(6+16+120+84) = 452 more learnable parameters.
 * Init: 'std0.01' (Gaussian σ = 0.01, the homework's default), 'he' (σ = √(2/fan-in), eq. 6),
 * biases 0 and BN γ = 1, β = 0.
 */
import * as tf from '@tensorflow/tfjs';
import { fanIn, heStd } from '../init/he.ts';
import { batchNormKernelsAvailable, batchNormTrainFused } from '../training/kernels/batchnorm.ts';
import { makeRng } from '../verify/rng.ts';

export type InitScheme = 'std0.01' | 'he';

export const LENET_SHAPES: Record<string, number[]> = {
  conv1W: [5, 5, 3, 6],
  conv1b: [6],
  conv2W: [5, 5, 6, 16],
  conv2b: [16],
  fc1W: [400, 120],
  fc1b: [120],
  fc2W: [120, 84],
  fc2b: [84],
  fc3W: [84, 10],
  fc3b: [10],
};
/** the weight layers (name, shape) and a weight shape's fan-in, fan-out and input channels (HWIO conv or [in, out] dense) */
export const HE_LAYERS = Object.entries(LENET_SHAPES).filter(([n]) => n.endsWith('W'));
export const fans = (shape: number[]) => ({
  fin: shape.length === 4 ? shape[0] * shape[1] * shape[2] : shape[0],
  fout: shape.length === 4 ? shape[0] * shape[1] * shape[3] : shape[1],
  cin: shape.length === 4 ? shape[2] : shape[0],
});
const BN_LAYERS: Record<string, number> = { bn1: 6, bn2: 16, bn3: 120, bn4: 84 };
export const LENET_PARAM_COUNT = Object.values(LENET_SHAPES).reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0);

export interface LeNetConfig {
  init: InitScheme;
  batchNorm: boolean;
  seed: number;
  /** override the σ of a weight (e.g. a student's He init) */
  stdOf?: (shape: number[]) => number;
}

export type ParamArrays = Record<string, Float32Array>;

/** Initial parameters as plain arrays (seeded, identical on every backend and in every worker). */
export function initLeNetParams(cfg: LeNetConfig): ParamArrays {
  const rng = makeRng(cfg.seed);
  const out: ParamArrays = {};
  for (const [name, shape] of Object.entries(LENET_SHAPES)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    if (name.endsWith('W')) {
      const std = cfg.stdOf ? cfg.stdOf(shape) : cfg.init === 'he' ? heStd(fanIn(shape)) : 0.01;
      for (let i = 0; i < n; i++) a[i] = std * rng.normal();
    }
    out[name] = a;
  }
  if (cfg.batchNorm) {
    for (const [bn, c] of Object.entries(BN_LAYERS)) {
      out[`${bn}Gamma`] = new Float32Array(c).fill(1);
      out[`${bn}Beta`] = new Float32Array(c);
    }
  }
  return out;
}

export function paramShape(name: string): number[] {
  if (LENET_SHAPES[name]) return LENET_SHAPES[name];
  const bn = name.replace(/(Gamma|Beta)$/, '');
  if (BN_LAYERS[bn]) return [BN_LAYERS[bn]];
  throw new Error(`unknown LeNet parameter ${name}`);
}

export const BN_MOMENTUM = 0.1; // running = (1−m)·running + m·batch (PyTorch convention)
export const BN_EPS = 1e-5;

let nextNetId = 0;

export class LeNet {
  readonly vars: Record<string, tf.Variable> = {};
  /** BN running statistics (not trained) */
  readonly running: Record<string, tf.Variable> = {};
  readonly batchNorm: boolean;
  /** per-layer variance of the pre-activations of the last forward pass (when recorded) */
  lastVariances: number[] | undefined;

  constructor(params: ParamArrays, batchNorm: boolean) {
    this.batchNorm = batchNorm;
    const id = nextNetId++;
    for (const [name, a] of Object.entries(params)) this.vars[name] = tf.variable(tf.tensor(a, paramShape(name)), true, `lenet${id}/${name}`);
    if (batchNorm) {
      for (const [bn, c] of Object.entries(BN_LAYERS)) {
        this.running[`${bn}Mean`] = tf.variable(tf.zeros([c]), false);
        this.running[`${bn}Var`] = tf.variable(tf.ones([c]), false);
      }
    }
  }

  trainable(): tf.Variable[] {
    return Object.values(this.vars);
  }

  names(): string[] {
    return Object.keys(this.vars);
  }

  /** tf.variableGrads keys gradients by the engine's variable names: map them to ours */
  gradsByName(g: tf.NamedTensorMap): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(this.vars)) {
      const t = g[v.name];
      if (!t) throw new Error(`no gradient for ${k}`);
      out[k] = t;
    }
    return out;
  }

  private bn(z: tf.Tensor, layer: string, training: boolean, updates: (() => void)[]): tf.Tensor {
    const C = z.shape[z.rank - 1]!;
    const z2 = z.reshape([-1, C]) as tf.Tensor2D;
    if (!training) {
      return tf.batchNorm(z2, this.running[`${layer}Mean`], this.running[`${layer}Var`], this.vars[`${layer}Beta`], this.vars[`${layer}Gamma`], BN_EPS).reshape(z.shape);
    }
    const stats: tf.Tensor[] = [];
    const gamma = this.vars[`${layer}Gamma`] as tf.Tensor1D,
      beta = this.vars[`${layer}Beta`] as tf.Tensor1D;
    const y = batchNormKernelsAvailable() ? batchNormTrainFused(z2, gamma, beta, BN_EPS, stats) : batchNormTrain(z2, gamma, beta, stats);
    const M = z2.shape[0];
    const rm = this.running[`${layer}Mean`],
      rv = this.running[`${layer}Var`];
    updates.push(() => {
      const [bm, bv] = stats;
      tf.tidy(() => {
        rm.assign(rm.mul(1 - BN_MOMENTUM).add(bm.reshape([C]).mul(BN_MOMENTUM)));
        rv.assign(rv.mul(1 - BN_MOMENTUM).add(bv.reshape([C]).mul((BN_MOMENTUM * M) / Math.max(1, M - 1))));
      });
      tf.dispose(stats);
    });
    return y.reshape(z.shape);
  }

  /**
   * Logits [N,10] for x [N,32,32,3].  `updates` collects BN running-statistic updates to apply
   * after the gradient step (outside the tape).  `recordVariance` stores Var[y_l] per layer.
   */
  forward(x: tf.Tensor4D, training: boolean, updates: (() => void)[] = [], recordVariance?: tf.Scalar[]): tf.Tensor2D {
    const v = this.vars;
    const rec = (z: tf.Tensor) => {
      if (recordVariance) recordVariance.push(tf.keep(tf.moments(z).variance as tf.Scalar));
    };
    const act = (z: tf.Tensor, bn: string) => {
      rec(z);
      return tf.relu(this.batchNorm ? this.bn(z, bn, training, updates) : z);
    };
    let h: tf.Tensor = tf.conv2d(x, v.conv1W as tf.Tensor4D, 1, 'valid').add(v.conv1b);
    h = tf.maxPool(act(h, 'bn1') as tf.Tensor4D, 2, 2, 'valid');
    h = tf.conv2d(h as tf.Tensor4D, v.conv2W as tf.Tensor4D, 1, 'valid').add(v.conv2b);
    h = tf.maxPool(act(h, 'bn2') as tf.Tensor4D, 2, 2, 'valid');
    h = h.reshape([h.shape[0], 400]);
    h = act(tf.matMul(h as tf.Tensor2D, v.fc1W as tf.Tensor2D).add(v.fc1b), 'bn3');
    h = act(tf.matMul(h as tf.Tensor2D, v.fc2W as tf.Tensor2D).add(v.fc2b), 'bn4');
    const logits = tf.matMul(h as tf.Tensor2D, v.fc3W as tf.Tensor2D).add(v.fc3b) as tf.Tensor2D;
    rec(logits);
    return logits;
  }

  /** trainable parameters and running statistics (`running:…`) as plain arrays, read with `await data()` (webgpu) */
  async getParams(): Promise<ParamArrays> {
    const entries: [string, tf.Variable][] = [...Object.entries(this.vars), ...Object.entries(this.running).map(([k, t]): [string, tf.Variable] => [`running:${k}`, t])];
    const values = await Promise.all(entries.map(([, t]) => t.data()));
    return Object.fromEntries(entries.map(([k], i) => [k, values[i] as Float32Array]));
  }

  setParams(p: ParamArrays): void {
    tf.tidy(() => {
      for (const [k, a] of Object.entries(p)) {
        if (k.startsWith('running:')) this.running[k.slice(8)]?.assign(tf.tensor(a, this.running[k.slice(8)].shape));
        else this.vars[k]?.assign(tf.tensor(a, paramShape(k)));
      }
    });
  }

  dispose(): void {
    for (const t of [...Object.values(this.vars), ...Object.values(this.running)]) t.dispose();
  }
}

/** mean softmax cross-entropy of logits [N,10] against integer labels */
export function softmaxLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), logits) as tf.Scalar;
}

/**
 * Training-mode batch norm over the rows of z [M, C] with a hand-written gradient:
 *   x̂ = (z − μ)/√(σ² + ε), y = γx̂ + β;   ∂z = γ/√(σ²+ε) · (∂y − mean(∂y) − x̂ · mean(∂y ⊙ x̂)).
 * Column sums are products with a row of ones (the wasm backend's fast GEMM) instead of axis-0
 * reductions.  The batch mean and biased variance are pushed (kept) onto `stats` for the running
 * averages; the caller disposes them.  Proven against tf.batchNorm + tf.moments autodiff in the spec.
 */
export function batchNormTrain(z: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, stats?: tf.Tensor[]): tf.Tensor2D {
  const M = z.shape[0];
  // every per-channel tensor is rank 1 [C]: the wasm backend broadcasts [M,C]⊙[C] on a fast path
  // ([M,C]⊙[1,C] is ~10× slower there)
  const f = tf.customGrad((zz, g, b, save) => {
    const zt = zz as tf.Tensor2D;
    const mean = tf.mean(zt, 0);
    const xc = zt.sub(mean);
    const variance = tf.mean(xc.square(), 0);
    const rstd = variance.add(BN_EPS).rsqrt();
    const xhat = xc.mul(rstd);
    if (stats) stats.push(tf.keep(mean.clone()), tf.keep(variance.clone()));
    (save as unknown as tf.GradSaveFunc)([xhat, rstd, g as tf.Tensor]);
    return {
      value: xhat.mul(g as tf.Tensor).add(b as tf.Tensor),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = dy as tf.Tensor2D;
        const [xh, rs, gm] = saved;
        const dbeta = tf.sum(d, 0);
        const dgamma = tf.sum(d.mul(xh), 0);
        const dz = d
          .sub(dbeta.div(M))
          .sub(xh.mul(dgamma.div(M)))
          .mul(rs.mul(gm));
        return [dz, dgamma, dbeta];
      },
    };
  });
  return f(z, gamma, beta) as tf.Tensor2D;
}
