/**
 * Running a list of claims against a student's module in a child process (child.ts), with a
 * time limit per claim and a memory limit per process.
 *
 * - A claim that runs past its limit (a synchronous infinite loop included) costs only that
 *   claim: the child is killed and a fresh one is started for the remaining claims.
 * - A child that dies (process.exit, out of memory, a native crash) costs the claim it was
 *   running; the rest are run in a fresh child.
 * - A module that cannot be loaded (throw at import, syntax error, process.exit or an endless
 *   loop at import) costs every claim, each with the same clear message, and no restart.
 * - Messages are accepted only over the IPC channel, only as strings carrying this run's nonce
 *   (see child.ts); whatever the student prints goes to a bounded buffer, never to our output.
 *
 * Isolation: by default the check runner does not import the student's module at all:
 * it runs it in a strict sandbox process (strict.ts).  `nodeArgs(opts)` builds the check
 * runner's own Node flags (limits, the TypeScript loader).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClaimResult } from '../claims/run.ts';
import type { Outcome } from '../claims/types.ts';
import { decodeRunnerMessage, type RunMessage } from './protocol.ts';
import type { TopicMeta } from './rubric.ts';
import { runnerBundle } from './runner-bundle.ts';
import { setprivPath } from './launcher.ts';
import { PERMISSION_FLAG, type Compiled } from './strict.ts';
import { itemLimit } from './limits.ts';
import { tempRoot } from './workspace.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHILD_MAIN = path.join(REPO_ROOT, 'src/grading/child.ts');
export const DEFAULT_TOPICS_MODULE = path.join(REPO_ROOT, 'src/registry.ts');

export interface SandboxOptions {
  /** module exporting `topics` (default: the registry) */
  topicsModule?: string;
  seed: number;
  runScale: number;
  /** time limit of one claim (ms) when the claim declares none */
  defaultTimeoutMs: number;
  /** claim id → its own time limit (ms) */
  timeouts?: Record<string, number>;
  /** limit for importing the grader runtime and the student's module (ms) */
  loadTimeoutMs: number;
  /** V8 old-space limit of the child (MB) */
  memoryMb: number;
  /**
   * 'strict' (default): the student's module runs in its own sandbox process under Node's
   * permission model, without network, reached through a synchronous bridge (strict.ts); the
   * checks and the reference live in the check runner, which the student cannot read.
   * 'process': the module is imported in the check runner itself (faster start; contains
   * crashes and endless loops, not a hostile student).
   */
  isolation?: 'strict' | 'process';
  /** Node's permission model on the check runner ('process' isolation only; experimental, untested:
   *  tsx's cache writes are denied there).  Strict isolation is the supported way. */
  permission?: boolean;
  /** extra folders the child may read under the permission model */
  allowRead?: string[];
  /** strict isolation: the submission compiled by the grader (`compileSubmission`), handed to the
   *  check runner so that it does not start esbuild itself */
  compiled?: Compiled;
  /** 'reference': run the claims on the key's own implementation (no student module; see child.ts) */
  subject?: 'submission' | 'reference';
  /** wall time this submission may take in all (ms; limits.ts); none when unset */
  budgetMs?: number;
  /** defaultTimeoutMs was set by the caller: it replaces the measured limits (limits.ts) */
  defaultIsExplicit?: boolean;
}

export const defaultSandboxOptions: Omit<SandboxOptions, 'seed' | 'runScale'> = {
  isolation: 'strict',
  defaultTimeoutMs: 30_000,
  loadTimeoutMs: 60_000,
  memoryMb: 2048,
};

/**
 * The child's Node flags: limits, the TypeScript loader, and (optionally) the permission model.
 * The loader (tsx) is left out when the check runner is bundled (`runner`) and the student's
 * module runs in the strict sandbox (bundled too); process isolation imports the student's
 * TypeScript in the check runner, so it keeps the loader.
 */
export function nodeArgs(opts: Pick<SandboxOptions, 'memoryMb' | 'permission' | 'allowRead' | 'isolation'>, submissionDir: string, runner?: string): string[] {
  const loader = !runner || (opts.isolation ?? 'strict') === 'process' ? ['--import', 'tsx'] : [];
  const args = [`--max-old-space-size=${opts.memoryMb}`, ...loader, '--no-warnings'];
  if (opts.permission) {
    const read = [path.resolve(submissionDir), path.join(REPO_ROOT, 'src'), path.join(REPO_ROOT, 'node_modules'), ...(runner ? [path.dirname(runner)] : []), ...(opts.allowRead ?? [])];
    args.push(PERMISSION_FLAG, ...read.map((p) => `--allow-fs-read=${p}`)); // one flag per path (Node 20.20)
  }
  return args;
}

/** Which claims to run, chosen once the child has sent the rubric's data. */
export type ClaimSelection = string[] | ((topics: TopicMeta[]) => string[]);

