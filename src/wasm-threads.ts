/**
 * Multithreaded tfjs wasm in Node.
 *
 * `@tensorflow/tfjs-backend-wasm` 4.22 ships a threaded SIMD build (XNNPACK over a pthread pool) but
 * never uses it in Node, for three reasons found here (docs/topics/cifar.md, "wasm threads"):
 *   1. its `WASM_HAS_MULTITHREAD_SUPPORT` flag answers false whenever IS_NODE;
 *   2. Emscripten starts each pthread as `new Worker(url)` with a `blob:` URL of tfjs's worker script,
 *      which Node's Worker refuses (ERR_WORKER_PATH), and the worker then loads the main script from
 *      a Blob, which its Node branch reads with fs (a path only);
 *   3. the C side caps the pool at `emscripten_num_logical_cores() / 2` (it assumes hyperthreads), which
 *      is `os.cpus().length / 2` in Node — one thread on a 2-core machine.
 * `prepareWasmThreads(n)` works around all three for the next wasm initialisation: it sets the flag,
 * writes tfjs's own worker script (taken from the package's Node bundle) to a temporary file and points
 * Node's Worker at it for `blob:` URLs (the worker materialises the main script's Blob as a file),
 * makes `os.cpus()` report 2n entries while the module starts, and calls `setThreadsCount(n)`.  Call
 * `restore()` once `tf.ready()` resolved.  Nothing in tfjs is edited on disk.
 *
 * The pool's workers are unref'd (and their `ref()` is a no-op): the main thread waits for them
 * synchronously (Atomics), so they must not keep a finished process alive.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

/** the most threads tfjs's pool can hold (its build pre-creates 8 workers) */
export const MAX_WASM_THREADS = 8;

export interface WasmThreadsPrep {
  /** undo the temporary patches (Worker, os.cpus); idempotent */
  restore(): void;
}

let workerFile: string | undefined;

/** tfjs's pthread worker script from the Node bundle of @tensorflow/tfjs-backend-wasm, plus a fix-up for Node. */
function writeWorkerScript(): string {
  if (workerFile) return workerFile;
  const bundle = require.resolve('@tensorflow/tfjs-backend-wasm');
  const src = readFileSync(bundle, 'utf8');
  const m = src.match(/var wasmWorkerContents = ("(?:[^"\\]|\\.)*");/);
  if (!m) throw new Error(`wasm threads: tfjs's worker script was not found in ${bundle} (a tfjs-backend-wasm version other than 4.22?)`);
  // tfjs turns real newlines back into \n escapes before it makes the Blob; do the same
  const contents = (JSON.parse(m[1]!) as string).replace(/\n/g, '\\n');
  const dir = mkdtempSync(path.join(tmpdir(), 'dlspec-wasm-threads-'));
  // The worker receives the main script as a Blob; its Node branch can only read files.  Write the
  // Blob's text to a file (one per worker thread, so that concurrent workers never read a half-written
  // one), prefixed with the module-level names the rollup bundle's factory refers to.
  const fixup = `
;(function () {
  const original = self.onmessage, fs = require('fs'), p = require('path'), wt = require('worker_threads');
  const prelude = "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis;\\n";
  self.onmessage = (e) => {
    if (e.data && e.data.cmd === 'load' && typeof e.data.urlOrBlob !== 'string') {
      e.data.urlOrBlob.text().then((text) => {
        const file = p.join(${JSON.stringify(dir)}, 'main-' + wt.threadId + '.js');
        fs.writeFileSync(file, prelude + text);
        e.data.urlOrBlob = file;
        try {
          original(e); // reads the file synchronously (importScripts)
        } finally {
          fs.rmSync(file, { force: true });
        }
      });
      return;
    }
    original(e);
  };
})();
`;
  const file = path.join(dir, 'worker.cjs');
  writeFileSync(file, contents + fixup);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  workerFile = file;
  return file;
}

/**
 * Prepare the next wasm backend initialisation to run `n` XNNPACK threads (n ≥ 2; 1 needs nothing).
 * Throws with the reason if it cannot (the caller then stays on one thread).
 */
export async function prepareWasmThreads(n: number): Promise<WasmThreadsPrep> {
  if (!Number.isInteger(n) || n < 2 || n > MAX_WASM_THREADS) throw new Error(`wasm threads: expected an integer from 2 to ${MAX_WASM_THREADS}, got ${n}`);
  if (typeof SharedArrayBuffer === 'undefined') throw new Error('wasm threads: SharedArrayBuffer is not available');
  const file = writeWorkerScript();
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const wt = require('node:worker_threads') as typeof import('node:worker_threads');
  const os = require('node:os') as typeof import('node:os');
  const OrigWorker = wt.Worker,
    origCpus = os.cpus;
  class PoolWorker extends OrigWorker {
    constructor(url: string | URL, opts?: import('node:worker_threads').WorkerOptions) {
      const blob = typeof url === 'string' && url.startsWith('blob:');
      // plain Node for the pool (no loader hooks inherited from a tsx/vitest parent: the script is CommonJS)
      super(blob ? file : url, blob ? { ...opts, execArgv: [] } : opts);
      if (blob) this.unref();
    }
    override ref(): void {
      // the pool's threads are waited for synchronously; never let them hold the process open
    }
  }
  (wt as { Worker: unknown }).Worker = PoolWorker;
  const real = origCpus();
  (os as { cpus: unknown }).cpus = () => Array.from({ length: Math.max(2 * n, real.length) }, (_, i) => real[i % real.length]!);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(n);
  let restored = false;
  return {
    restore() {
      if (restored) return;
      restored = true;
      (wt as { Worker: unknown }).Worker = OrigWorker;
      (os as { cpus: unknown }).cpus = origCpus;
    },
  };
}

/**
 * `tf.setBackend('wasm')` with `threads` XNNPACK threads where this process (or worker thread) has not
 * initialised wasm yet.  If the thread pool cannot be prepared, says why on stderr and starts one thread.
 */
export async function setWasmBackend(threads: number): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-wasm');
  let prep: WasmThreadsPrep | undefined;
  if (threads > 1 && !tf.findBackend('wasm')) {
    try {
      prep = await prepareWasmThreads(threads);
    } catch (e) {
      process.stderr.write(`[dlspec] wasm: ${threads} threads unavailable (${e instanceof Error ? e.message : String(e)}); using 1\n`);
    }
  }
  try {
    if (tf.getBackend() === 'wasm') return true;
    return await tf.setBackend('wasm');
  } finally {
    prep?.restore();
  }
}

/** XNNPACK threads of the initialised wasm backend (1 when it is not the wasm backend). */
export async function wasmThreadsInUse(): Promise<number> {
  if (tf.getBackend() !== 'wasm') return 1;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return wasm.getThreadsCount();
}

/**
 * The thread count asked for by `DLSPEC_WASM_THREADS` (an integer 1–8, or `auto` = the number of CPUs,
 * capped at 8); `fallback` when it is unset.  A malformed value is an error naming what is expected.
 */
export function wasmThreadsFromEnv(fallback: number): number {
  const v = process.env.DLSPEC_WASM_THREADS;
  if (v === undefined || v === '') return fallback;
  if (v === 'auto') return Math.min(MAX_WASM_THREADS, Math.max(1, (require('node:os') as typeof import('node:os')).cpus().length));
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) throw new Error(`DLSPEC_WASM_THREADS=${v}: expected an integer from 1 to ${MAX_WASM_THREADS}, or auto`);
  return n;
}
