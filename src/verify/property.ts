/**
 * Property runs: a claim checked on many generated inputs (fast-check), with explicit extra
 * cases, tracking the worst value of every reported metric across all cases.  A failing case is
 * shrunk by fast-check to a small counterexample, and the failure message carries both the
 * input and the inner check's explanation.
 */
import fc from 'fast-check';
import { ClaimFailure, type Evidence } from './failure.ts';

export interface PropertyOptions<T> {
  numRuns: number;
  seed: number;
  /** cases always run first (e.g. T = 1 and T = 50) */
  examples?: T[];
  /** how to show a counterexample to a student */
  show?: (input: T) => string;
}

export interface PropertyReport {
  cases: number;
  /** worst (max) value of each metric over all cases */
  worst: Record<string, number>;
}

export async function forAll<T>(
  arb: fc.Arbitrary<T>,
  body: (input: T) => Record<string, number> | void | Promise<Record<string, number> | void>,
  opts: PropertyOptions<T>,
): Promise<PropertyReport> {
  const worst: Record<string, number> = {};
  let cases = 0;
  const record = (m: Record<string, number> | void): void => {
    cases++;
    if (!m) return;
    for (const [k, v] of Object.entries(m)) worst[k] = Math.max(worst[k] ?? -Infinity, v);
  };
  const prop = fc.asyncProperty(arb, async (input) => {
    record(await body(input));
  });
  // generated cases first (a failure there is shrunk to a small counterexample), then the fixed ones
  const details = await fc.check(prop, { numRuns: opts.numRuns, seed: opts.seed });
  if (details.failed) {
    const input = details.counterexample?.[0] as T;
    const err = details.errorInstance;
    const inner = err instanceof Error ? err.message : String(err);
    const shown = opts.show ? opts.show(input) : fc.stringify(input);
    const extra: Evidence = err instanceof ClaimFailure ? err.details : {};
    throw new ClaimFailure(`${inner}\n  on input ${shown}`, { ...extra, counterexample: shown, shrinks: details.numShrinks });
  }
  for (const input of opts.examples ?? []) {
    try {
      record(await body(input));
    } catch (err) {
      const inner = err instanceof Error ? err.message : String(err);
      const shown = opts.show ? opts.show(input) : fc.stringify(input);
      throw new ClaimFailure(`${inner}\n  on input ${shown}`, { ...(err instanceof ClaimFailure ? err.details : {}), counterexample: shown });
    }
  }
  return { cases, worst };
}

export { fc };
