/**
 * Choosing the TensorFlow.js backend at run time, best first:
 *   1. @tensorflow/tfjs-node-gpu  (optionalDependency; native CUDA library, downloaded at install)
 *   2. @tensorflow/tfjs-node      (native CPU library, same caveat)
 *   3. @tensorflow/tfjs-backend-wasm (ships its .wasm files in the package; SIMD is used
 *      automatically; one thread unless `DLSPEC_WASM_THREADS` asks for more — tfjs cannot start its
 *      thread pool in Node by itself; src/wasm-threads.ts does)
 *   4. the pure-JS cpu backend.
 * Offline installs silently drop (1) and (2): their absence is the normal case and makes no
 * noise.  The choice is logged once, on stderr, as `[dlspec] tfjs backend: …`.
 * `DLSPEC_BACKEND=cpu|wasm|tensorflow` forces one (an unavailable forced backend is an error).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmBackend, wasmThreadsFromEnv, wasmThreadsInUse } from './wasm-threads.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** which package provided it */
  package: string;
  gpu: boolean;
  detail: string;
}

let chosen: Promise<BackendInfo> | undefined;

async function tryNative(pkg: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ pkg);
    return tf.findBackend('tensorflow') !== null && (await tf.setBackend('tensorflow'));
  } catch {
    return false; // not installed (offline install dropped it) or its native library is missing
  }
}

async function tryWasm(): Promise<boolean> {
  const threads = wasmThreadsFromEnv(1); // a malformed DLSPEC_WASM_THREADS is an error, not a silent fallback
  try {
    return await setWasmBackend(threads);
  } catch {
    return false;
  }
}

async function choose(force?: string): Promise<BackendInfo> {
  const want = force && force !== 'auto' ? force : undefined;
  if (!want || want === 'tensorflow' || want === 'gpu') {
    if (want !== 'tensorflow' && (await tryNative('@tensorflow/tfjs-node-gpu'))) {
      return { name: 'tensorflow', package: '@tensorflow/tfjs-node-gpu', gpu: true, detail: 'native TensorFlow with CUDA' };
    }
    if (want !== 'gpu' && (await tryNative('@tensorflow/tfjs-node'))) {
      return { name: 'tensorflow', package: '@tensorflow/tfjs-node', gpu: false, detail: 'native TensorFlow (CPU)' };
    }
    if (want) throw new Error(`DLSPEC_BACKEND=${want}: @tensorflow/tfjs-node${want === 'gpu' ? '-gpu' : ''} is not installed or its native library is missing`);
  }
  if (!want || want === 'wasm') {
    if (await tryWasm()) {
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', gpu: false, detail: `WebAssembly, SIMD ${simd ? 'on' : 'off'}, ${await threadsLabel()}` };
    }
    if (want) throw new Error('DLSPEC_BACKEND=wasm: @tensorflow/tfjs-backend-wasm failed to initialise');
  }
  if (!want || want === 'cpu') {
    await tf.setBackend('cpu');
    return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', gpu: false, detail: 'pure JavaScript' };
  }
  throw new Error(`DLSPEC_BACKEND=${want}: unknown backend; expected one of auto, gpu, tensorflow, wasm, cpu`);
}

async function threadsLabel(): Promise<string> {
  const n = await wasmThreadsInUse();
  return n === 1 ? '1 thread' : `${n} threads`;
}

/**
 * Initialise tfjs once per process and return what runs.  Later calls return the same promise.
 */
export function initBackend(opts: { force?: string; quiet?: boolean } = {}): Promise<BackendInfo> {
  if (!chosen) {
    chosen = choose(opts.force ?? process.env.DLSPEC_BACKEND).then(async (info) => {
      await tf.ready();
      if (!opts.quiet && !process.env.DLSPEC_QUIET_BACKEND) {
        process.stderr.write(`[dlspec] tfjs backend: ${info.name} (${info.package}; ${info.detail})\n`);
      }
      return info;
    });
  }
  return chosen;
}

/** For tests: forget the choice so the next initBackend() chooses again. */
export function resetBackendChoice(): void {
  chosen = undefined;
}

export { tf };
