/**
 * Data with a known spectrum: N samples in d dimensions whose sample mean is exactly μ and whose
 * sample covariance (1/N)Σ(x−μ)(x−μ)ᵀ is exactly Q diag(λ) Qᵀ (up to float64 rounding), Q a random
 * rotation.  Construction: centre the columns of an N×d Gaussian matrix, orthonormalise them (QR;
 * they stay centred), scale by √N·√λ, rotate by Qᵀ and add μ.
 */
import { Matrix, QrDecomposition } from 'ml-matrix';
import { makeRng, randnMatrix } from '../verify/rng.ts';

export interface AeData {
  X: number[][];
  mean: number[];
  /** the designed spectrum, largest first */
  spectrum: number[];
  /** the designed eigenvectors, as columns */
  Q: Matrix;
}

export function makeAeData(opts: { d: number; N: number; spectrum: number[]; mean?: number[]; seed: number }): AeData {
  const { d, N, spectrum } = opts;
  if (spectrum.length !== d) throw new Error(`makeAeData: spectrum has ${spectrum.length} values for d = ${d}`);
  if (N <= d) throw new Error(`makeAeData: need N > d samples, got N = ${N}, d = ${d}`);
  const rng = makeRng(opts.seed);
  const Z = new Matrix(randnMatrix(rng, N, d));
  const colMeans = Z.mean('column');
  for (let i = 0; i < N; i++) for (let j = 0; j < d; j++) Z.set(i, j, Z.get(i, j) - colMeans[j]);
  const Zq = new QrDecomposition(Z).orthogonalMatrix.subMatrix(0, N - 1, 0, d - 1);
  const Q = new QrDecomposition(new Matrix(randnMatrix(rng, d, d))).orthogonalMatrix;
  const S = Matrix.diag(spectrum.map((l) => Math.sqrt(N * l)));
  const Xc = Zq.mmul(S).mmul(Q.transpose());
  const mean = opts.mean ?? new Array(d).fill(0);
  const X = Xc.to2DArray().map((row) => row.map((v, j) => v + mean[j]));
  return { X, mean, spectrum: [...spectrum], Q };
}
