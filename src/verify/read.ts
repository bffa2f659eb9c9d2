/**
 * Reading an implementation's output defensively: every value a check uses goes through here,
 * so that a missing field, a wrong shape or a NaN becomes a ClaimFailure that names the field
 * and says what was expected.
 */
import { fail } from './failure.ts';
import { describe, firstNonFinite, fmtShape, ShapeError, toTensor, type Tensor64 } from './tensor.ts';
import { fmtIndex } from './compare.ts';

export function field(obj: unknown, key: string, where: string): unknown {
  if (obj === null || typeof obj !== 'object') fail(`${where}: expected an object (Python: a dict) with a field \`${key}\`, got ${describe(obj)}`);
  if (Array.isArray(obj)) fail(`${where}: expected an object (Python: a dict) with a field \`${key}\`, got an array (Python: a list or tuple) of ${obj.length} values`);
  const v = (obj as Record<string, unknown>)[key];
  if (v === undefined) {
    const has = Object.keys(obj);
    fail(
      `${where}: the field \`${key}\` is missing${
        has.length
          ? ` (the fields given: ${has
              .slice(0, 12)
              .map((k) => `\`${k}\``)
              .join(', ')}${has.length > 12 ? ', …' : ''})`
          : ' (an empty object)'
      }`,
    );
  }
  return v;
}

/** A finite tensor of the expected shape. */
export function readTensor(v: unknown, where: string, shape: readonly number[]): Tensor64 {
  let t: Tensor64;
  try {
    t = toTensor(v, where, shape);
  } catch (e) {
    if (e instanceof ShapeError) fail(e.message, { expectedShape: fmtShape(shape) });
    throw e;
  }
  const bad = firstNonFinite(t);
  if (bad) fail(`${where} contains ${bad.value} at ${fmtIndex(bad.index)}: every entry must be a finite number`);
  return t;
}

export function readNumber(v: unknown, where: string): number {
  if (typeof v !== 'number') fail(`${where}: expected a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) fail(`${where} is ${v}: expected a finite number`);
  return v;
}
