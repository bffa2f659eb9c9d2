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

/** The counter's state: everything `mul` reads and writes (see `portable` below). */
interface MulState {
  count: number;
  byTag: Record<string, number>;
  limit: number;
}

/**
 * `mul` as self-contained source, `(state, a, b, tag) => a * b`, for the strict sandbox
 * (src/grading/strict.ts): it compiles this beside the student's code and runs it without a round
 * trip to the grader per multiplication, then copies the final `state` back.  It must behave as
 * `mul` below does (same counts, same messages; the error's name is MulArgumentError).
 */
const MUL_SOURCE = `(state, a, b, tag) => {
  const fail = (m) => { const e = new Error(m); e.name = 'MulArgumentError'; throw e; };
  if (typeof a !== 'number' || typeof b !== 'number') fail('mul(a, b) takes two numbers, got ' + typeof a + ' and ' + typeof b);
  state.count++;
  if (state.count > state.limit) fail('more than ' + state.limit + ' multiplications: stopped counting (an infinite loop, or far more work than needed?)');
  const k = tag ?? 'untagged';
  state.byTag[k] = (state.byTag[k] ?? 0) + 1;
  return a * b;
}`;

/** MUL_SOURCE in Python, run beside a Python submission (its sandbox's host, src/grading/python/host.py). */
const MUL_PY = `
class MulArgumentError(Exception):
    pass

def portable(state, a, b, tag=None):
    num = lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_))
    if not num(a) or not num(b):
        raise MulArgumentError(f"mul(a, b) takes two numbers, got {type(a).__name__} and {type(b).__name__}")
    state["count"] += 1
    if state["count"] > state["limit"]:
        raise MulArgumentError(f"more than {state['limit']} multiplications: stopped counting (an infinite loop, or far more work than needed?)")
    k = "untagged" if tag is None else tag
    state["byTag"][k] = state["byTag"].get(k, 0) + 1
    return float(a) * float(b)
`;

export function makeMulCounter(opts: { limit?: number } = {}): MulCounter {
  const state: MulState = { count: 0, byTag: {}, limit: opts.limit ?? Infinity };
  const mul = ((a: number, b: number, tag?: string) => {
    if (typeof a !== 'number' || typeof b !== 'number') {
      throw new MulArgumentError(`mul(a, b) takes two numbers, got ${typeof a} and ${typeof b}`);
    }
    state.count++;
    if (state.count > state.limit) throw new MulArgumentError(`more than ${state.limit} multiplications: stopped counting (an infinite loop, or far more work than needed?)`);
    const k = tag ?? 'untagged';
    state.byTag[k] = (state.byTag[k] ?? 0) + 1;
    return a * b;
  }) as Mul & { portable: { source: string; state: MulState } };
  // the strict sandbox's fast path: it runs MUL_SOURCE on a copy of `state` and assigns the result back here
  Object.defineProperty(mul, 'portable', { value: { source: MUL_SOURCE, state, py: MUL_PY }, enumerable: false });
  return {
    mul,
    get count() {
      return state.count;
    },
    get byTag() {
      return { ...state.byTag };
    },
    reset() {
      state.count = 0;
      state.byTag = {};
    },
  };
}

/** Run `work` with a fresh counter; its result and the counts. */
export function countMultiplications<T>(work: (mul: Mul) => T, opts: { limit?: number } = {}): { result: T; count: number; byTag: Record<string, number> } {
  const c = makeMulCounter(opts);
  const result = work(c.mul);
  return { result, count: c.count, byTag: { ...c.byTag } };
}
