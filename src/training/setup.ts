/**
 * One call to get a tfjs backend that can train conv nets: `wasm` with the training kernels of
 * ./kernels/wasm.ts registered (the default, CPU), or the pure-JS `cpu` reference, or for the `gpu`
 * tests `tensorflow` (tfjs-node-gpu, CUDA) or `webgpu` (Dawn on a Vulkan driver, src/webgpu.ts; its
 * stock kernels train both networks: spec/gpu-smoke.spec.ts proves them against cpu and wasm).
 * Used by each training worker (every worker thread has its own tfjs engine and wasm instance).
 * On webgpu results must be read with `await data()` (Replica's async methods do).
 */
import * as tf from '@tensorflow/tfjs';
import { registerBatchNormKernels } from './kernels/batchnorm.ts';
import { registerWasmTrainingKernels } from './kernels/wasm.ts';
import { setWasmBackend, wasmThreadsFromEnv } from '../wasm-threads.ts';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { missingVulkan, probeWebGpu, useWebGpu } from '../webgpu.ts';

export type TrainingBackend = 'wasm' | 'cpu' | 'tensorflow' | 'webgpu';

/**
 * wasm runs the XNNPACK threads `DLSPEC_WASM_THREADS` asks for (default 1; src/wasm-threads.ts), where this
 * process (or worker thread) has not initialised wasm yet.
 */
export async function setupTrainingBackend(name: TrainingBackend = 'wasm'): Promise<TrainingBackend> {
  if (name === 'tensorflow') {
    // native TensorFlow (tfjs-node-gpu, CUDA): an optional dependency, absent on CPU machines
    await import(/* @vite-ignore */ '@tensorflow/tfjs-node-gpu' as string);
  }
  if (name === 'webgpu') {
    const p = await probeWebGpu();
    if (!p.ok) throw new Error(`tfjs backend webgpu: ${p.reason}`);
  }
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  registerTrainingKernels(name);
  const ok = name === 'wasm' ? await setWasmBackend(wasmThreadsFromEnv(1)) : name === 'webgpu' ? await useWebGpu() : tf.getBackend() === name || (await tf.setBackend(name));
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

/**
 * The GPU backend the `gpu` tests train on, best first: tfjs-node-gpu where it loads (CUDA 11.2 +
 * cuDNN 8.1), else webgpu on a hardware adapter. DLSPEC_GPU_BACKEND=webgpu takes webgpu on any adapter
 * (a software one too), =tensorflow only tfjs-node-gpu. (Not DLSPEC_BACKEND: that one also moves the
 * checks, which read synchronously, onto webgpu.)
 * Otherwise `reason` says what is missing.
 */
export async function gpuTrainingBackend(): Promise<{ backend: 'tensorflow' | 'webgpu'; detail: string } | { backend: undefined; reason: string }> {
  const force = process.env.DLSPEC_GPU_BACKEND;
  if (force !== 'webgpu') {
    try {
      await import(/* @vite-ignore */ '@tensorflow/tfjs-node-gpu' as string);
      if (tf.findBackend('tensorflow')) return { backend: 'tensorflow', detail: '@tensorflow/tfjs-node-gpu (native TensorFlow with CUDA)' };
    } catch {
      // not installed, or its CUDA 11 libraries are missing: try WebGPU
    }
  }
  if (force === 'tensorflow') return { backend: undefined, reason: 'DLSPEC_GPU_BACKEND=tensorflow: @tensorflow/tfjs-node-gpu does not load (it needs CUDA 11.2 and cuDNN 8.1)' };
  const p = await probeWebGpu();
  if (!p.ok) return { backend: undefined, reason: `@tensorflow/tfjs-node-gpu does not load and WebGPU has no adapter: ${p.reason}` };
  if (p.software && force !== 'webgpu') {
    return {
      backend: undefined,
      reason: `@tensorflow/tfjs-node-gpu does not load and WebGPU has only a software adapter (${p.description}); DLSPEC_GPU_BACKEND=webgpu trains on it anyway (hours, not minutes)`,
    };
  }
  return { backend: 'webgpu', detail: `WebGPU (Dawn) on ${p.description}` };
}

/**
 * Why the `gpu` claims cannot run here, or undefined: for the specs' skip decision, without starting
 * Dawn (gpuTrainingBackend confirms when the claims run). They run with tfjs-node-gpu, or with WebGPU
 * where a GPU device node (/dev/nvidia0, /dev/dri/renderD*) and a Vulkan driver exist, or with
 * DLSPEC_GPU_BACKEND=webgpu on any adapter (llvmpipe: days).
 */
export function gpuSkipReason(): string | undefined {
  const resolves = (pkg: string) => {
    try {
      createRequire(import.meta.url).resolve(pkg);
      return true;
    } catch {
      return false;
    }
  };
  const force = process.env.DLSPEC_GPU_BACKEND;
  if (force !== 'webgpu' && resolves('@tensorflow/tfjs-node-gpu')) return undefined;
  if (force === 'tensorflow') return 'DLSPEC_GPU_BACKEND=tensorflow: @tensorflow/tfjs-node-gpu is not installed';
  const why = 'no GPU to train on: @tensorflow/tfjs-node-gpu is not installed (it needs CUDA 11 and a download at install time) and WebGPU';
  if (!resolves('webgpu') || !resolves('@tensorflow/tfjs-backend-webgpu')) return `${why} is not installed (npm install)`;
  const missing = missingVulkan();
  if (missing) return `${why} finds ${missing}`;
  if (force === 'webgpu') return undefined;
  const device = existsSync('/dev/nvidia0') || (existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('renderD')));
  return device
    ? undefined
    : `${why} finds no GPU here (no /dev/nvidia0, no /dev/dri/renderD*): a GPU with its Vulkan driver is needed (DLSPEC_GPU_BACKEND=webgpu trains on a software adapter instead: days)`;
}
