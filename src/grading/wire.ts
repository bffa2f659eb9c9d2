/**
 * Values that cross from a student's process into the checks' process arrive as bytes and leave
 * here as data: fresh arrays, fresh plain objects, copies of typed arrays, and primitives — never
 * an object whose prototype, getters or keys the student chose.  Keys that name a prototype or a
 * constructor are dropped, so nothing a student sends can reach the checks' built-ins.
 */
import v8 from 'node:v8';

/** Keys that are never copied into the checks' objects. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 64;
/** Longer arrays are refused: a sparse array of huge length would hold the checks' process in a copy loop. */
const MAX_LENGTH = 2 ** 27;
/** values read from one reply in all (typed arrays count as one) */
const MAX_VALUES = 2 ** 22;

/** Thrown when the bytes do not hold plain data; the message is for the student. */
export class WireError extends Error {}

const TYPED = [Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray] as const;

/** A copy of `v` made only of primitives, arrays, plain objects and typed arrays. */
export function plainCopy(v: unknown, depth = 0, budget = { left: MAX_VALUES }): unknown {
  // every value counts, shared ones each time they are reached: a few hundred bytes of arrays that
  // hold one array twice, 60 levels deep, would otherwise unfold into 2^60 values
  if (--budget.left < 0) throw new WireError(`more than ${MAX_VALUES.toLocaleString('en-US')} values (counting each time a shared one is reached)`);
  if (v === null || v === undefined) return v;
  const ty = typeof v;
  if (ty === 'number' || ty === 'string' || ty === 'boolean' || ty === 'bigint') return v;
  if (ty !== 'object') throw new WireError(`a ${ty} cannot be read as data`);
  if (depth > MAX_DEPTH) throw new WireError(`data nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) {
    if (v.length > MAX_LENGTH) throw new WireError(`an array of ${v.length} elements (at most ${MAX_LENGTH} are read)`);
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = plainCopy(v[i], depth + 1, budget);
    return out;
  }
  for (const T of TYPED) if (v instanceof T) return T.from(v as ArrayLike<number>);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    const name = (v as object).constructor?.name;
    throw new WireError(`a ${typeof name === 'string' && name ? name : 'non-plain object'} cannot be read as data (only numbers, strings, booleans, arrays, typed arrays and plain objects)`);
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(k)) continue;
    Object.defineProperty(out, k, { value: plainCopy((v as Record<string, unknown>)[k], depth + 1, budget), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Bytes written by v8.serialize in the student's process → plain data (see plainCopy). */
export function fromWire(bytes: Uint8Array): unknown {
  let raw: unknown;
  try {
    raw = v8.deserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new WireError(`the bytes could not be decoded (${(e as Error).message})`);
  }
  try {
    return plainCopy(raw);
  } catch (e) {
    if (e instanceof WireError) throw e;
    throw new WireError(e instanceof RangeError ? 'data nested too deeply' : (e as Error).message);
  }
}

/** Is `key` a safe own key to write into the checks' objects? */
export const safeKey = (key: unknown): key is string | number => (typeof key === 'number' && Number.isInteger(key) && key >= 0) || (typeof key === 'string' && !FORBIDDEN_KEYS.has(key));

/**
 * Put `value` at `path` inside `root` (a value fromWire built): every step must be an own key of
 * a fresh array or plain object already there, so a path can never climb into a prototype.
 * Returns the new root; throws WireError for any other path.
 */
export function setAtPath(root: unknown, p: unknown, value: unknown): unknown {
  if (!Array.isArray(p) || p.length > 8 || !p.every(safeKey)) throw new WireError('a function was placed at an invalid path');
  if (p.length === 0) return value;
  let o: unknown = root;
  for (let i = 0; i < p.length; i++) {
    const key = p[i] as string | number;
    const container = o as Record<string | number, unknown>;
    const ok = Array.isArray(container)
      ? typeof key === 'number' && key < container.length
      : container !== null && typeof container === 'object' && Object.getPrototypeOf(container) === Object.prototype && Object.prototype.hasOwnProperty.call(container, key);
    if (!ok) throw new WireError('a function was placed at an invalid path');
    if (i === p.length - 1) Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
    else o = container[key];
  }
  return root;
}
