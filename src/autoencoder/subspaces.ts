/**
 * Subspaces in float64 (ml-matrix): orthonormal bases (QR with a rank check), orthogonal
 * projectors, principal angles between column spaces, and symmetric eigen-decompositions sorted
 * largest first.
 *
 * Principal angles (Björck–Golub, with the Knyazev–Argentati sine/cosine split): for orthonormal
 * bases Q_A (d×p) and Q_B (d×q), p ≥ q, the cosines are the singular values of Q_Aᵀ Q_B and the
 * sines those of (I − Q_A Q_Aᵀ) Q_B.  θ_j = atan2(sin_j, cos_j) pairs the j-th largest cosine with
 * the j-th smallest sine, so that small angles are as accurate as large ones (acos alone loses half
 * the digits near 0: acos(1 − 1e-16) is already 1.5e-8).
 */
import { EigenvalueDecomposition, Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';

export type Mat = number[][];

export class SubspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubspaceError';
  }
}

const asMatrix = (a: Mat | Matrix): Matrix => (a instanceof Matrix ? a : new Matrix(a));

/**
 * Orthonormal basis (d×k) of the column space of a d×k matrix whose columns are independent.
 * Throws SubspaceError when the columns are (numerically) dependent: |R_jj| ≤ 1e-10·max_j‖a_j‖.
 */
export function orthonormalBasis(a: Mat | Matrix, what = 'matrix'): Matrix {
  const A = asMatrix(a);
  const [d, k] = [A.rows, A.columns];
  if (k === 0 || d === 0) throw new SubspaceError(`${what}: empty (${d}×${k})`);
  if (k > d) throw new SubspaceError(`${what}: ${k} columns in ${d} dimensions cannot be independent`);
  const qr = new QrDecomposition(A);
  const R = qr.upperTriangularMatrix;
  let scale = 0;
  for (let j = 0; j < k; j++) scale = Math.max(scale, A.getColumnVector(j).norm());
  const rank = Array.from({ length: k }, (_, j) => Math.abs(R.get(j, j))).filter((v) => v > 1e-10 * scale).length;
  if (rank < k) throw new SubspaceError(`${what}: its ${k} columns are linearly dependent (rank ${rank} < ${k}), so they do not span a ${k}-dimensional subspace`);
  return qr.orthogonalMatrix.subMatrix(0, d - 1, 0, k - 1);
}

/** The orthogonal projector Q Qᵀ onto the column space of `a`. */
export function projector(a: Mat | Matrix, what = 'matrix'): Matrix {
  const Q = orthonormalBasis(a, what);
  return Q.mmul(Q.transpose());
}

/** Principal angles (radians, ascending) between the column spaces of a and b; min(p, q) of them. */
export function principalAngles(a: Mat | Matrix, b: Mat | Matrix): number[] {
  let QA = orthonormalBasis(a, 'first subspace');
  let QB = orthonormalBasis(b, 'second subspace');
  if (QA.rows !== QB.rows) throw new SubspaceError(`principal angles: the subspaces live in different dimensions (${QA.rows} and ${QB.rows})`);
  if (QA.columns < QB.columns) [QA, QB] = [QB, QA];
  const M = QA.transpose().mmul(QB);
  const cos = new SingularValueDecomposition(M, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true }).diagonal
    .map((c) => Math.min(1, Math.max(0, c)))
    .sort((x, y) => y - x);
  const resid = QB.clone().sub(QA.mmul(M));
  const sin = new SingularValueDecomposition(resid, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true }).diagonal
    .slice(0, QB.columns)
    .map((s) => Math.min(1, Math.max(0, s)))
    .sort((x, y) => x - y);
  return cos.map((c, j) => Math.atan2(sin[j] ?? 0, c));
}

export const largestPrincipalAngle = (a: Mat | Matrix, b: Mat | Matrix): number => Math.max(...principalAngles(a, b));

/** Spectral norm of a symmetric matrix difference (largest |eigenvalue|). */
export function spectralNorm(a: Mat | Matrix): number {
  const A = asMatrix(a);
  return new SingularValueDecomposition(A, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true }).diagonal[0] ?? 0;
}

export interface SymEig {
  /** eigenvalues, largest first */
  values: number[];
  /** eigenvectors as the columns of a d×d matrix, in the same order */
  vectors: Matrix;
}

/** Eigen-decomposition of a symmetric matrix, sorted by decreasing eigenvalue. */
export function symmetricEigen(a: Mat | Matrix): SymEig {
  const A = asMatrix(a);
  if (!A.isSquare()) throw new SubspaceError(`symmetricEigen: expected a square matrix, got ${A.rows}×${A.columns}`);
  const e = new EigenvalueDecomposition(A, { assumeSymmetric: true });
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const V = new Matrix(A.rows, A.rows);
  order.forEach(([, i], j) => V.setColumn(j, e.eigenvectorMatrix.getColumn(i)));
  return { values: order.map(([v]) => v), vectors: V };
}

/** The first k columns of a matrix. */
export const firstColumns = (m: Matrix, k: number): Matrix => m.subMatrix(0, m.rows - 1, 0, k - 1);

/** The largest principal angle between the column spaces, or null where one has dependent columns. */
export const angleOrNull = (a: Matrix | number[][], b: Matrix): number | null => {
  try {
    return Math.max(...principalAngles(a, b));
  } catch (e) {
    if (e instanceof SubspaceError) return null;
    throw e;
  }
};
