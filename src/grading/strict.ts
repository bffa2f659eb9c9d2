/**
 * Strict isolation: the student's code runs in its own process, under Node's permission model,
 * and the checks call it through a synchronous bridge.
 *
 *   check runner (child.ts: claims, reference, checks)
 *     └─ worker thread (bridge-worker.mjs)  ── IPC ──  sandbox process (host.mjs + the student's bundle)
 *
 * - The grader copies the submission (regular files only: workspace.ts) and bundles the copy with
 *   esbuild, resolving every import itself: built-ins, the allowed packages (as absolute paths),
 *   files inside the folder; anything else is refused with a message.
 * - The sandbox may read its host, the copy, its scratch folder and the allowed packages' own
 *   folders, and write only to scratch; no child processes, workers or addons (permission model).
 *   launcher.ts adds what the permission model does not cover: namespaces (no network, no other
 *   process, read-only /tmp), a size-limited scratch, an unprivileged user, memory and CPU limits.
 * - The checks see the student's exports as proxies: each call is posted to the bridge and the
 *   check runner blocks on Atomics.wait until the reply or the item's deadline.  At the deadline
 *   the sandbox is killed, the call fails with a time-limit message, and the next call restarts
 *   the sandbox and reloads the module.  Values come back as bytes and are rebuilt as fresh plain
 *   data (wire.ts): never code, getters or prototypes, never a path into the checks' built-ins.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { ClaimFailure } from '../claims/types.ts';
import { fromWire, safeKey, setAtPath, WireError } from './wire.ts';
import { launcher } from './launcher.ts';
import { copySubmission, gradingTemp, SubmissionFilesError } from './workspace.ts';
import { isPythonEntry, preparePython, PY_BRIDGE_FILE, pythonName } from './python/sandbox.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const HOST_FILE = path.join(HERE, 'host.mjs');
const BRIDGE_FILE = path.join(HERE, 'bridge-worker.mjs');
const REPO = path.resolve(HERE, '../..');
/** how deep functions (and temporary paths) are looked for in arguments and results: args[i].key.key */
const MAX_DEPTH = 3;

export interface StrictOptions {
  memoryMb: number;
  /** time to import the module (ms) */
  loadTimeoutMs: number;
  /** called once the sandbox has been asked to import the module (it loads in its own process,
   *  while the caller may block this thread, e.g. importing the topics) */
  onLoadStarted?: () => void;
  /** use `unshare -rn` for a network namespace when available (default true) */
  unshareNetwork?: boolean;
  /** the submission already compiled by the grader (`compileSubmission`): its bundle is copied
   *  instead of bundling again, or its compile error is the load error */
  compiled?: Compiled;
}

/** The outcome of compiling a submission: its bundle file inside the copy the sandbox reads, or the message for the student. */
export interface Compiled {
  file?: string;
  /** the submission's copy (regular files only), the bundle inside it */
  copy?: string;
  error?: string;
}

/** Node's permission model: `--permission` from Node 23.5 on (Node 24 refuses the old name), `--experimental-permission` before. */
export const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

/** A `node_modules` link in `dir` to the project's packages, so that a bundle there with its packages
 *  kept external resolves them; returns the packages' real folder. */
export function linkNodeModules(dir: string): string {
  const nodeModules = realpathSync(path.join(REPO, 'node_modules'));
  symlinkSync(nodeModules, path.join(dir, 'node_modules'), 'dir');
  return nodeModules;
}

/** The packages a submission may import (with their dependencies); everything else it imports must
 *  be a file inside its own folder or a Node built-in. */
export const SUBMISSION_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'ml-matrix'] as const;

const packageName = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

let packageDirsMemo: string[] | undefined;
/** The real folders of SUBMISSION_PACKAGES and of everything they depend on: the only package
 *  folders the sandbox may read (never the whole node_modules, which may hold the grader itself). */
