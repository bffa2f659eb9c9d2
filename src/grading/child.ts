/**
 * The grading child process: the only place where a student's module is imported.
 *
 * Started by sandbox.ts with an IPC channel, as one bundled file under plain Node (runner-bundle.ts:
 * `childMain` with the topics module built in), or as `node --import tsx src/grading/child.ts`.
 * Protocol (every message is a string built by `safeStringify`, so a student's
 * `Object.prototype.toJSON` or patched `JSON.stringify` cannot change what is sent):
 *   parent → child  {t:'init', nonce, entry, entryError?, topicsModule, seed, runScale}
 *   child  → parent {t:'meta', nonce, topics}   the rubric's data (claims without `check`)
 *                   {t:'ready', nonce, ok, error?, exports?}
 *   parent → child  {t:'run', ids}               the claims to run, in order
 *                   {t:'start', nonce, id}      before each claim (the parent starts its timer)
 *                   {t:'result', nonce, id, result}
 *                   {t:'done', nonce}
 * The nonce comes over the IPC channel after start-up (never in argv or env) and lives in a
 * closure: a student calling `process.send` or printing to stdout cannot produce a message the
 * parent accepts.  Everything the runtime needs (send, serializer) is captured before the
 * student's module is imported, and the standard globals are made non-writable.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClaimResult } from '../claims/run.ts';
import type { Topic } from '../claims/types.ts';
import { budgetMessage, itemLimit } from './limits.ts';
import { decodeRunMessage, type InitMessage, type RunnerPayload } from './protocol.ts';

// ---- captured before any student code runs -------------------------------------------------
const rawSend = process.send?.bind(process);
const JSONStringify = JSON.stringify;
const JSONParse = JSON.parse;
const isArray = Array.isArray;
const objectKeys = Object.keys;
const numberIsFinite = Number.isFinite;
const StringCtor = String;
const exit = process.exit.bind(process);

/** JSON text of a value, using only captured functions and no prototype methods. */
export function safeStringify(v: unknown, depth = 0): string {
  if (depth > 64) return 'null';
  if (v === null || v === undefined) return 'null';
  const ty = typeof v;
  if (ty === 'string') return JSONStringify(v);
  if (ty === 'number') return numberIsFinite(v as number) ? StringCtor(v) : JSONStringify(StringCtor(v));
  if (ty === 'boolean') return v ? 'true' : 'false';
  if (ty === 'bigint') return JSONStringify(StringCtor(v));
  if (ty === 'function' || ty === 'symbol') return 'null';
  if (isArray(v)) {
    let s = '[';
    for (let i = 0; i < (v as unknown[]).length; i++) s += (i ? ',' : '') + safeStringify((v as unknown[])[i], depth + 1);
    return s + ']';
  }
  const keys = objectKeys(v as object);
  let s = '{';
  for (let i = 0; i < keys.length; i++) {
    s += (i ? ',' : '') + JSONStringify(keys[i]) + ':' + safeStringify((v as Record<string, unknown>)[keys[i]], depth + 1);
  }
  return s + '}';
}

/** The standard globals a check relies on: after this, `globalThis.Math = …` throws (ESM is strict). */
const LOCKED_GLOBALS = [
  'Math',
  'JSON',
  'Object',
  'Array',
  'Number',
  'String',
  'Boolean',
  'Symbol',
  'Error',
  'TypeError',
  'RangeError',
  'Promise',
  'Reflect',
  'Proxy',
  'Map',
  'Set',
  'WeakMap',
  'Float64Array',
  'Float32Array',
  'Int32Array',
  'Uint8Array',
  'ArrayBuffer',
  'isFinite',
  'isNaN',
  'parseFloat',
  'parseInt',
  'performance',
  'setTimeout',
  'clearTimeout',
  'process',
];
function lockGlobals(): void {
  for (const name of LOCKED_GLOBALS) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    if (d && d.configurable) Object.defineProperty(globalThis, name, { value: (globalThis as Record<string, unknown>)[name], writable: false, configurable: false, enumerable: d.enumerable });
  }
}

export type { InitMessage } from './protocol.ts';

