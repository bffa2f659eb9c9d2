/**
 * Instrumented multiplication counting.  A counting claim hands an implementation a `mul(a, b)`
 * that multiplies and counts; every scalar multiplication the implementation performs must go
 * through it (a checker compares the numbers it returns with a float64 reference, so skipping
 * `mul` for some products shows up as a lower count, never as a wrong result).  An optional tag
 * splits the count by phase (forward, backward, weight gradients, update).
 */
export type Mul = (a: number, b: number, tag?: string) => number;

export interface MulCounter {
  /** multiply and count; `tag` (optional) names the phase */
  readonly mul: Mul;
  /** total multiplications so far */
  readonly count: number;
  /** counts per tag ('untagged' for calls without one) */
  readonly byTag: Readonly<Record<string, number>>;
  reset(): void;
}

export class MulArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MulArgumentError';
  }
}

export function makeMulCounter(opts: { limit?: number } = {}): MulCounter {
  let count = 0;
  let byTag: Record<string, number> = {};
  const limit = opts.limit ?? Infinity;
  const mul: Mul = (a, b, tag) => {
    if (typeof a !== 'number' || typeof b !== 'number') {
      throw new MulArgumentError(`mul(a, b) takes two numbers, got ${typeof a} and ${typeof b}`);
    }
    count++;
    if (count > limit) throw new MulArgumentError(`more than ${limit} multiplications: stopped counting (an infinite loop, or far more work than needed?)`);
    const k = tag ?? 'untagged';
    byTag[k] = (byTag[k] ?? 0) + 1;
    return a * b;
  };
  return {
    mul,
    get count() {
      return count;
    },
    get byTag() {
      return { ...byTag };
    },
    reset() {
      count = 0;
      byTag = {};
    },
  };
}

/** Run `work` with a fresh counter; its result and the counts. */
export function countMultiplications<T>(work: (mul: Mul) => T, opts: { limit?: number } = {}): { result: T; count: number; byTag: Record<string, number> } {
  const c = makeMulCounter(opts);
  const result = work(c.mul);
  return { result, count: c.count, byTag: { ...c.byTag } };
}