export function submissionPackageDirs(): string[] {
  if (packageDirsMemo) return packageDirsMemo;
  const seen = new Set<string>();
  const find = (name: string, from: string): string | undefined => {
    for (let d = from; ; d = path.dirname(d)) {
      const c = path.join(d, 'node_modules', name);
      if (existsSync(path.join(c, 'package.json'))) return realpathSync(c);
      if (path.dirname(d) === d) return undefined;
    }
  };
  const visit = (name: string, from: string): void => {
    const dir = find(name, from);
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    const pj = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const dep of Object.keys({ ...pj.dependencies, ...pj.optionalDependencies, ...pj.peerDependencies })) visit(dep, dir);
  };
  for (const name of SUBMISSION_PACKAGES) visit(name, REPO);
  // a package folder that holds the grader's own files would let the sandbox read them
  packageDirsMemo = [...seen].filter((d) => !(REPO === d || REPO.startsWith(d + path.sep)));
  return packageDirsMemo;
}

const within = (p: string, root: string): boolean => p === root || p.startsWith(root + path.sep);

/** A refused import: the bundle throws this message if the import is ever evaluated. */
const refused = (what: string, why: string): { path: string; namespace: string; pluginData: string } => ({ path: what, namespace: 'refused', pluginData: why });

/**
 * Bundle the student's entry into one ES module.  Every import is resolved here: a Node built-in
 * stays as it is, an allowed package becomes the absolute path of its file in the grader's
 * node_modules, a relative import must resolve (after links) inside the submission's folder, and
 * anything else (another package, a tsconfig `paths` alias, a package.json `#imports` entry, an
 * absolute path outside) is refused.  The submission's own tsconfig.json is not read.
 */
