/**
 * Property runs: a claim checked on many generated inputs (fast-check), with explicit extra
 * cases, tracking the worst value of every reported metric across all cases.  A failing case is
 * shrunk by fast-check to a small counterexample, and the failure message carries both the
 * input and the inner check's explanation, plus any mistake recognised on the first failing case
 * that the shrunk one no longer shows.
 */
import fc from 'fast-check';
import { ClaimFailure, type Evidence } from './failure.ts';
import { recognised } from './failure.ts';

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

export async function forAll<T>(arb: fc.Arbitrary<T>, body: (input: T) => Record<string, number> | void | Promise<Record<string, number> | void>, opts: PropertyOptions<T>): Promise<PropertyReport> {
  const worst: Record<string, number> = {};
  let cases = 0;
  const record = (m: Record<string, number> | void): void => {
    cases++;
    if (!m) return;
    for (const [k, v] of Object.entries(m)) worst[k] = Math.max(worst[k] ?? -Infinity, v);
  };
  // the first failing case, before shrinking: a smaller case can hide a mistake (one that needs H ≥ 2 or T ≥ 3)
  let first: { input: T; err: unknown } | undefined;
  const prop = fc.asyncProperty(arb, async (input) => {
    try {
      record(await body(input));
    } catch (err) {
      first ??= { input, err };
      throw err;
    }
  });
  const showIt = (input: T): string => (opts.show ? opts.show(input) : fc.stringify(input));
  // generated cases first (a failure there is shrunk to a small counterexample), then the fixed ones
  const details = await fc.check(prop, { numRuns: opts.numRuns, seed: opts.seed });
  if (details.failed) {
    const input = details.counterexample?.[0] as T;
    const err = details.errorInstance;
    const inner = err instanceof Error ? err.message : String(err);
    const shown = showIt(input);
    const extra: Evidence = err instanceof ClaimFailure ? err.details : {};
    // every mistake recognised (a check lists them in details.mistakes) on the unshrunk case and on the fixed
    // cases is reported too, where the shrunk case no longer shows it
    const named = mistakesOf(extra);
    const also: string[] = [];
    const seen = async (where: T, unshrunk: boolean, e: unknown): Promise<void> => {
      const more = e instanceof ClaimFailure ? mistakesOf(e.details).filter((m) => !named.includes(m)) : [];
      if (!more.length) return;
      named.push(...more);
      also.push(`\n  Also recognised on ${unshrunk ? 'the first failing case, before it was shrunk' : 'a fixed case'} (${showIt(where)}):`, ...more.map((m) => `\n    ${recognised(m)}.`));
    };
    if (first) await seen(first.input, true, first.err);
    for (const ex of opts.examples ?? []) {
      try {
        await body(ex);
      } catch (e) {
        await seen(ex, false, e);
      }
    }
    throw new ClaimFailure(`${inner}\n  on input ${shown}${also.join('')}`, {
      ...extra,
      ...(named.length ? { mistakes: named } : {}),
      counterexample: shown,
      shrinks: details.numShrinks,
    });
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

/** The labels a failing check recognised, from its details' `mistakes` (a list of strings). */
function mistakesOf(details: Evidence): string[] {
  const m = details.mistakes;
  return Array.isArray(m) ? m.filter((x): x is string => typeof x === 'string') : [];
}

export { fc };
