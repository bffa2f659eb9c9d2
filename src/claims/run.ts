/**
 * Running one claim against one implementation: export checks, guarded calls into the
 * implementation (a throw becomes a clear failure naming the function), a time limit for
 * asynchronous work, and a result object that the spec templates, the answer key and the
 * grader all read.  (A synchronous infinite loop cannot be interrupted in-process; the grader
 * runs submissions in a child process with its own limit.)
 */
import { NO_FILES, submissionFiles } from '../verify/files.ts';
import { describe as describeValue } from '../verify/tensor.ts';
import { ClaimFailure, type Claim, type CheckContext, type ContractSpec, type Evidence, type Outcome } from './types.ts';

export interface ClaimResult {
  id: string;
  passed: boolean;
  points: number;
  maxPoints: number;
  message: string;
  evidence: Evidence;
  notes: string[];
  durationMs: number;
  /** why it ended so (absent in results made before outcomes were recorded: read `passed`) */
  outcome?: Outcome;
}

export const REFERENCE_SEED = 20260611;

export function makeContext(
  opts: Partial<Pick<CheckContext, 'seed' | 'mode' | 'thorough' | 'outDir'>> & { runScale?: number; filesRoot?: string | string[] } = {},
): CheckContext & { notes: string[] } {
  const notes: string[] = [];
  const scale = opts.runScale ?? 1;
  return {
    files: opts.filesRoot ? submissionFiles(opts.filesRoot) : NO_FILES,
    outDir: opts.outDir ?? process.env.DLSPEC_OUT_DIR ?? 'out',
    seed: opts.seed ?? REFERENCE_SEED,
    mode: opts.mode ?? 'reference',
    runs: (n) => Math.max(1, Math.round(n * scale)),
    thorough: opts.thorough ?? true,
    note: (l) => notes.push(l),
    notes,
  };
}

/** The name among `others` a typo away from `name` (case and underscores ignored; at most 2 edits), if any. */
export function nearMiss(name: string, others: string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/_/g, '');
  const a = norm(name);
  const dist = (b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const cur = [i];
      for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
    return prev[b.length];
  };
  let best: string | undefined,
    bestD = 3;
  for (const o of others) {
    const d = dist(norm(o));
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best;
}

/** Is `impl` missing anything `claim` uses?  Returns a message per problem. */
export function missingExports<C>(impl: Partial<C>, contract: ContractSpec<C>, uses: (keyof C & string)[]): string[] {
  const problems: string[] = [];
  for (const name of uses) {
    const spec = contract[name];
    const v = (impl as Record<string, unknown>)[name];
    if (v === undefined) {
      const near = nearMiss(
        name,
        Object.keys(impl as object).filter((k) => !(k in contract)),
      );
      problems.push(`missing export \`${name}\`${near ? ` (did you mean \`${near}\`?)` : ''}: expected ${spec.kind === 'function' ? 'a function ' : ''}${spec.signature} — ${spec.doc}`);
    } else if (spec.kind === 'function' ? typeof v !== 'function' : spec.kind === 'object' ? typeof v !== 'object' || v === null : typeof v !== spec.kind) {
      problems.push(`export \`${name}\` should be ${spec.kind === 'object' ? 'an object' : `a ${spec.kind}`} (${spec.signature}), got ${describeValue(v)}`);
    }
  }
  return problems;
}

/** What was thrown, in words; a value that throws when it is read (a hostile Proxy) is 'an unprintable value'. */
function errText(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`;
    return describeValue(e);
  } catch {
    return 'an unprintable value';
  }
}

/** `e instanceof ClaimFailure`, false for a value whose prototype cannot be read (a hostile Proxy). */
function isFailure(e: unknown): e is ClaimFailure {
  try {
    return e instanceof ClaimFailure;
  } catch {
    return false;
  }
}

/** Wrap each function export so that a throw becomes a ClaimFailure naming the function. */
export function guard<C>(impl: C): C {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(impl as Record<string, unknown>)) {
    if (typeof v !== 'function') {
      out[k] = v;
      continue;
    }
    out[k] = (...args: unknown[]) => {
      try {
        const r = (v as (...a: unknown[]) => unknown)(...args);
        if (r instanceof Promise) {
          return r.catch((e: unknown) => {
            throw isFailure(e) ? e : new ClaimFailure(`\`${k}\` threw ${errText(e)}`);
          });
        }
        return r;
      } catch (e) {
        throw isFailure(e) ? e : new ClaimFailure(`\`${k}\` threw ${errText(e)}`);
      }
    };
  }
  return out as C;
}

export async function runClaim<C>(
  claim: Claim<C>,
  impl: Partial<C>,
  contract: ContractSpec<C>,
  ctx: CheckContext & { notes?: string[] } = makeContext(),
  opts: { timeoutMs?: number } = {},
): Promise<ClaimResult> {
  const t0 = performance.now();
  const base = { id: claim.id, maxPoints: claim.points, notes: ctx.notes ?? [] };
  const missing = missingExports(impl, contract, claim.uses);
  const alternatives = claim.alternatives ?? [];
  if (missing.length && !(alternatives.length && missingExports(impl, contract, alternatives).length === 0)) {
    const or = alternatives.map((name) => `or instead export \`${name}\`: ${contract[name].signature} — ${contract[name].doc}`);
    return { ...base, passed: false, points: 0, message: [...missing, ...or].join('\n'), evidence: {}, durationMs: performance.now() - t0, outcome: 'missing-export' };
  }
  const limit = opts.timeoutMs ?? claim.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = Promise.resolve().then(() => claim.check(guard(impl as C), ctx));
    const evidence = await (limit
      ? Promise.race([
          work,
          new Promise<never>((_, rej) => {
            timer = setTimeout(() => rej(new ClaimFailure(`time limit: the check did not finish within ${limit} ms`, {}, 'timeout')), limit);
          }),
        ])
      : work);
    return { ...base, passed: true, points: claim.points, message: 'ok', evidence, durationMs: performance.now() - t0, outcome: 'passed' };
  } catch (e) {
    const failure = isFailure(e);
    const message = failure ? e.message : `the check crashed: ${errText(e)}`;
    const evidence = failure ? e.details : {};
    // a check that crashed is 'failed' too: the grader asks the key whether the check is at fault
    const outcome = failure ? e.outcome : 'failed';
    return { ...base, passed: false, points: 0, message, evidence, durationMs: performance.now() - t0, outcome };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
