import { Matrix } from 'ml-matrix';
import { describe, expect, test } from 'vitest';
import { makeRng, randnMatrix } from '../src/verify/rng.ts';
import { firstColumns, largestPrincipalAngle, orthonormalBasis, principalAngles, projector, spectralNorm, SubspaceError, symmetricEigen } from '../src/autoencoder/subspaces.ts';

const maxAbs = (m: Matrix): number => Math.max(...m.to1DArray().map(Math.abs));

describe('orthonormal bases and projectors', () => {
  test('QᵀQ = I and span(Q) = span(A)', () => {
    const A = new Matrix(randnMatrix(makeRng(1), 7, 3));
    const Q = orthonormalBasis(A);
    expect(maxAbs(Q.transpose().mmul(Q).sub(Matrix.eye(3)))).toBeLessThan(1e-14);
    expect(largestPrincipalAngle(Q, A)).toBeLessThan(1e-14);
  });
  test('a projector is symmetric and idempotent, and fixes its subspace', () => {
    const A = randnMatrix(makeRng(2), 6, 2);
    const P = projector(A);
    expect(maxAbs(P.mmul(P).sub(P))).toBeLessThan(1e-14);
    expect(maxAbs(P.clone().sub(P.transpose()))).toBeLessThan(1e-15);
    expect(maxAbs(P.mmul(new Matrix(A)).sub(new Matrix(A)))).toBeLessThan(1e-13);
  });
  test('dependent, too many or no columns are errors that say why', () => {
    expect(() =>
      orthonormalBasis(
        [
          [1, 2],
          [2, 4],
          [3, 6],
        ],
        'decoder',
      ),
    ).toThrow(/decoder: its 2 columns are linearly dependent \(rank 1 < 2\)/);
    expect(() => orthonormalBasis([[1, 2, 3]])).toThrow(/3 columns in 1 dimensions/);
    expect(() => orthonormalBasis(new Matrix(0, 0))).toThrow(SubspaceError);
  });
});

describe('principal angles', () => {
  test('two lines in the plane at angle θ, for large and tiny θ (sine/cosine split)', () => {
    for (const t of [1.2, 0.3, 1e-5, 1e-9, 1e-13]) {
      const [a] = principalAngles([[1], [0]], [[Math.cos(t)], [Math.sin(t)]]);
      expect(Math.abs(a - t) / t).toBeLessThan(1e-6);
    }
  });
  test('a plane and a line inside it / orthogonal to it; the order of arguments does not matter', () => {
    const plane = [
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    expect(principalAngles(plane, [[1], [1], [0]])[0]).toBeLessThan(1e-15);
    expect(principalAngles([[0], [0], [1]], plane)[0]).toBeCloseTo(Math.PI / 2, 15);
    expect(
      principalAngles(plane, [
        [0, 1],
        [0, 0],
        [1, 0],
      ]),
    ).toEqual([0, Math.PI / 2]);
  });
  test('a rotation by known angles in two orthogonal planes', () => {
    const a = 0.2,
      b = 0.7;
    const U = [
      [1, 0],
      [0, 1],
      [0, 0],
      [0, 0],
    ];
    const V = [
      [Math.cos(a), 0],
      [0, Math.cos(b)],
      [Math.sin(a), 0],
      [0, Math.sin(b)],
    ];
    const ang = principalAngles(U, V);
    expect(ang[0]).toBeCloseTo(a, 14);
    expect(ang[1]).toBeCloseTo(b, 14);
  });
  test('different ambient dimensions are an error', () => {
    expect(() => principalAngles([[1], [0]], [[1], [0], [0]])).toThrow(/different dimensions/);
  });
});

describe('symmetric eigen-decomposition and norms', () => {
  test('sorted largest first, V Λ Vᵀ = A', () => {
    const B = new Matrix(randnMatrix(makeRng(3), 5, 5));
    const A = B.add(B.transpose());
    const e = symmetricEigen(A);
    for (let i = 1; i < 5; i++) expect(e.values[i]).toBeLessThanOrEqual(e.values[i - 1]);
    const rec = e.vectors.mmul(Matrix.diag(e.values)).mmul(e.vectors.transpose());
    expect(maxAbs(rec.sub(A))).toBeLessThan(1e-12);
    expect(firstColumns(e.vectors, 2).columns).toBe(2);
  });
  test('non-square input is an error; spectral norm of a diagonal matrix', () => {
    expect(() => symmetricEigen([[1, 2]])).toThrow(/square/);
    expect(
      spectralNorm([
        [3, 0],
        [0, -5],
      ]),
    ).toBeCloseTo(5, 14);
  });
});