export async function bundleSubmission(entry: string, submissionDir: string, outDir: string, name = 'submission.mjs'): Promise<string> {
  const esbuild = await import('esbuild');
  const root = realpathSync(submissionDir);
  const outfile = path.join(outDir, name);
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'silent',
    sourcemap: false,
    // the grader's settings, never the submission's tsconfig.json (its `paths`/`baseUrl`/`extends` could reach outside)
    tsconfigRaw: '{}',
    plugins: [
      {
        name: 'stay-in-folder',
        setup(b) {
          b.onResolve({ filter: /.*/ }, async (args) => {
            if (args.pluginData === 'inner') return undefined;
            const spec = args.path;
            if (args.kind === 'entry-point') return undefined;
            if (isBuiltin(spec)) return { path: spec, external: true };
            const from = path.relative(root, args.importer) || args.importer;
            if (spec.startsWith('.') || path.isAbsolute(spec)) {
              const outside = refused(spec, `import of ${spec} (from ${from}) refused: a submission may import only files inside its own folder`);
              if (!within(path.resolve(args.resolveDir, spec), root)) return outside;
              const r = await b.resolve(spec, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'inner' });
              if (r.errors.length) return { errors: r.errors };
              let real = r.path;
              try {
                real = realpathSync(r.path);
              } catch {
                /* not a file: refused below unless inside */
              }
              if (r.external || !within(real, root)) return outside;
              return { path: real };
            }
            if ((SUBMISSION_PACKAGES as readonly string[]).includes(packageName(spec))) {
              try {
                return { path: fileURLToPath(import.meta.resolve(spec)), external: true };
              } catch {
                return refused(spec, `import of ${spec} (from ${from}) refused: the grader has no such file in ${packageName(spec)}`);
              }
            }
            return refused(
              spec,
              `import of ${spec} (from ${from}) refused: a submission may import only files inside its own folder, Node's built-in modules and the packages ${SUBMISSION_PACKAGES.join(', ')}`,
            );
          });
          b.onLoad({ filter: /.*/, namespace: 'refused' }, (args) => ({
            contents: `throw new Error(${JSON.stringify(args.pluginData as string)});`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  return outfile;
}

async function compileInto(entry: string, submissionDir: string, outDir: string, name?: string): Promise<Compiled> {
  try {
    return { file: await bundleSubmission(entry, submissionDir, outDir, name) };
  } catch (e) {
    const errs = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    // a file named as the student knows it: relative to their folder, not to the grader's temporary copy
    const where = (f: string): string => path.relative(submissionDir, path.resolve(f)).split(path.sep).join('/');
    const text = errs?.length ? errs.map((x) => `${x.location ? `${where(x.location.file)}:${x.location.line}: ` : ''}${x.text}`).join('; ') : (e as Error).message;
    return { error: `your code could not be compiled: ${text}` };
  }
}

/** The bundle's file name, beside the entry in the submission's copy (relative reads keep working). */
const BUNDLE_NAME = '.dlspec-bundle.mjs';

/**
 * Copy a submission (regular files only: see workspace.ts) and compile the copy, once, in the
 * grader's own process (its esbuild service is already running), into a fresh temporary folder;
 * `dispose` removes it.  Only esbuild reads the student's files here; nothing of theirs runs.
 */
export async function compileSubmission(entry: string, submissionDir: string): Promise<Compiled & { dispose(): void }> {
  const dir = gradingTemp('compiled-');
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  const copy = path.join(dir, 'submission');
  try {
    copySubmission(submissionDir, copy);
  } catch (e) {
    if (e instanceof SubmissionFilesError) return { error: e.message, dispose };
    throw e;
  }
  const entryCopy = path.join(copy, path.relative(submissionDir, entry));
  const c = await compileInto(entryCopy, copy, path.dirname(entryCopy), BUNDLE_NAME);
  return { ...c, copy, dispose };
}

export interface StrictModule {
  /** the student's exports as seen by the checks: data values, and proxies for functions */
  impl: Record<string, unknown>;
  /** the deadline (performance.now() ms) of the claim being checked, and its limit (ms); calls past it fail */
  setDeadline(t: number, limitMs: number): void;
  /** sandbox processes started so far */
  starts(): number;
  /** what confines the sandbox, in words (for the report) */
  confinement: string;
  close(): Promise<void>;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: Uint8Array;
  error?: string;
  exit?: { code: number | null; signal: string | null; tail: string };
  values?: Record<string, { ok: boolean; value?: Uint8Array; error?: string }>;
  functions?: string[];
  starts?: number;
  tail?: string;
}

function exitText(exit: NonNullable<Reply['exit']>, memoryMb: number, exitCall = 'process.exit'): string {
  if (/heap out of memory|Allocation failed|Array buffer allocation failed|std::bad_alloc|MemoryError/i.test(exit.tail)) return `ran out of memory (limit ${memoryMb} MB)`;
  if (/ERR_ACCESS_DENIED/.test(exit.tail)) {
    const m = /permission: '(\w+)'[\s\S]*?resource: '([^']*)'/.exec(exit.tail);
    return `was stopped by the sandbox: access denied${m ? ` (${m[1]} ${m[2]})` : ''}`;
  }
  if (exit.signal) return `was killed by ${exit.signal}`;
  const last = exit.tail
    .trim()
    .split('\n')
    .filter((l) => l.trim() && !/^\s+at /.test(l))
    .pop();
  return `exited with code ${exit.code} (did your code call ${exitCall}?)${last ? `; its last output: ${last.slice(0, 300)}` : ''}`;
}

const unpack = (bytes: unknown): unknown => {
  if (!(bytes instanceof Uint8Array)) throw new WireError('no data');
  return fromWire(bytes);
};

/** The names under which a student's export may appear to the checks: identifiers, never a prototype's. */
const exportName = (k: unknown): k is string => typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k) && safeKey(k);

/** What one sandbox runs and may touch: the bundle, its copy of the submission, its scratch folder. */
interface Prepared {
  /** the bridge worker that starts and speaks to the sandbox process, and its start-up data */
  bridge: string;
  workerData: Record<string, unknown>;
  /** the student's spelling of a contract name (Python: snake_case), and how their code exits early */
  displayName: (name: string) => string;
  exitCall: string;
  /** the submission's copy (what the sandbox reads), and the sandbox's own scratch folder */
  copy: string;
  scratch: string;
  confinement: string[];
  cleanup(): void;
}

/** Step 1 — bundle (unless the grader did) and lay out the sandbox's folders and command line. */
async function prepareSandbox(entry: string, submissionDir: string, opts: StrictOptions): Promise<Prepared> {
  if (opts.compiled?.error) throw new Error(opts.compiled.error);
  // compiled here when the grader did not (the unit specs, the bench): removed at close
  const own = opts.compiled?.file ? undefined : await compileSubmission(entry, submissionDir);
  const compiled = opts.compiled?.file ? opts.compiled : own!;
  if (compiled.error) {
    own?.dispose();
    throw new Error(compiled.error);
  }
  const file = compiled.file!;
  const copy = realpathSync(compiled.copy!);
  const work = gradingTemp('sandbox-');
  const scratch = path.join(work, 'scratch');
  mkdirSync(scratch, { mode: 0o777 });
  chmodSync(scratch, 0o777); // the sandbox may run as an unprivileged user (launcher.ts)
  // what the sandbox may read: its host, the submission's copy (bundle inside), its scratch folder, and
  // the allowed packages' own folders — no folder holding a link, never the grader's node_modules as a whole
  const read = [HOST_FILE, copy, scratch, ...submissionPackageDirs()];
  const cleanup = (): void => {
    rmSync(work, { recursive: true, force: true });
    own?.dispose();
  };
  // one flag per path: Node 20.20 no longer accepts a comma-separated list
  const execArgv = [PERMISSION_FLAG, ...read.map((p) => `--allow-fs-read=${p}`), `--allow-fs-write=${scratch}`, `--max-old-space-size=${opts.memoryMb}`, '--no-warnings'];
  const launch = launcher(scratch, opts.memoryMb, { network: opts.unshareNetwork !== false, mustRead: [HOST_FILE, copy, ...submissionPackageDirs()] });
  return {
    bridge: BRIDGE_FILE,
    workerData: { hostFile: HOST_FILE, execArgv, command: launch.command.length ? launch.command : null, file, scratch },
    displayName: (n) => n,
    exitCall: 'process.exit',
    copy,
    scratch,
    confinement: [
      'own process, Node permission model (read: a copy of its folder + the allowed packages; writes only to its own scratch folder; no child processes, workers, addons)',
      ...launch.confinement,
      `heap ≤ ${opts.memoryMb} MB`,
    ],
    cleanup,
  };
}

/** Step 1 for a Python submission: its copy and the bubblewrap command (python/sandbox.ts). */
function preparePythonSandbox(entry: string, submissionDir: string, opts: StrictOptions): Prepared {
  const py = preparePython(entry, submissionDir, opts.memoryMb);
  return {
    bridge: PY_BRIDGE_FILE,
    workerData: { command: py.command, file: py.file, isPackage: py.isPackage, env: py.env },
    displayName: pythonName,
    exitCall: 'sys.exit or os._exit',
    copy: py.copy,
    // a temporary path of the checks' (a checkpoint folder) is the same path under the sandbox's own /tmp
    scratch: '/tmp',
    confinement: py.confinement,
    cleanup: py.cleanup,
  };
}

/** A function of the checks passed to the student's code (called back over the bridge). */
type CheckFn = (...args: unknown[]) => unknown;

/** The operations on a running sandbox that openStrict's result is made of. */
interface Connection {
  callInto(target: { t: 'call'; name: string } | { t: 'callHandle'; handle: unknown }, args: unknown[], label: string): unknown;
  requestAsync(msg: Record<string, unknown>, until: number): Promise<Reply>;
  setDeadline(t: number, limitMs: number): void;
  starts(): number;
  close(): Promise<void>;
}

/** Step 2 — start the bridge worker (which starts the sandbox on demand) and speak to it: encode the
 *  checks' arguments, decode the student's replies (wire.ts), serve callbacks, enforce deadlines. */
function connect(sb: Prepared, submissionDir: string, opts: StrictOptions): Connection {
  const { copy, scratch } = sb;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(sb.bridge, {
    workerData: { port: port2, flag: flag.buffer, ...sb.workerData },
    transferList: [port2],
    execArgv: [],
  });
  worker.unref();
  let nextId = 1;
  let deadline = Infinity;
  /** the time-out of a call of the item being checked, if one ran out its time */
  let itemTimeout: ClaimFailure | undefined;
  let limitS = '';
  let starts = 0;
  // the last sandbox generation killed at a time limit: its frames still queued on the port (a
  // callback request it sent just before the kill) are dropped — answered, they would reach the
  // NEXT sandbox, whose own callback would read that stale answer (measured: 6 of 20 restarts)
  let killed = 0;
  // the checks' functions passed to the student: id ↔ function (portable ones carry their state)
  const fnIds = new Map<CheckFn, number>();
  const fnById = new Map<number, CheckFn & { portable?: { source: string; state: Record<string, unknown> } }>();
  let cbDepth = 0;
  const tmpRoots = [...new Set([tmpdir(), realpathSync(tmpdir())])];
  const originals = [...new Set([path.resolve(submissionDir), realpathSync(submissionDir)])];

  /** Path translation: the submission's folder → its copy (what the sandbox reads); a path under the
   *  grader's temporary folder → the same path under the sandbox's scratch folder */
  const translate = (v: string): string => {
    if (!path.isAbsolute(v) || within(v, scratch) || within(v, copy)) return v;
    for (const o of originals) if (within(v, o)) return path.join(copy, path.relative(o, v));
    for (const r of tmpRoots) if (v.startsWith(r + path.sep)) return path.join(scratch, path.relative(r, v));
    return v;
  };
  const isPlain = (v: unknown): v is Record<string, unknown> => {
    if (Array.isArray(v)) return true;
    if (!v || typeof v !== 'object') return false;
    const p = Object.getPrototypeOf(v);
    return p === Object.prototype || p === null;
  };
  /** A copy of `value` with the checks' functions replaced by null (listed in `fns` by path) and temporary paths translated. */
  const encodeIn = (value: unknown): { value: unknown; fns: unknown[] } => {
    const fns: unknown[] = [];
    const walk = (v: unknown, p: (string | number)[]): unknown => {
      if (typeof v === 'function') {
        const fn = v as CheckFn;
        let id = fnIds.get(fn);
        if (id === undefined) {
          id = fnIds.size + 1;
          fnIds.set(fn, id);
          fnById.set(id, fn);
        }
        const portable = (v as { portable?: { source: unknown; state: unknown; py?: unknown } }).portable;
        const py = typeof portable?.py === 'string' ? { py: portable.py } : {};
        fns.push(
          portable && typeof portable.source === 'string' && portable.state && typeof portable.state === 'object' ? [p, id, { source: portable.source, state: portable.state, ...py }] : [p, id],
        );
        return null;
      }
      if (typeof v === 'string') return translate(v);
      if (p.length >= MAX_DEPTH || !isPlain(v)) return v;
      let copy: Record<string, unknown> | unknown[] | null = null;
      const keys = Array.isArray(v) ? [...v.keys()] : Object.keys(v);
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x !== 'function' && typeof x !== 'string' && !isPlain(x)) continue;
        const y = walk(x, [...p, k]);
        if (y !== x) {
          if (!copy) copy = Array.isArray(v) ? v.slice() : { ...v };
          (copy as Record<string, unknown>)[k] = y;
        }
      }
      return copy ?? v;
    };
    return { value: walk(value, []), fns };
  };
  /** A portable function's state as the sandbox left it: only the keys it already had, as data. */
  const applyStates = (st: unknown): void => {
    if (!st || typeof st !== 'object') return;
    for (const [id, state] of Object.entries(st as Record<string, unknown>)) {
      const target = fnById.get(Number(id))?.portable?.state;
      if (!target || !state || typeof state !== 'object') continue;
      for (const k of Object.keys(state)) if (safeKey(k) && Object.prototype.hasOwnProperty.call(target, k)) target[k] = (state as Record<string, unknown>)[k];
    }
  };
  /** Put stubs for the student's functions (handles) into a value read back from the sandbox (fromWire's
   *  fresh data): each handle's path must lead through the value's own keys (setAtPath). */
  const decodeOut = (value: unknown, hs: unknown, what: string): unknown => {
    if (hs === undefined || (Array.isArray(hs) && hs.length === 0)) return value;
    if (!Array.isArray(hs) || hs.length > 10_000) throw new WireError('malformed function list');
    let root = value;
    for (const h of hs) {
      if (!Array.isArray(h) || h.length !== 2 || !Array.isArray(h[0])) throw new WireError('malformed function list');
      const [p, handle] = h as [(string | number)[], unknown];
      const label = `${what}${p.length ? `.${p.map(String).join('.')}` : ''}`;
      const stub = (...args: unknown[]): unknown => callInto({ t: 'callHandle', handle }, args, `\`${label}\``);
      root = setAtPath(root, p, stub);
    }
    return root;
  };
  const frame = (msg: unknown): void => {
    const bytes = new Uint8Array(v8.serialize(msg));
    port1.postMessage({ t: 'frame', bytes }, [bytes.buffer]);
  };
  /** A callback request from the sandbox: run the checks' function, answer. */
  const serveCallback = (m: { fn: number; args: unknown; handles: unknown; states: unknown }): void => {
    applyStates(m.states);
    const f = fnById.get(m.fn);
    let answer: Record<string, unknown>;
    try {
      if (!f) throw new Error(`unknown callback ${m.fn}`);
      if (!Array.isArray(m.args)) throw new Error('malformed callback arguments');
      const args = decodeOut(m.args, m.handles, 'a function your code passed') as unknown[];
      cbDepth++;
      let r: unknown;
      try {
        r = f(...args);
      } finally {
        cbDepth--;
      }
      if (r && typeof (r as { then?: unknown }).then === 'function') throw new Error("the grader's function returned a promise, which cannot be waited for synchronously");
      const enc = encodeIn(r);
      answer = { t: 'cbr', ok: true, value: enc.value, fns: enc.fns };
      v8.serialize(answer); // cloneable?
    } catch (e) {
      const err = e as { name?: unknown; message?: unknown };
      answer = { t: 'cbr', ok: false, error: { name: typeof err?.name === 'string' ? err.name : 'Error', message: typeof err?.message === 'string' ? err.message : String(e) } };
    }
    frame(answer);
  };

  const request = (msg: Record<string, unknown>, until: number, what: string): Reply => {
    // whatever the sandbox sent while no call of this id was waiting is stale (a reply sent after its
    // call returned, a callback request outside a call): dropped, so it cannot answer this call
    for (let got; (got = receiveMessageOnPort(port1));) {
      const r = got.message as Reply;
      if (r.starts) starts = r.starts;
    }
    const id = nextId++;
    const nested = cbDepth > 0;
    if (nested) frame({ t: 'nested', kind: msg.t, name: msg.name, handle: msg.handle, args: msg.args, fns: msg.fns, id });
    else {
      Atomics.store(flag, 0, 0);
      port1.postMessage({ ...msg, id });
    }
    for (;;) {
      let got;
      while ((got = receiveMessageOnPort(port1))) {
        const r = got.message as Reply & { t?: string; bytes?: Uint8Array };
        if (r.starts) starts = r.starts;
        if (r.t === 'frame') {
          if (r.starts !== undefined && r.starts <= killed) continue;
          let f: { t: string; id?: number } & Reply;
          try {
            f = unpack(r.bytes) as { t: string; id?: number } & Reply;
          } catch (e) {
            throw new ClaimFailure(`while running ${what}, the process running your code sent data that could not be read: ${(e as Error).message}`);
          }
          if (f.t === 'cb') serveCallback(f as never);
          else if (f.t === 'ret' && f.id === id) return f;
        } else if (r.id === id) return r;
        if (performance.now() >= until) break;
      }
      const left = until - performance.now();
      if (left <= 0) {
        port1.postMessage({ t: 'kill' });
        killed = Math.max(killed, starts);
        throw new ClaimFailure(
          `time limit: ${what} did not return within the item's limit${limitS} (an endless loop, or far too slow); it was stopped, and the remaining items were graded in a fresh process`,
          {},
          'timeout',
        );
      }
      Atomics.wait(flag, 0, 0, Math.min(left, 1000));
      Atomics.store(flag, 0, 0);
    }
  };

  /** Call the student's function (an export, or a handle it returned) with the checks' arguments. */
  function callInto(target: { t: 'call'; name: string } | { t: 'callHandle'; handle: unknown }, args: unknown[], label: string): unknown {
    // a call that ran out the item's time is what the student must read, not a later call it left no time for
    if (itemTimeout && performance.now() >= deadline) throw itemTimeout;
    if (performance.now() >= deadline)
      throw new ClaimFailure(
        `time limit: the item's time limit was reached before ${label} was called (its limit${limitS} was used up by its earlier calls into your code: was one of them far too slow?)`,
        {},
        'timeout',
      );
    let r: Reply & { dead?: boolean; handles?: unknown; states?: unknown };
    try {
      const enc = encodeIn(args);
      r = request({ ...target, args: enc.value, fns: enc.fns }, deadline, label);
    } catch (e) {
      if (e instanceof ClaimFailure && e.outcome === 'timeout') itemTimeout ??= e;
      if (e instanceof ClaimFailure) throw e;
      throw new ClaimFailure(`${label} could not be called with these arguments: ${(e as Error).message}`);
    }
    applyStates(r.states);
    if (r.exit) throw new ClaimFailure(`while running ${label}, the process running your code ${exitText(r.exit, opts.memoryMb, sb.exitCall)}`, {}, 'crashed');
    if (r.dead || (!r.ok && /no longer valid/.test(r.error ?? ''))) {
      throw new ClaimFailure(
        `${label} can no longer be called: your code returned it from a process that has since been restarted (after a time-out or a crash), and functions do not survive a restart`,
        {},
        'crashed',
      );
    }
    if (!r.ok) throw new ClaimFailure(`${label} ${r.error?.startsWith('returned') ? r.error : `threw ${r.error}`}`);
    try {
      return decodeOut(unpack(r.value), r.handles, label.replace(/`/g, '') + '(…)');
    } catch (e) {
      throw new ClaimFailure(`${label} returned data that could not be read: ${(e as Error).message}`);
    }
  }

  /** The load, waited for without blocking this thread (the check runner imports the topics meanwhile). */
  const requestAsync = async (msg: Record<string, unknown>, until: number): Promise<Reply> => {
    const id = nextId++;
    port1.postMessage({ ...msg, id });
    for (;;) {
      let got;
      while ((got = receiveMessageOnPort(port1))) {
        const r = got.message as Reply;
        if (r.starts) starts = r.starts;
        if (r.id === id) return r;
      }
      if (performance.now() >= until) {
        port1.postMessage({ t: 'kill' });
        throw new Error('load time-out');
      }
      await new Promise((res) => setTimeout(res, 4));
    }
  };

  return {
    callInto,
    requestAsync,
    setDeadline: (t, limitMs) => {
      deadline = t;
      itemTimeout = undefined;
      limitS = ` of ${limitMs / 1000} s`;
    },
    starts: () => starts,
    close: async () => {
      port1.postMessage({ t: 'kill' });
      await worker.terminate();
    },
  };
}

/** Step 4 — the student's exports as the checks see them: data decoded as fresh plain data, functions
 *  as proxies calling into the sandbox; identifier names only, never a prototype's. */
function proxyExports(load: Reply, conn: Connection, displayName: (n: string) => string): Record<string, unknown> {
  const impl: Record<string, unknown> = {};
  const values = load.values && typeof load.values === 'object' ? load.values : {};
  for (const k of Object.keys(values)) {
    const v = (values as Record<string, { ok?: unknown; value?: unknown }>)[k];
    if (!exportName(k) || !v || v.ok !== true) continue;
    try {
      impl[k] = unpack(v.value);
    } catch {
      impl[k] = undefined;
    }
  }
  for (const name of Array.isArray(load.functions) ? load.functions : []) {
    if (!exportName(name)) continue;
    impl[name] = (...args: unknown[]): unknown => conn.callInto({ t: 'call', name }, args, `\`${displayName(name)}\``);
  }
  return impl;
}

/** Load a submission into a strict sandbox: prepare, connect, load (step 3), proxy.  Throws an Error
 *  whose message is for the student when the module cannot load. */
export async function openStrict(entry: string, submissionDir: string, opts: StrictOptions): Promise<StrictModule> {
  const sb = isPythonEntry(entry) ? preparePythonSandbox(entry, submissionDir, opts) : await prepareSandbox(entry, submissionDir, opts);
  const conn = connect(sb, submissionDir, opts);
  const fail = async (message: string): Promise<never> => {
    await conn.close();
    sb.cleanup();
    throw new Error(message);
  };
  let load: Reply;
  try {
    const loading = conn.requestAsync({ t: 'load' }, performance.now() + opts.loadTimeoutMs);
    opts.onLoadStarted?.();
    load = await loading;
  } catch {
    return fail(`your module did not finish loading within ${opts.loadTimeoutMs / 1000} s (an endless loop at import time?)`);
  }
  if (!load.ok) return fail(load.exit ? `your module could not be loaded: the process ${exitText(load.exit, opts.memoryMb, sb.exitCall)}` : `your module could not be loaded: ${load.error}`);
  return {
    impl: proxyExports(load, conn, sb.displayName),
    setDeadline: conn.setDeadline,
    starts: conn.starts,
    confinement: sb.confinement.join('; '),
    close: async () => {
      await conn.close();
      sb.cleanup();
    },
  };
}
