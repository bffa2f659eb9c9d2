/**
 * Choosing the TensorFlow.js backend at run time, best first:
 *   1. @tensorflow/tfjs-node-gpu  (optionalDependency; native CUDA library, downloaded at install)
 *   2. webgpu: @tensorflow/tfjs-backend-webgpu on Dawn (the `webgpu` package; optionalDependencies
 *      that install offline), where a Vulkan driver gives an adapter (src/webgpu.ts).  Only for
 *      callers that read results asynchronously (`asyncReads`: tfjs cannot read a webgpu tensor
 *      synchronously in Node), and in auto only a hardware adapter: a software one (llvmpipe) is a
 *      correctness path, chosen only when forced
 *   3. @tensorflow/tfjs-node      (native CPU library, downloaded at install like 1)
 *   4. @tensorflow/tfjs-backend-wasm (ships its .wasm files in the package; SIMD is used
 *      automatically; one thread unless `DLSPEC_WASM_THREADS` asks for more — tfjs cannot start its
 *      thread pool in Node by itself; src/wasm-threads.ts does)
 *   5. the pure-JS cpu backend.
 * Offline installs silently drop (1) and (3): their absence is the normal case and makes no
 * noise.  The choice is logged once, on stderr, as `[dlspec] tfjs backend: …` (for webgpu with the
 * adapter's description).
 * `DLSPEC_BACKEND=cpu|wasm|webgpu|tensorflow|gpu` forces one (an unavailable forced backend is an
 * error that names what is missing).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmBackend, wasmThreadsFromEnv, wasmThreadsInUse } from './wasm-threads.ts';
import { probeWebGpu, useWebGpu } from './webgpu.ts';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** which package provided it */
  package: string;
  gpu: boolean;
  detail: string;
}

/** a forced backend (DLSPEC_BACKEND) that is not available here: the CLI prints its one line, no stack */
export class BackendUnavailable extends Error {
  override name = 'BackendUnavailable';
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

/** webgpu where an adapter exists (`software`: a software one counts too), else why not */
async function tryWebGpu(software: boolean): Promise<BackendInfo | string> {
  const p = await probeWebGpu();
  if (!p.ok) return p.reason;
  if (p.software && !software) return `only a software adapter (${p.description})`;
  if (!(await useWebGpu())) return `tfjs could not start its webgpu backend on ${p.description}`;
  return { name: 'webgpu', package: '@tensorflow/tfjs-backend-webgpu', gpu: !p.software, detail: `WebGPU (Dawn) on ${p.description}${p.software ? ', a software adapter: correct, not fast' : ''}` };
}

async function choose(force: string | undefined, asyncReads: boolean): Promise<BackendInfo> {
  const want = force && force !== 'auto' ? force : undefined;
  if (want === 'webgpu') {
    const w = await tryWebGpu(true);
    if (typeof w === 'string') throw new BackendUnavailable(`DLSPEC_BACKEND=webgpu: ${w}`);
    return w;
  }
  if (!want || want === 'tensorflow' || want === 'gpu') {
    if (want !== 'tensorflow' && (await tryNative('@tensorflow/tfjs-node-gpu'))) {
      return { name: 'tensorflow', package: '@tensorflow/tfjs-node-gpu', gpu: true, detail: 'native TensorFlow with CUDA' };
    }
    if (want === 'gpu' || (!want && asyncReads)) {
      const w = await tryWebGpu(false);
      if (typeof w !== 'string') return w;
      if (want)
        throw new BackendUnavailable(`DLSPEC_BACKEND=gpu: @tensorflow/tfjs-node-gpu is not installed or its native library is missing, and WebGPU has ${/^only/.test(w) ? w : `no adapter: ${w}`}`);
    }
    if (want !== 'gpu' && (await tryNative('@tensorflow/tfjs-node'))) {
      return { name: 'tensorflow', package: '@tensorflow/tfjs-node', gpu: false, detail: 'native TensorFlow (CPU)' };
    }
    if (want) throw new BackendUnavailable(`DLSPEC_BACKEND=${want}: @tensorflow/tfjs-node is not installed or its native library is missing`);
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
  throw new BackendUnavailable(`DLSPEC_BACKEND=${want}: unknown backend; expected one of auto, gpu, tensorflow, webgpu, wasm, cpu`);
}

async function threadsLabel(): Promise<string> {
  const n = await wasmThreadsInUse();
  return n === 1 ? '1 thread' : `${n} threads`;
}

/**
 * Initialise tfjs once per process and return what runs.  Later calls return the same promise.
 * `asyncReads`: the caller reads tensors only with `await data()`, so auto may choose webgpu.
 */
export function initBackend(opts: { force?: string; quiet?: boolean; asyncReads?: boolean } = {}): Promise<BackendInfo> {
  if (!chosen) {
    chosen = choose(opts.force ?? process.env.DLSPEC_BACKEND, opts.asyncReads ?? false).then(async (info) => {
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
