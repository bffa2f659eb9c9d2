/**
 * Comparing gradient tensors: relative error per tensor, ‖a − b‖ / max(‖a‖, ‖b‖), plus the
 * worst element (largest |a − b|) with its multi-index.  Two all-zero tensors compare equal
 * (error 0).  `atol` (default 0) lets a check accept tensors whose norms are both below a
 * documented absolute floor, where a relative error is meaningless.
 */
import { fmtShape, norm, unravel, type Tensor64 } from './tensor.ts';

export interface TensorComparison {
  name: string;
  relErr: number;
  absErr: number;
  normGot: number;
  normWant: number;
  shapeOk: boolean;
  /** when the shapes match but a tensor's data does not fill its shape: what is wrong */
  problem?: string;
  worst?: { index: number[]; got: number; want: number; absErr: number };
  pass: boolean;
  /** 'rel': within the relative tolerance; 'abs': only under the absolute floor (both ≈ 0) */
  passedBy?: 'rel' | 'abs';
  tol: number;
}

export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  const d = new Float64Array(got.length);
  for (let i = 0; i < got.length; i++) d[i] = got[i] - want[i];
  const den = Math.max(norm(got), norm(want));
  const num = norm(d);
  if (num === 0) return 0;
  return den === 0 ? Infinity : num / den;
}

export function compareTensor(name: string, got: Tensor64, want: Tensor64, tol: number, atol = 0): TensorComparison {
  const shapeOk = got.shape.length === want.shape.length && got.shape.every((d, i) => d === want.shape[i]);
  const normGot = norm(got.data);
  const normWant = norm(want.data);
  if (!shapeOk) {
    return { name, relErr: Infinity, absErr: Infinity, normGot, normWant, shapeOk, pass: false, tol };
  }
  // a tensor whose data does not fill its shape (too few values: the rest would go uncompared)
  const size = got.shape.reduce((a, b) => a * b, 1);
  if (got.data.length !== size || want.data.length !== size) {
    const which = got.data.length !== size ? `got ${got.data.length} values` : `the expected tensor has ${want.data.length} values`;
    return { name, relErr: Infinity, absErr: Infinity, normGot, normWant, shapeOk: false, problem: `${which} for shape ${fmtShape(got.shape)} (${size})`, pass: false, tol };
  }
  let worstK = -1;
  let worstAbs = -1;
  let sq = 0;
  for (let k = 0; k < got.data.length; k++) {
    const e = Math.abs(got.data[k] - want.data[k]);
    const e2 = Number.isNaN(e) ? Infinity : e;
    sq += e2 * e2;
    if (e2 > worstAbs) {
      worstAbs = e2;
      worstK = k;
    }
  }
  const absErr = Math.sqrt(sq);
  const den = Math.max(normGot, normWant);
  const rel = absErr === 0 ? 0 : den === 0 || !Number.isFinite(den) ? Infinity : absErr / den;
  const worst = worstK >= 0 ? { index: unravel(worstK, got.shape), got: got.data[worstK], want: want.data[worstK], absErr: worstAbs } : undefined;
  const passedBy = rel <= tol ? 'rel' : absErr <= atol ? 'abs' : undefined;
  return { name, relErr: rel, absErr, normGot, normWant, shapeOk, worst, pass: passedBy !== undefined, passedBy, tol };
}

export function compareSets(got: Record<string, Tensor64>, want: Record<string, Tensor64>, tol: number, atol = 0): TensorComparison[] {
  return Object.keys(want).map((k) => {
    const g = got[k];
    if (!g) {
      return { name: k, relErr: Infinity, absErr: Infinity, normGot: NaN, normWant: norm(want[k].data), shapeOk: false, pass: false, tol };
    }
    return compareTensor(k, g, want[k], tol, atol);
  });
}

export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? x.toPrecision(6).replace(/\.?0+$/, '') : x.toExponential(3);
}

export function fmtIndex(index: number[]): string {
  return index.length ? `[${index.join(',')}]` : '(scalar)';
}

/** One line per tensor, as a grader shows it. */
export function formatComparison(c: TensorComparison, label = c.name, gotShape?: readonly number[], wantShape?: readonly number[]): string {
  if (!c.shapeOk) {
    if (c.problem) return `${label}: ${c.problem}`;
    return `${label}: wrong shape${gotShape && wantShape ? `: expected ${fmtShape(wantShape)}, got ${fmtShape(gotShape)}` : ''}`;
  }
  const w = c.worst ? `; worst element ${fmtIndex(c.worst.index)}: got ${fmtNum(c.worst.got)}, expected ${fmtNum(c.worst.want)}` : '';
  // just over a float64 tolerance, at the size of float32 rounding (≈ 6e-8 a step): say so
  const f32 = c.tol <= 1e-6 && c.relErr >= 3e-8 && c.relErr <= 1e-5 ? ' — an error of the size float32 rounding makes: compute in float64 (NumPy: dtype=np.float64, not float32)' : '';
  return `${label}: relative error ${fmtNum(c.relErr)} (tolerance ${fmtNum(c.tol)})${w}${f32}`;
}