/** Bounds on what one result carries back (a check may quote a student's huge value or error). */
export const RESULT_LIMITS = { message: 8000, notes: 20, note: 1000, evidence: 32_000 };

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}… (${s.length} characters in all)` : s);

/** A result small enough to send whole: long messages clipped, oversized evidence replaced by a note. */
export function boundResult(r: ClaimResult): ClaimResult {
  const message = clip(typeof r.message === 'string' ? r.message : StringCtor(r.message), RESULT_LIMITS.message);
  const notes = (isArray(r.notes) ? r.notes : []).slice(0, RESULT_LIMITS.notes).map((n) => clip(StringCtor(n), RESULT_LIMITS.note));
  const size = safeStringify(r.evidence).length;
  const evidence = size > RESULT_LIMITS.evidence ? { omitted: `evidence of ${size} characters, over the ${RESULT_LIMITS.evidence} reported` } : r.evidence;
  return { ...r, message, notes, evidence };
}

function errText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  try {
    return StringCtor(e);
  } catch {
    return 'an unprintable value';
  }
}

function nextMessage(): Promise<unknown> {
  return new Promise((resolve) => process.once('message', resolve));
}

/**
 * The check runner's work, given an init message: report the rubric, load the module, wait for the
 * ids to run, run them.  `post` receives each message as JSON text; `next` yields the parent's next
 * message.  (Exported so that it can be tested in-process; as a process, see the bottom of the file.)
 */
export async function runChecks(init: InitMessage, post: (text: string) => void, next: () => Promise<unknown>): Promise<void> {
  const send = (m: RunnerPayload): void => {
    post(safeStringify({ ...m, nonce: init.nonce }));
  };
  // strict isolation: bundle and start the student's sandbox while this process imports the topics
  // (two processes, two cores); its errors are reported after the rubric, as before
  let loadStarted: () => void = () => {};
  const sandboxLoading = new Promise<void>((resolve) => (loadStarted = resolve));
  const onReference = init.subject === 'reference';
  const strictOpen =
    init.isolation === 'strict' && !init.entryError && !onReference
      ? import('./strict.ts').then(({ openStrict }) =>
          openStrict(init.entry, init.submissionDir, { memoryMb: init.memoryMb, loadTimeoutMs: init.loadTimeoutMs, onLoadStarted: loadStarted, compiled: init.compiled }),
        )
      : undefined;
  strictOpen?.catch(() => {}); // awaited below
  // Importing the topics blocks this thread for ≈1 s (one bundled chunk evaluates synchronously):
  // wait until the sandbox has been asked to load the module (≈0.1 s: the bundle, the bridge), so
  // that it loads on the other core meanwhile instead of after (measured: 0.5 s saved per submission)
  if (strictOpen)
    await Promise.race([
      sandboxLoading,
      strictOpen.then(
        () => {},
        () => {},
      ),
    ]);
  const [{ topics }, run, subject] = await Promise.all([
    (preloadedTopics[init.topicsModule]?.() ?? import(init.topicsModule)) as Promise<{ topics: Topic<unknown>[] }>,
    import('../claims/run.ts'),
    import('./subject.ts'),
  ]);
  const { topicMeta } = await import('./rubric.ts');
  send({ t: 'meta', topics: topics.map(topicMeta) });
  if (init.entryError) {
    send({ t: 'ready', ok: false, error: init.entryError });
    return;
  }
  // warm the tfjs backend choice before any student code (when a topic loaded tfjs): it must not be
  // charged to a claim's time limit, and the student's module must not influence it
  if ('_tfengine' in globalThis) {
    try {
      const { initBackend } = await import('../backend.ts');
      await initBackend({ quiet: true });
    } catch {
      /* a topic that needs tfjs reports it in its own check */
    }
  }
  let impl: Record<string, unknown> = {};
  let strict: import('./strict.ts').StrictModule | undefined;
  try {
    if (onReference) {
      /* each claim runs on its topic's reference below */
    } else if (init.isolation === 'strict') {
      strict = await strictOpen!;
      impl = strict.impl;
    } else {
      lockGlobals();
      impl = await subject.loadModule(init.entry);
    }
  } catch (e) {
    send({ t: 'ready', ok: false, error: init.isolation === 'strict' ? (e as Error).message : errText(e) });
    return;
  }
  const runMsg = next();
  send({ t: 'ready', ok: true, exports: objectKeys(impl), confinement: onReference ? 'the key (no student code)' : (strict?.confinement ?? 'the check runner process (process isolation)') });
  const ids = decodeRunMessage(await runMsg);
  const byId = new Map<string, { topic: Topic<unknown>; claim: Topic<unknown>['claims'][number] }>();
  // a Python student reads the contract's names as they wrote them (rnnBptt → rnn_bptt)
  const spell = !onReference && init.entry.endsWith('.py') ? await pythonSpelling(topics) : undefined;
  for (const topic of topics) for (const claim of topic.claims) byId.set(claim.id, { topic, claim });
  for (const id of ids) {
    const found = byId.get(id);
    send({ t: 'start', id });
    let result: ClaimResult;
    if (!found) {
      result = { id, passed: false, points: 0, maxPoints: 0, message: `unknown claim ${id}`, evidence: {}, notes: [], durationMs: 0, outcome: 'grader-fault' };
    } else {
      const ctx = run.makeContext({ seed: init.seed, mode: onReference ? 'reference' : 'submission', runScale: init.runScale, filesRoot: onReference ? init.keyFilesDir : init.submissionDir });
      const left = init.budgetEnd === undefined ? Infinity : init.budgetEnd - Date.now();
      const limit = Math.min(itemLimit(id, found.claim.timeoutMs, init), left);
      if (limit <= 0) {
        result = { id, passed: false, points: 0, maxPoints: found.claim.points, message: budgetMessage(init.budgetMs ?? 0), evidence: {}, notes: [], durationMs: 0, outcome: 'timeout' };
      } else {
        strict?.setDeadline(performance.now() + limit, limit);
        // the time limit is enforced by the parent (it can stop a synchronous loop); none here
        const target = onReference ? (found.topic.reference as Record<string, unknown>) : impl;
        result = boundResult(await run.runClaim(found.claim, target, found.topic.contract, ctx, { timeoutMs: 0 }));
      }
    }
    if (spell) result = { ...result, message: spell(result.message) };
    send({ t: 'result', id, result, ...(strict ? { sandboxStarts: strict.starts() } : {}) });
  }
  await strict?.close();
  send({ t: 'done' });
}

/** A function rewriting the contracts' export names in a message into their Python spelling. */
async function pythonSpelling(topics: Topic<unknown>[]): Promise<(text: string) => string> {
  const { pythonName } = await import('./python/sandbox.ts');
  const names = topics.flatMap((t) => objectKeys(t.contract as object)).filter((n) => pythonName(n) !== n);
  const re = names.length ? new RegExp(`\\b(${names.sort((a, b) => b.length - a.length).join('|')})\\b`, 'g') : undefined;
  // a missing export, in Python's words: the signature is the starter's, not TypeScript's
  const missing = /^missing export `(\w+)`( \(did you mean `(\w+)`\?\))?: expected (a function )?.*? — (.*)$/gm;
  return (text) =>
    (re ? text.replace(re, (n) => pythonName(n)) : text)
      .replace(
        missing,
        (_m, name: string, _d, near: string | undefined, fn: string | undefined, doc: string) =>
          `your module has no ${fn ? 'function' : 'value'} \`${name}\`${near ? ` (did you mean \`${pythonName(near)}\`?)` : ''}: ${doc} (its signature is in the starter, starter-py/submission.py of the student kit)`,
      )
      .replace(/^or instead export `(\w+)`: .*? — (.*)$/gm, (_m, name: string, doc: string) => `or instead define \`${name}\`: ${doc}`);
}

/** Topics modules bundled with this runner (runner-bundle.ts): path → its import. */
let preloadedTopics: Record<string, () => Promise<unknown>> = {};

/** The process's main loop: wait for the init message, run the checks, report. */
export function childMain(preloaded: Record<string, () => Promise<unknown>> = {}): void {
  if (!rawSend) return;
  preloadedTopics = preloaded;
  // the grader went away (it is not in our process group): stop
  process.once('disconnect', () => exit(0));
  process.once('message', (raw: unknown) => {
    let init: InitMessage;
    try {
      init = (typeof raw === 'string' ? JSONParse(raw) : raw) as InitMessage;
    } catch {
      exit(3);
      return;
    }
    // every message is flushed before the channel closes: a large last result must not be lost
    const sent: Promise<void>[] = [];
    const post = (text: string): void => {
      sent.push(new Promise<void>((resolve) => rawSend(text, undefined, undefined, () => resolve())));
    };
    const close = (): void => {
      Promise.all(sent).then(() => process.disconnect?.());
    };
    runChecks(init, post, nextMessage).then(close, (e: unknown) => {
      post(safeStringify({ t: 'fatal', nonce: init.nonce, error: errText(e) }));
      close();
    });
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) childMain();