export interface SandboxRun {
  /** the topics as the child loaded them (claims without `check`) */
  topics?: TopicMeta[];
  /** the claims chosen to run */
  ids: string[];
  /** claim id → result, in the order run */
  results: Map<string, ClaimResult>;
  /** the module could not be loaded: why */
  loadError?: string;
  /** exports the module had (names) */
  exports?: string[];
  /** children started (1 unless a claim was stopped or crashed) */
  processes: number;
  /** the last lines the student's code printed (stdout + stderr), bounded */
  outputTail: string;
  /** messages that arrived without this run's nonce (forgery attempts) */
  rejectedMessages: number;
  /** strict isolation: sandbox processes started (1 + restarts after a time-out or crash) */
  sandboxStarts?: number;
  /** what confined the student's code, in words */
  confinement?: string;
}

const TAIL = 4000;

function failed(id: string, message: string, outcome: Outcome, durationMs = 0): ClaimResult {
  return { id, passed: false, points: 0, maxPoints: 0, message, evidence: {}, notes: [], durationMs, outcome };
}

/**
 * Run the selected claims against the module `entry` (inside `submissionDir`), in as many
 * children as needed.  `entryError`: there is no module (the child still reports the rubric).
 */
export async function runInSandbox(entry: string, submissionDir: string, select: ClaimSelection, opts: SandboxOptions, entryError?: string): Promise<SandboxRun> {
  const out: SandboxRun = { results: new Map(), processes: 0, outputTail: '', rejectedMessages: 0, ids: Array.isArray(select) ? select.slice() : [] };
  let remaining: string[] | undefined = Array.isArray(select) ? select.slice() : undefined;
  const pick = (topics: TopicMeta[]): string[] => {
    if (!out.topics) out.topics = topics;
    if (!remaining) {
      out.ids = typeof select === 'function' ? select(topics) : select;
      remaining = out.ids.slice();
    }
    return remaining;
  };
  // the check runner as one bundled file under plain Node (runner-bundle.ts); unbundled under tsx if the build fails
  let runner: string | undefined;
  try {
    if (process.env.DLSPEC_RUNNER_BUNDLE !== '0') runner = await runnerBundle(opts.topicsModule ?? DEFAULT_TOPICS_MODULE);
  } catch (e) {
    out.outputTail += `[dlspec] the check runner could not be bundled (${(e as Error).message.split('\n')[0]}); running it under tsx\n`;
  }
  // one budget for the whole submission, across restarts of the check runner
  const budgetEnd = opts.budgetMs === undefined ? undefined : Date.now() + opts.budgetMs;
  for (;;) {
    const before = out.results.size;
    const r = await runOnce(entry, submissionDir, pick, opts, out, entryError, runner, budgetEnd);
    if (!remaining) {
      // the child died before sending the rubric: nothing can be graded
      out.loadError ??= 'the grader could not start its checks';
      break;
    }
    remaining = remaining.filter((id) => !out.results.has(id));
    if (!remaining.length) break;
    if (r === 'load-failed' || (out.results.size === before && remaining.length)) {
      const why = out.loadError ?? 'the process running your code stopped between items';
      for (const id of remaining) out.results.set(id, failed(id, why, 'load-error'));
      break;
    }
  }
  return out;
}

type OnceOutcome = 'done' | 'stopped' | 'load-failed';

