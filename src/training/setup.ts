/**
 * One call to get a tfjs backend that can train conv nets on CPU: `wasm` with the training
 * kernels of ./kernels/wasm.ts registered (the default), or the pure-JS `cpu` reference, or
 * `tensorflow` (tfjs-node-gpu, for the `gpu` tests).
 * Used by each training worker (every worker thread has its own tfjs engine and wasm instance).
 */
import * as tf from '@tensorflow/tfjs';
import { registerBatchNormKernels } from './kernels/batchnorm.ts';
import { registerWasmTrainingKernels } from './kernels/wasm.ts';
import { setWasmBackend, wasmThreadsFromEnv } from '../wasm-threads.ts';

export type TrainingBackend = 'wasm' | 'cpu' | 'tensorflow';

/**
 * wasm runs the XNNPACK threads `DLSPEC_WASM_THREADS` asks for (default 1; src/wasm-threads.ts), where this
 * process (or worker thread) has not initialised wasm yet.
 */
export async function setupTrainingBackend(name: TrainingBackend = 'wasm'): Promise<TrainingBackend> {
  if (name === 'tensorflow') {
    // native TensorFlow (tfjs-node-gpu, CUDA): an optional dependency, absent on CPU machines
    await import(/* @vite-ignore */ '@tensorflow/tfjs-node-gpu' as string);
  }
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  registerTrainingKernels(name);
  const ok = name === 'wasm' ? await setWasmBackend(wasmThreadsFromEnv(1)) : tf.getBackend() === name || (await tf.setBackend(name));
  if (!ok) throw new Error(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
  return name;
}

/**
 * Register dlspec's training kernels for a backend (from setupTrainingBackend, or from code that chose
 * the backend with `initBackend()` in src/backend.ts): on wasm the conv weight gradient
 * (`Conv2DBackpropFilter`) is missing without them, and its strided input gradient and transposed
 * matMuls are slow paths.  Idempotent.
 */
export function registerTrainingKernels(backend: string): void {
  if (backend === 'wasm') registerWasmTrainingKernels();
  registerBatchNormKernels();
}
