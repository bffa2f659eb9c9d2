/**
 * Strict isolation (issue 8): the student's code runs in its own process, under Node's
 * permission model, and the checks call it through a synchronous bridge.
 *
 *   check runner (child.ts: claims, reference, checks)
 *     └─ worker thread (bridge-worker.mjs)  ── IPC ──  sandbox process (host.mjs + the student's bundle)
 *
 * - The student's folder is bundled by esbuild (in the grader, once per grading run; or in the
 *   check runner when it is not given the bundle) into one
 *   ES module in a fresh temporary folder; an import that resolves outside the submission folder
 *   (the reference, the claims, the hidden tests) is refused at bundle time, with a message.
 *   Packages (`@tensorflow/tfjs`, …) stay external and are read from node_modules.
 * - The sandbox process may read only host.mjs, the bundle's folder, the submission folder and
 *   node_modules; it may not write files, spawn processes, start workers, load native addons
 *   (`--experimental-permission`); where `unshare -rnp` is available it has no network (a fresh
 *   network namespace: not even loopback) and sees no other process (a fresh pid namespace:
 *   it cannot signal the grader); its environment is empty; its heap and its writable memory
 *   (prlimit --data) are limited.  Packages resolve through a node_modules link beside the bundle.
 * - The checks see the student's exports as proxies: each call is posted to the bridge and the
 *   check runner blocks on Atomics.wait until the reply or the claim's deadline.  At the
 *   deadline the sandbox is killed, the call fails with a time-limit message, and the next call
 *   restarts the sandbox and reloads the module.  Values cross as structured clones (v8
 *   serialization): the student can return only data, never code, getters or prototypes, and
 *   cannot reach the checks' globals.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { ClaimFailure } from '../claims/types.ts';

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

/** The outcome of compiling a submission: its bundle file, or the message for the student. */
export interface Compiled {
  file?: string;
  error?: string;
}

/** user + network + pid namespaces: no network (not even loopback), no process outside to signal
 *  (`process.kill(-1)` finds nothing); the sandbox dies with its unshare parent. */
export const UNSHARE_FLAGS = ['-rnp', '--kill-child'];

let unshareProbe: string | null | undefined;
/** `unshare` if it can make a user + network namespace here, else null. */
export function unsharePath(): string | null {
  if (unshareProbe !== undefined) return unshareProbe;
  unshareProbe = null;
  for (const p of ['/usr/bin/unshare', '/bin/unshare']) {
    if (!existsSync(p)) continue;
    try {
      execFileSync(p, [...UNSHARE_FLAGS, 'true'], { stdio: 'ignore', timeout: 30_000 });
      unshareProbe = p;
    } catch {
      /* not permitted here (e.g. a container without user namespaces) */
    }
    break;
  }
  return unshareProbe;
}

/** `setpriv` if present: `--pdeathsig KILL` makes the kernel kill the sandbox's launcher when the
 *  grader thread that started it dies — even by SIGKILL — and `unshare --kill-child` passes that on
 *  to the student's process.  Measured before this: a grader killed mid-run (a vitest worker torn
 *  down) left sandboxes spinning in an endless loop for over half an hour. */
export function setprivPath(): string | null {
  for (const p of ['/usr/bin/setpriv', '/bin/setpriv']) if (existsSync(p)) return p;
  return null;
}

/** CPU seconds one sandbox process may use in all (RLIMIT_CPU): a last line of defence, far above
 *  what grading every claim needs; the per-item time limits stay the real limit. */
export const SANDBOX_CPU_SECONDS = 600;

/** `prlimit` if present: caps the sandbox's writable memory (RLIMIT_DATA), which
 *  `--max-old-space-size` does not (typed arrays live outside the V8 heap: a 10 GB Float64Array
 *  must fail, not take the machine).  Not RLIMIT_AS: WebAssembly (tfjs-backend-wasm) reserves
 *  ~10 GB of address space up front, inaccessible, which RLIMIT_DATA does not count. */
export function prlimitPath(): string | null {
  for (const p of ['/usr/bin/prlimit', '/bin/prlimit']) if (existsSync(p)) return p;
  return null;
}

/** Writable-memory cap (MB) for a heap limit of `memoryMb`: room for the heap, code, and buffers. */
export const addressSpaceMb = (memoryMb: number): number => Math.max(2 * memoryMb, memoryMb + 2048);

