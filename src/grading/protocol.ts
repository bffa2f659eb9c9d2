/**
 * The grader ⇄ check runner protocol (sandbox.ts ⇄ child.ts), both directions as discriminated
 * unions, with one decoder for what the grader receives.
 *
 *   grader → runner  init (once, first), run (the ids to run, after `ready`)
 *   runner → grader  meta (the rubric's data), ready (the module loaded, or why not),
 *                    start / result (one pair per id), done | fatal
 *
 * Every message is JSON text.  A runner message counts only with this run's nonce (it came over
 * the IPC channel after start-up and lives in a closure: a student's `process.send` or stdout
 * cannot produce it).  The sandbox ⇄ bridge frames (host.mjs, bridge-worker.mjs) are another
 * layer: values there are decoded by wire.ts.
 */
import type { ClaimResult } from '../claims/run.ts';
import type { Compiled } from './strict.ts';
import type { TopicMeta } from './rubric.ts';

export interface InitMessage {
  t: 'init';
  nonce: string;
  /** the student's entry module (absolute path) */
  entry: string;
  /** no module to load: why (the runner still sends the rubric's data) */
  entryError?: string;
  /** module exporting `topics` (default src/registry.ts) */
  topicsModule: string;
  seed: number;
  runScale: number;
  /** 'process': the module is imported in the runner, beside the checks; 'strict': in a sandbox process (strict.ts) */
  isolation: 'process' | 'strict';
  submissionDir: string;
  /** the key's own submission folder (its trained networks), for the claims run on the key */
  keyFilesDir?: string;
  memoryMb: number;
  loadTimeoutMs: number;
  defaultTimeoutMs: number;
  timeouts?: Record<string, number>;
  /** strict isolation: the submission as the grader compiled it (bundle file, or the compile error) */
  compiled?: Compiled;
  /** 'reference': run the claims on the key's own implementation, in this fresh process that never
   *  saw a student's data (the grader asks when a check rejected a student: is the check at fault?) */
  subject?: 'submission' | 'reference';
  /** defaultTimeoutMs was set by the grader's caller: it replaces the measured limits (limits.ts) */
  defaultIsExplicit?: boolean;
  /** the submission's budget: wall-clock end (Date.now() ms) and size (ms) */
  budgetEnd?: number;
  budgetMs?: number;
}

export interface RunMessage {
  t: 'run';
  ids: string[];
}

export type GraderMessage = InitMessage | RunMessage;

export type RunnerMessage =
  | { t: 'meta'; nonce: string; topics: TopicMeta[] }
  | { t: 'ready'; nonce: string; ok: true; exports: string[]; confinement: string }
  | { t: 'ready'; nonce: string; ok: false; error: string }
  | { t: 'start'; nonce: string; id: string }
  | { t: 'result'; nonce: string; id: string; result: ClaimResult; sandboxStarts?: number }
  | { t: 'done'; nonce: string }
  | { t: 'fatal'; nonce: string; error: string };

/** What a runner message is without its nonce (the runner adds it when sending). */
export type RunnerPayload = RunnerMessage extends infer M ? (M extends RunnerMessage ? Omit<M, 'nonce'> : never) : never;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/**
 * A message from the check runner, checked: JSON text of one of RunnerMessage's shapes carrying
 * `nonce`.  Anything else (another nonce, a malformed shape, not text) is undefined: rejected.
 */
export function decodeRunnerMessage(raw: unknown, nonce: string): RunnerMessage | undefined {
  if (!isStr(raw)) return undefined;
  let m: unknown;
  try {
    m = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObj(m) || m.nonce !== nonce) return undefined;
  switch (m.t) {
    case 'meta':
      return Array.isArray(m.topics) ? (m as RunnerMessage) : undefined;
    case 'ready':
      if (m.ok === true) return Array.isArray(m.exports) ? { t: 'ready', nonce, ok: true, exports: m.exports.filter(isStr), confinement: isStr(m.confinement) ? m.confinement : '' } : undefined;
      return { t: 'ready', nonce, ok: false, error: String(m.error) };
    case 'start':
      return isStr(m.id) ? { t: 'start', nonce, id: m.id } : undefined;
    case 'result': {
      if (!isStr(m.id) || !isObj(m.result)) return undefined;
      const r = m.result;
      if (typeof r.passed !== 'boolean' || !isStr(r.message)) return undefined;
      return { t: 'result', nonce, id: m.id, result: r as unknown as ClaimResult, ...(typeof m.sandboxStarts === 'number' ? { sandboxStarts: m.sandboxStarts } : {}) };
    }
    case 'done':
      return { t: 'done', nonce };
    case 'fatal':
      return { t: 'fatal', nonce, error: String(m.error) };
    default:
      return undefined;
  }
}

/** The ids the grader asks the runner to run (its `run` message), checked. */
export function decodeRunMessage(raw: unknown): string[] {
  const m = isStr(raw) ? (JSON.parse(raw) as unknown) : raw;
  if (!isObj(m) || m.t !== 'run' || !Array.isArray(m.ids) || !m.ids.every(isStr)) throw new Error('malformed run message');
  return m.ids;
}
