/**
 * Float64 tensors for the verification core.
 *
 * Students and reference implementations exchange plain nested arrays (`number`,
 * `number[]`, `number[][]`, ...): they are what a person writes by hand.  The verification
 * core flattens them into `Tensor64` (row-major Float64Array + shape) and back.
 * Every conversion validates: a ragged array, a non-number or a wrong shape gets an error
 * that names the value and says what was expected.
 */
export type Nested = number | Nested[];

export interface Tensor64 {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export function fmtShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'a scalar' : shape.join('×');
}

/** Shape of a nested array; throws ShapeError on ragged input or a non-number leaf. */
export function shapeOf(x: unknown, name = 'value'): number[] {
  if (typeof x === 'number') return [];
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return [(x as unknown as ArrayLike<number>).length];
  if (!Array.isArray(x)) {
    throw new ShapeError(`${name}: expected a number or an array of numbers, got ${describe(x)}`);
  }
  if (x.length === 0) return [0];
  const inner = shapeOf(x[0], `${name}[0]`);
  for (let i = 1; i < x.length; i++) {
    const s = shapeOf(x[i], `${name}[${i}]`);
    if (s.length !== inner.length || s.some((d, k) => d !== inner[k])) {
      throw new ShapeError(`${name}: ragged array: ${name}[0] has shape ${fmtShape(inner)} but ${name}[${i}] has shape ${fmtShape(s)}`);
    }
  }
  return [x.length, ...inner];
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'number') return `the number ${x}`;
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x)}`;
  if (typeof x === 'function') return 'a function';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object')
    return `an object with keys {${Object.keys(x as object)
      .slice(0, 8)
      .join(', ')}}`;
  return typeof x;
}

/** Flatten a nested array into a Tensor64, checking the shape when one is expected. */
export function toTensor(x: unknown, name = 'value', expected?: readonly number[]): Tensor64 {
  const shape = shapeOf(x, name);
  if (expected && (expected.length !== shape.length || expected.some((d, i) => d !== shape[i]))) {
    throw new ShapeError(`${name}: wrong shape: expected ${fmtShape(expected)}, got ${fmtShape(shape)}`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  let k = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'number') {
      data[k++] = v;
    } else {
      const arr = v as ArrayLike<unknown>;
      for (let i = 0; i < arr.length; i++) walk(arr[i]);
    }
  };
  walk(x);
  return { shape, data };
}

/** Inverse of toTensor. */
export function toNested(t: Tensor64): Nested {
  const build = (dim: number, offset: number): Nested => {
    if (dim === t.shape.length) return t.data[offset];
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const out: Nested[] = [];
    for (let i = 0; i < t.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}

/** Multi-index of flat position `k` in a row-major tensor of `shape`. */
export function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d];
    k = Math.floor(k / shape[d]);
  }
  return idx;
}

export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** First non-finite element, or undefined. */
export function firstNonFinite(t: Tensor64): { index: number[]; value: number } | undefined {
  for (let k = 0; k < t.data.length; k++) {
    if (!Number.isFinite(t.data[k])) return { index: unravel(k, t.shape), value: t.data[k] };
  }
  return undefined;
}

export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor64 {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  if (data) {
    if (data.length !== n) throw new ShapeError(`tensor: ${data.length} values do not fill shape ${fmtShape(shape)}`);
    d.set(data);
  }
  return { shape: [...shape], data: d };
}