/** A `node_modules` link in `dir` to the project's packages, so that a bundle there with its packages
 *  kept external resolves them; returns the packages' real folder. */
export function linkNodeModules(dir: string): string {
  const nodeModules = realpathSync(path.join(REPO, 'node_modules'));
  symlinkSync(nodeModules, path.join(dir, 'node_modules'), 'dir');
  return nodeModules;
}

/** Bundle the student's entry into one ES module; refuse imports that leave the folder. */
export async function bundleSubmission(entry: string, submissionDir: string, outDir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const root = realpathSync(submissionDir);
  const outfile = path.join(outDir, 'submission.mjs');
  const outside: string[] = [];
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    packages: 'external',
    logLevel: 'silent',
    sourcemap: false,
    plugins: [
      {
        name: 'stay-in-folder',
        setup(b) {
          b.onResolve({ filter: /^[./]/ }, (args) => {
            const p = path.resolve(args.resolveDir, args.path);
            let real = p;
            try {
              real = realpathSync(p);
            } catch {
              /* esbuild reports a missing file itself */
            }
            if (real !== root && !real.startsWith(root + path.sep)) {
              outside.push(`${args.path} (from ${path.relative(root, args.importer) || args.importer})`);
              return { path: args.path, namespace: 'refused' };
            }
            return undefined;
          });
          b.onLoad({ filter: /.*/, namespace: 'refused' }, (args) => ({
            contents: `throw new Error(${JSON.stringify(`import of ${args.path} refused: a submission may import only files inside its own folder`)});`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  return outfile;
}

async function compileInto(entry: string, submissionDir: string, outDir: string): Promise<Compiled> {
  try {
    return { file: await bundleSubmission(entry, submissionDir, outDir) };
  } catch (e) {
    const errs = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    const text = errs?.length ? errs.map((x) => `${x.location ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`).join('; ') : (e as Error).message;
    return { error: `your code could not be compiled: ${text}` };
  }
}

/**
 * Compile a submission once, in the grader's own process (its esbuild service is already running:
 * a check runner that bundled it would start one, ≈ 0.15 s of CPU per grading run measured here),
 * into a fresh temporary folder; `dispose` removes it.  Only esbuild reads the student's files here;
 * nothing of theirs runs.
 */
export async function compileSubmission(entry: string, submissionDir: string): Promise<Compiled & { dispose(): void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlspec-compiled-'));
  const c = await compileInto(entry, submissionDir, dir);
  return { ...c, dispose: () => rmSync(dir, { recursive: true, force: true }) };
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

function exitText(exit: NonNullable<Reply['exit']>, memoryMb: number): string {
  if (/heap out of memory|Allocation failed|Array buffer allocation failed|std::bad_alloc/i.test(exit.tail)) return `ran out of memory (limit ${memoryMb} MB)`;
  if (/ERR_ACCESS_DENIED/.test(exit.tail)) {
    const m = /permission: '(\w+)'[\s\S]*?resource: '([^']*)'/.exec(exit.tail);
    return `was stopped by the sandbox: access denied${m ? ` (${m[1]} ${m[2]})` : ''}`;
  }
  if (exit.signal) return `was killed by ${exit.signal}`;
  const last = exit.tail.trim().split('\n').filter((l) => l.trim() && !/^\s+at /.test(l)).pop();
  return `exited with code ${exit.code} (did your code call process.exit?)${last ? `; its last output: ${last.slice(0, 300)}` : ''}`;
}

const unpack = (bytes: Uint8Array): unknown => v8.deserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** Load a submission into a strict sandbox.  Throws an Error whose message is for the student when the module cannot load. */
export async function openStrict(entry: string, submissionDir: string, opts: StrictOptions): Promise<StrictModule> {
  if (opts.compiled?.error) throw new Error(opts.compiled.error);
  const work = mkdtempSync(path.join(tmpdir(), 'dlspec-sandbox-'));
  let file: string;
  if (opts.compiled?.file) {
    file = path.join(work, 'submission.mjs');
    copyFileSync(opts.compiled.file, file);
  } else {
    const c = await compileInto(entry, submissionDir, work);
    if (c.error) {
      rmSync(work, { recursive: true, force: true });
      throw new Error(c.error);
    }
    file = c.file!;
  }
  // packages the student imports (kept external by the bundle) resolve from the bundle's folder
  const nodeModules = linkNodeModules(work);
  const scratch = path.join(work, 'scratch');
  mkdirSync(scratch);
  const read = [HOST_FILE, work, realpathSync(submissionDir), nodeModules];
  // one flag per path: Node 20.20 no longer accepts a comma-separated list
  const execArgv = ['--experimental-permission', ...read.map((p) => `--allow-fs-read=${p}`), `--allow-fs-write=${scratch}`, `--max-old-space-size=${opts.memoryMb}`, '--no-warnings'];
  const unshare = opts.unshareNetwork === false ? null : unsharePath();
  const prlimit = prlimitPath();
  const setpriv = setprivPath();
  const command = [
    ...(setpriv ? [setpriv, '--pdeathsig', 'KILL'] : []),
    ...(prlimit ? [prlimit, `--data=${addressSpaceMb(opts.memoryMb) * 2 ** 20}`, `--cpu=${SANDBOX_CPU_SECONDS}`] : []),
    ...(unshare ? [unshare, ...UNSHARE_FLAGS] : []),
  ];
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(BRIDGE_FILE, {
    workerData: { port: port2, flag: flag.buffer, hostFile: HOST_FILE, execArgv, command: command.length ? command : null, file, scratch },
    transferList: [port2],
    execArgv: [],
  });
  worker.unref();
  let nextId = 1;
  let deadline = Infinity;
  let limitS = '';
  let starts = 0;
  // the last sandbox generation killed at a time limit: its frames still queued on the port (a
  // callback request it sent just before the kill) are dropped — answered, they would reach the
  // NEXT sandbox, whose own callback would read that stale answer (measured: 6 of 20 restarts)
  let killed = 0;
  // the checks' functions passed to the student: id ↔ function (portable ones carry their state)
  const fnIds = new Map<Function, number>();
  const fnById = new Map<number, Function & { portable?: { source: string; state: Record<string, unknown> } }>();
  let cbDepth = 0;
  const tmpRoots = [...new Set([tmpdir(), realpathSync(tmpdir())])];
  const keepRoots = [...new Set([path.resolve(submissionDir), realpathSync(submissionDir), work])];

  /** scratch translation: a path under the grader's temporary folder → the same path under the sandbox's scratch folder */
  const translate = (v: string): string => {
    if (!path.isAbsolute(v) || v.startsWith(scratch + path.sep) || v === scratch) return v;
    // the submission's own folder and the bundle keep their names (reads there are allowed, writes are not)
    for (const keep of keepRoots) if (v === keep || v.startsWith(keep + path.sep)) return v;
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
        let id = fnIds.get(v);
        if (id === undefined) {
          id = fnIds.size + 1;
          fnIds.set(v, id);
          fnById.set(id, v as Function);
        }
        const portable = (v as { portable?: { source: unknown; state: unknown } }).portable;
        fns.push(portable && typeof portable.source === 'string' && portable.state && typeof portable.state === 'object' ? [p, id, { source: portable.source, state: portable.state }] : [p, id]);
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
  const applyStates = (st: unknown): void => {
    if (!st || typeof st !== 'object') return;
    for (const [id, state] of Object.entries(st as Record<string, unknown>)) {
      const f = fnById.get(Number(id));
      if (f?.portable?.state && state && typeof state === 'object') Object.assign(f.portable.state, state);
    }
  };
  /** Put stubs for the student's functions (handles) into a value read back from the sandbox. */
  const decodeOut = (value: unknown, hs: unknown, what: string): unknown => {
    if (!Array.isArray(hs) || hs.length === 0) return value;
    let root = value;
    for (const [p, handle] of hs as [(string | number)[], unknown][]) {
      const label = `${what}${p.length ? `.${p.join('.')}` : ''}`;
      const stub = (...args: unknown[]): unknown => callInto({ t: 'callHandle', handle }, args, `\`${label}\``);
      if (p.length === 0) root = stub;
      else {
        let o = root as Record<string | number, unknown>;
        for (let i = 0; i < p.length - 1; i++) o = o[p[i]] as Record<string | number, unknown>;
        o[p[p.length - 1]] = stub;
      }
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
      const args = decodeOut(m.args, m.handles, 'a function your code passed') as unknown[];
      cbDepth++;
      let r: unknown;
      try {
        r = f(...args);
      } finally {
        cbDepth--;
      }
      if (r && typeof (r as { then?: unknown }).then === 'function') throw new Error('the grader\'s function returned a promise, which cannot be waited for synchronously');
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
          const f = unpack(r.bytes!) as { t: string; id?: number } & Reply;
          if (f.t === 'cb') serveCallback(f as never);
          else if (f.t === 'ret' && f.id === id) return f;
        } else if (r.id === id) return r;
        if (performance.now() >= until) break;
      }
      const left = until - performance.now();
      if (left <= 0) {
        port1.postMessage({ t: 'kill' });
        killed = Math.max(killed, starts);
        throw new ClaimFailure(`time limit: ${what} did not return within the item's limit${limitS} (an endless loop, or far too slow); it was stopped, and the remaining items were graded in a fresh process`);
      }
      Atomics.wait(flag, 0, 0, Math.min(left, 1000));
      Atomics.store(flag, 0, 0);
    }
  };

  /** Call the student's function (an export, or a handle it returned) with the checks' arguments. */
  function callInto(target: { t: 'call'; name: string } | { t: 'callHandle'; handle: unknown }, args: unknown[], label: string): unknown {
    if (performance.now() >= deadline) throw new ClaimFailure(`time limit: the item's time limit was reached before ${label} was called`);
    let r: Reply & { dead?: boolean; handles?: unknown; states?: unknown };
    try {
      const enc = encodeIn(args);
      r = request({ ...target, args: enc.value, fns: enc.fns }, deadline, label);
    } catch (e) {
      if (e instanceof ClaimFailure) throw e;
      throw new ClaimFailure(`${label} could not be called with these arguments: ${(e as Error).message}`);
    }
    applyStates(r.states);
    if (r.exit) throw new ClaimFailure(`while running ${label}, the process running your code ${exitText(r.exit, opts.memoryMb)}`);
    if (r.dead || (!r.ok && /no longer valid/.test(r.error ?? ''))) {
      throw new ClaimFailure(`${label} can no longer be called: your code returned it from a process that has since been restarted (after a time-out or a crash), and functions do not survive a restart`);
    }
    if (!r.ok) throw new ClaimFailure(`${label} ${r.error?.startsWith('returned') ? r.error : `threw ${r.error}`}`);
    let value: unknown;
    try {
      value = unpack(r.value!);
    } catch (e) {
      throw new ClaimFailure(`${label} returned data that could not be read: ${(e as Error).message}`);
    }
    return decodeOut(value, r.handles, label.replace(/`/g, '') + '(…)');
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

  let load: Reply;
  try {
    const loading = requestAsync({ t: 'load' }, performance.now() + opts.loadTimeoutMs);
    opts.onLoadStarted?.();
    load = await loading;
  } catch {
    await worker.terminate();
    rmSync(work, { recursive: true, force: true });
    throw new Error(`your module did not finish loading within ${opts.loadTimeoutMs / 1000} s (an endless loop at import time?)`);
  }
  if (!load.ok) {
    await worker.terminate();
    rmSync(work, { recursive: true, force: true });
    if (load.exit) throw new Error(`your module could not be loaded: the process ${exitText(load.exit, opts.memoryMb)}`);
    throw new Error(`your module could not be loaded: ${load.error}`);
  }
  const impl: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(load.values ?? {})) {
    if (v.ok && v.value) {
      try {
        impl[k] = unpack(v.value);
      } catch {
        impl[k] = undefined;
      }
    }
  }
  for (const name of load.functions ?? []) {
    impl[name] = (...args: unknown[]): unknown => callInto({ t: 'call', name }, args, `\`${name}\``);
  }
  return {
    impl,
    setDeadline: (t, limitMs) => {
      deadline = t;
      limitS = ` of ${limitMs / 1000} s`;
    },
    starts: () => starts,
    confinement: [
      'own process, Node permission model (read: its folder + node_modules; writes only to its own scratch folder; no child processes, workers, addons)',
      unshare ? 'user/network/pid namespaces (no network, no other process visible)' : 'NO network/pid namespaces (unshare not permitted here)',
      prlimit ? `writable memory ≤ ${addressSpaceMb(opts.memoryMb)} MB` : 'no memory cap beyond the heap (prlimit missing)',
      `heap ≤ ${opts.memoryMb} MB`,
    ].join('; '),
    close: async () => {
      port1.postMessage({ t: 'kill' });
      await worker.terminate();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
