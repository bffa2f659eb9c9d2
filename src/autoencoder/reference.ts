/**
 * Reference linear autoencoder: the loss and the closed-form optimum in float64 (ml-matrix), and
 * training with tfjs (float32, full-batch Adam) for the trained claims.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { initBackend, tf } from '../backend.ts';
import { makeRng, randnMatrix } from '../verify/rng.ts';
import { firstColumns, symmetricEigen } from './subspaces.ts';
import type { AeParams, AutoencoderContract } from './contract.ts';

/** (1/N) Σ ‖x − (D(Ex + b_e) + b_d)‖², float64. */
export function aeLoss(X: number[][], p: AeParams): number {
  const k = p.encoder.length,
    d = X[0].length;
  let s = 0;
  const h = new Float64Array(k);
  for (const x of X) {
    for (let j = 0; j < k; j++) {
      let a = p.encoderBias[j];
      for (let i = 0; i < d; i++) a += p.encoder[j][i] * x[i];
      h[j] = a;
    }
    for (let i = 0; i < d; i++) {
      let r = p.decoderBias[i];
      for (let j = 0; j < k; j++) r += p.decoder[i][j] * h[j];
      s += (x[i] - r) ** 2;
    }
  }
  return s / X.length;
}

/** Sample mean and covariance (1/N normalisation, as in the loss). */
export function meanAndCovariance(X: number[][], centre = true): { mean: number[]; cov: Matrix } {
  const N = X.length,
    d = X[0].length;
  const mean = new Array(d).fill(0);
  if (centre) for (const x of X) for (let i = 0; i < d; i++) mean[i] += x[i] / N;
  const C = new Matrix(d, d);
  for (const x of X) {
    for (let i = 0; i < d; i++) {
      const a = x[i] - mean[i];
      for (let j = 0; j <= i; j++) C.set(i, j, C.get(i, j) + (a * (x[j] - mean[j])) / N);
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) C.set(j, i, C.get(i, j));
  return { mean, cov: C };
}

/** PCA of the data: eigenvalues (largest first) and eigenvectors (columns) of the covariance; uncentred: of (1/N)XᵀX. */
export function pca(X: number[][], centre = true): { mean: number[]; values: number[]; vectors: Matrix } {
  const { mean, cov } = meanAndCovariance(X, centre);
  const e = symmetricEigen(cov);
  return { mean, values: e.values, vectors: e.vectors };
}

/**
 * The optimum from an SVD of the centred data X_c = U S Vᵀ (the right singular vectors are the covariance's
 * eigenvectors, in the same order): E = V_kᵀ, D = V_k, b_e = −V_kᵀ μ, b_d = μ  ⇒  x̂ = μ + V_k V_kᵀ (x − μ).
 * The claims check it against the symmetric eigendecomposition of the covariance — an independent float64 path.
 */
export function aeOptimum(X: number[][], k: number): AeParams {
  const { mean } = meanAndCovariance(X);
  const Xc = new Matrix(X.map((x) => x.map((v, i) => v - mean[i])));
  const svd = new SingularValueDecomposition(Xc, { computeLeftSingularVectors: false, autoTranspose: true });
  const U = firstColumns(svd.rightSingularVectors, k);
  const mu = Matrix.columnVector(mean);
  return {
    encoder: U.transpose().to2DArray(),
    decoder: U.to2DArray(),
    encoderBias: U.transpose().mmul(mu).mul(-1).getColumn(0),
    decoderBias: [...mean],
  };
}

/**
 * Training settings of the reference: full-batch gradient descent (tfjs `sgd`), step size 0.4/λ_max of
 * the uncentred second moment (1/N)Σ x̃x̃ᵀ (x̃ = [x; 1] with biases) — below the stability limit 1/λ_max of
 * the curvature ≈ 2‖D‖₂²λ_max (‖D‖₂ ≈ 1 at a balanced optimum), with E, D initialised N(0, 0.25/d) so that
 * ‖D‖₂ ≈ 0.8 < 1 from the start (with N(0, 1/d), ‖D‖₂ ≈ 1.6 and 0.4/λ_max sits at the stability edge: a
 * float64 copy of this trainer diverges for one init in 60) — for `steps` steps.  Over 60 seeds (float64
 * copy): worst largest angle 1.6e-3 rad, worst loss excess 1.5e-4 on the three trained cases.  Gradient
 * descent, not Adam: Adam's per-coordinate steps hover near the optimum (angle 1e-2 after 300 steps, GD 4e-4).
 */
export const AE_TRAIN = { steps: 400, lrScale: 0.4 };

export async function aeTrain(X: number[][], k: number, opts: { seed: number; bias: boolean }): Promise<AeParams> {
  await initBackend();
  const d = X[0].length;
  const lamMax = symmetricEigen(meanAndCovariance(opts.bias ? X.map((x) => [...x, 1]) : X, false).cov).values[0];
  const rng = makeRng(opts.seed);
  // row-vector layout: H = X E + b_e (E is d×k), X̂ = H D + b_d (D is k×d); returned transposed
  const E = tf.variable(tf.tensor2d(randnMatrix(rng, d, k, 0.5 / Math.sqrt(d))));
  const D = tf.variable(tf.tensor2d(randnMatrix(rng, k, d, 0.5 / Math.sqrt(d))));
  const be = tf.variable(tf.zeros([1, k]), opts.bias);
  const bd = tf.variable(tf.zeros([1, d]), opts.bias);
  const Xt = tf.tensor2d(X);
  const vars = opts.bias ? [E, D, be, bd] : [E, D];
  const opt = tf.train.sgd(AE_TRAIN.lrScale / lamMax);
  try {
    for (let s = 0; s < AE_TRAIN.steps; s++) {
      opt.minimize(() => tf.mean(tf.sum(tf.square(tf.sub(Xt, tf.add(tf.matMul(tf.add(tf.matMul(Xt, E), be), D), bd))), 1)) as tf.Scalar, false, vars);
    }
    const Et = (await E.array()) as number[][],
      Dt = (await D.array()) as number[][];
    return {
      encoder: Array.from({ length: k }, (_, j) => Et.map((r) => r[j])),
      decoder: Array.from({ length: d }, (_, i) => Dt.map((r) => r[i])),
      encoderBias: ((await be.array()) as number[][])[0],
      decoderBias: ((await bd.array()) as number[][])[0],
    };
  } finally {
    opt.dispose();
    for (const v of [E, D, be, bd, Xt]) v.dispose();
  }
}

export const autoencoderReference: AutoencoderContract = { aeLoss, aeOptimum, aeTrain };
