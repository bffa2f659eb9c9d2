/** The linear autoencoder's known mistakes, each declared once: what the student reads, and how an answer shows it. */
import { pca } from './reference.ts';
import { angleOrNull, firstColumns, principalAngles } from './subspaces.ts';

export const AE_MISTAKES = {
  'bottom-k': 'the bottom-k eigenvectors (smallest eigenvalues) — the reconstruction error is the variance left out, so keep the k largest.',
  uncentered: 'the top-k eigenvectors of the uncentered second moment (1/N)XᵀX — with a data mean, PCA diagonalises the covariance of the centred data.',
  'first-component-only': 'the basis contains only the first principal component; the other directions are not the next eigenvectors (the whole top-k span is needed).',
  'no-bias': 'the biases stayed 0 — without biases the network cannot learn the data mean, and fits the uncentered second moment instead of the covariance.',
  'loss-mean-over-dims': 'the squared error is averaged over the d coordinates as well (tfjs meanSquaredError); the loss sums over coordinates and averages over samples.',
  'loss-summed-over-samples': 'the squared error is summed over the N samples instead of averaged: the loss is (1/N) Σ_n ‖x_n − x̂_n‖², which does not grow with the data set size.',
  'loss-tied-decoder':
    'the decoder is taken as Eᵀ (tied weights): that is only true of the orthonormal optimum; aeLoss must use the given D, and (AE, DA⁻¹) is another optimum whose decoder is not (AE)ᵀ.',
} as const;

/** Name a wrong subspace: bottom-k, uncentred top-k, or only the first component right. */
export function nameSubspace(D: number[][], X: number[][], k: number, tol: number): string {
  const c = pca(X);
  const d = X[0].length;
  const bottom = c.vectors.subMatrix(0, d - 1, d - k, d - 1);
  if ((angleOrNull(D, bottom) ?? Infinity) <= tol) return AE_MISTAKES['bottom-k'];
  const hasMean = Math.hypot(...c.mean) > 1e-8;
  if (hasMean) {
    const u = pca(X, false);
    if ((angleOrNull(D, firstColumns(u.vectors, k)) ?? Infinity) <= tol) return AE_MISTAKES.uncentered;
  }
  let angles: number[] = [];
  try {
    angles = principalAngles(D, firstColumns(c.vectors, k));
  } catch {
    return '';
  }
  const u1in = (angleOrNull(D, firstColumns(c.vectors, 1)) ?? Infinity) <= tol;
  if (k > 1 && u1in && Math.max(...angles) > tol) return AE_MISTAKES['first-component-only'];
  return '';
}