function runOnce(
  entry: string,
  submissionDir: string,
  pick: (topics: TopicMeta[]) => string[],
  opts: SandboxOptions,
  out: SandboxRun,
  entryError?: string,
  runner?: string,
  budgetEnd?: number,
): Promise<OnceOutcome> {
  return new Promise<OnceOutcome>((resolve) => {
    const nonce = randomBytes(16).toString('hex');
    out.processes++;
    let child: ChildProcess;
    try {
      // through `setpriv --pdeathsig KILL` where present: if the grader dies (even by SIGKILL) the
      // kernel kills the check runner, and with it the student's sandbox — no orphan keeps spinning
      const setpriv = setprivPath();
      const args = nodeArgs(opts, submissionDir, runner);
      child = fork(runner ?? CHILD_MAIN, [], {
        cwd: REPO_ROOT,
        ...(setpriv ? { execPath: setpriv, execArgv: ['--pdeathsig', 'KILL', process.execPath, ...args] } : { execArgv: args }),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
        // its own process group: a student's process.kill(0, …) must not reach the grader
        detached: true,
        // its temporary folders go under this grader's root (removed with it, even on a signal)
        env: { ...process.env, DLSPEC_SUBMISSION: '', NODE_OPTIONS: '', DLSPEC_TMP_ROOT: tempRoot() },
      });
    } catch (e) {
      out.loadError = `the grader could not start a process for your code: ${(e as Error).message}`;
      resolve('load-failed');
      return;
    }
    const keepTail = (b: Buffer): void => {
      out.outputTail = (out.outputTail + b.toString('utf8')).slice(-TAIL);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    let loaded = false;
    let ids: string[] = [];
    let current: string | undefined;
    let currentStart = 0;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (o: OnceOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve(o);
    };
    const arm = (ms: number, onTimeout: () => void): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(onTimeout, ms);
    };
    // strict isolation: the check runner stops a module that does not load and says so; this is the backstop
    arm((opts.isolation ?? 'strict') === 'strict' ? opts.loadTimeoutMs + 30_000 : opts.loadTimeoutMs, () => {
      out.loadError = `your module did not finish loading within ${opts.loadTimeoutMs / 1000} s (an endless loop at import time?)`;
      finish('load-failed');
    });
    child.on('message', (raw: unknown) => {
      const m = decodeRunnerMessage(raw, nonce);
      if (!m) {
        out.rejectedMessages++;
        return;
      }
      if (m.t === 'meta') {
        ids = pick(m.topics);
      } else if (m.t === 'ready') {
        if (!m.ok) {
          out.loadError = /^your (module|code|submission) /.test(m.error) ? m.error : `your module could not be loaded: ${m.error}`;
          finish('load-failed');
          return;
        }
        loaded = true;
        out.exports = m.exports;
        out.confinement = m.confinement;
        if (timer) clearTimeout(timer);
        try {
          child.send(JSON.stringify({ t: 'run', ids } satisfies RunMessage));
        } catch {
          /* the child is gone: its exit handler reports it */
        }
      } else if (m.t === 'start') {
        current = m.id;
        currentStart = performance.now();
        const own = out.topics?.flatMap((t) => t.claims).find((c) => c.id === current)?.timeoutMs;
        const limit = Math.max(0, Math.min(itemLimit(current, own, opts), budgetEnd === undefined ? Infinity : budgetEnd - Date.now()));
        // strict isolation stops a runaway call itself at `limit`; this is the backstop
        arm((opts.isolation ?? 'strict') === 'strict' ? limit + 15_000 : limit, () => {
          const id = current!;
          out.results.set(
            id,
            failed(
              id,
              `time limit: the check did not finish within ${limit / 1000} s (an endless loop, or far too slow); the remaining items were graded in a fresh process`,
              'timeout',
              performance.now() - currentStart,
            ),
          );
          finish('stopped');
        });
      } else if (m.t === 'result') {
        if (timer) clearTimeout(timer);
        if (m.id === current && ids.includes(m.id)) out.results.set(m.id, m.result);
        if (m.sandboxStarts !== undefined) out.sandboxStarts = Math.max(out.sandboxStarts ?? 0, m.sandboxStarts);
        current = undefined;
      } else if (m.t === 'done') {
        finish('done');
      } else if (m.t === 'fatal') {
        if (current) out.results.set(current, failed(current, `the grader's check crashed: ${m.error}`, 'failed'));
        finish('stopped');
      }
    });
    child.on('error', (e) => {
      if (!loaded) {
        out.loadError = `the grader could not run your code: ${e.message}`;
        finish('load-failed');
      }
    });
    child.on('exit', (code, signal) => {
      if (settled) return;
      const why = describeExit(code, signal, out.outputTail, opts.memoryMb);
      if (!loaded) {
        out.loadError = `your module could not be loaded: the process ${why}`;
        finish('load-failed');
      } else if (current) {
        out.results.set(
          current,
          failed(current, `the process running your code ${why} while checking this item; the remaining items were graded in a fresh process`, 'crashed', performance.now() - currentStart),
        );
        finish('stopped');
      } else {
        finish('stopped');
      }
    });
    const init = {
      t: 'init',
      nonce,
      entry,
      entryError,
      topicsModule: opts.topicsModule ?? DEFAULT_TOPICS_MODULE,
      seed: opts.seed,
      runScale: opts.runScale,
      isolation: opts.isolation ?? 'strict',
      submissionDir,
      keyFilesDir: path.join(REPO_ROOT, 'fixtures/submissions/reference'),
      memoryMb: opts.memoryMb,
      loadTimeoutMs: opts.loadTimeoutMs,
      defaultTimeoutMs: opts.defaultTimeoutMs,
      timeouts: opts.timeouts,
      compiled: opts.compiled && { file: opts.compiled.file, copy: opts.compiled.copy, error: opts.compiled.error },
      subject: opts.subject ?? 'submission',
      defaultIsExplicit: opts.defaultIsExplicit,
      budgetEnd,
      budgetMs: opts.budgetMs,
    };
    child.send(JSON.stringify(init));
  });
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null, tail: string, memoryMb: number): string {
  if (/heap out of memory|Allocation failed/i.test(tail)) return `ran out of memory (limit ${memoryMb} MB)`;
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code} (did your code call process.exit?)`;
}
