/**
 * Time limits: each item's own, and the whole submission's.
 *
 * An item's limit, in order: the grader's option (`--timeout-ms` for every item, or `timeouts` by
 * claim), the claim's own `timeoutMs` (training claims), else LIMIT_FACTOR × the time the key's own
 * submission took on it (limits.json, written by scripts/measure-limits.mts) + LIMIT_SLACK_MS, at
 * most the default.  So a submission that sleeps just under every limit costs minutes, not the
 * default limit once per item; and the submission's budget bounds the total.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LIMITS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'limits.json');

/** Room over the key's measured time: a slower grading machine, a first call that warms a backend. */
export const LIMIT_FACTOR = 10;
export const LIMIT_SLACK_MS = 3000;

/** Wall time one submission may take in all (its items past this fail, saying so), unless set. */
export const DEFAULT_BUDGET_MS = 5 * 60_000;

let measured: Record<string, number> | undefined;
/** The key's measured time per claim (ms), from limits.json; none when the file is absent. */
export function referenceMs(): Record<string, number> {
  if (measured) return measured;
  try {
    measured = (JSON.parse(readFileSync(LIMITS_FILE, 'utf8')) as { referenceMs: Record<string, number> }).referenceMs;
  } catch {
    measured = {};
  }
  return measured;
}

export interface LimitOptions {
  /** claim id → limit (ms), set by the grader's caller */
  timeouts?: Record<string, number>;
  /** the limit of an item with no other (ms) */
  defaultTimeoutMs: number;
  /** true when the caller set defaultTimeoutMs itself: it then applies to every item without its own */
  defaultIsExplicit?: boolean;
}

/** The time limit (ms) of claim `id`, whose own limit is `own`. */
export function itemLimit(id: string, own: number | undefined, o: LimitOptions): number {
  const set = o.timeouts?.[id];
  if (set !== undefined) return set;
  if (own !== undefined) return own;
  const ref = referenceMs()[id];
  if (o.defaultIsExplicit || ref === undefined) return o.defaultTimeoutMs;
  return Math.min(o.defaultTimeoutMs, Math.ceil(LIMIT_FACTOR * ref + LIMIT_SLACK_MS));
}

/** The message of an item not run because the submission's budget was spent. */
export const budgetMessage = (budgetMs: number): string =>
  `time limit: the grading budget of this submission (${budgetMs / 1000} s in all) ran out before this item; earlier items took that long (a slow or stalling function?)`;
