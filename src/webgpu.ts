/**
 * WebGPU for tfjs in Node: `@tensorflow/tfjs-backend-webgpu` on Dawn, which the `webgpu` package ships
 * prebuilt (no download at install; both are optional dependencies). Dawn runs on any Vulkan driver:
 * a GPU's own (NVIDIA's, or Mesa's for AMD and Intel) or Mesa's software rasterizer llvmpipe, which
 * makes the GPU code path testable on a CPU machine (slowly). Debian 12's own Mesa (22.3) gives Dawn
 * no adapter; bookworm-backports' (25.x) gives llvmpipe.
 *
 * `probeWebGpu()` says whether an adapter exists, or what is missing (the package, the Vulkan loader,
 * a driver) in one line; `useWebGpu()` makes `webgpu` tfjs's backend.
 *
 * tfjs's webgpu backend reads a GPU tensor back only asynchronously in Node (`await t.data()`): its
 * `dataSync` draws through an OffscreenCanvas, which Node lacks. Code that trains on it reads its
 * results with `data()`; a synchronous read fails with `WEBGPU_SYNC_READ` instead of a stack trace.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

export type WebGpuProbe =
  | {
      ok: true;
      /** the adapter's description as Dawn reports it, e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)" or an NVIDIA GPU's name */
      description: string;
      /** a software adapter (llvmpipe, SwiftShader): correct, but a correctness path, not a speed one */
      software: boolean;
    }
  | { ok: false; reason: string };

export const WEBGPU_SYNC_READ =
  'the webgpu backend cannot read a tensor synchronously in Node (dataSync/arraySync need an OffscreenCanvas): this code path needs DLSPEC_BACKEND=auto (or wasm); training on webgpu reads with await data()';

/** How to get an adapter, for skip and error messages. */
export const WEBGPU_HOWTO =
  'a GPU with its Vulkan driver (NVIDIA: the proprietary driver, whose package includes its Vulkan ICD, plus libvulkan1; AMD/Intel: mesa-vulkan-drivers libvulkan1), or for a software adapter on Debian 12: add the bookworm-backports suite and apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1 (scripts/install-vulkan-llvmpipe.sh does both)';

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
interface DawnModule {
  create(flags: string[]): { requestAdapter(o?: object): Promise<GpuAdapterLike | null> };
  globals: Record<string, unknown>;
}

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

interface Fs {
  exists(p: string): boolean;
  list(dir: string): string[];
}
const realFs: Fs = { exists: existsSync, list: (d) => readdirSync(d) };

/** the Vulkan drivers (ICD manifests) the loader would see */
export function vulkanDrivers(env: NodeJS.ProcessEnv = process.env, fs: Fs = realFs): string[] {
  const listed = env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES;
  if (listed) return listed.split(':').filter((f) => fs.exists(f));
  return ICD_DIRS.flatMap((d) => (fs.exists(d) ? fs.list(d).filter((f) => f.endsWith('.json')) : []));
}

/** what Dawn lacks to find a Vulkan adapter (the loader, a driver), or undefined */
export function missingVulkan(env: NodeJS.ProcessEnv = process.env, fs: Fs = realFs): string | undefined {
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIB_DIRS];
  if (!dirs.some((d) => fs.exists(`${d}/libvulkan.so.1`))) return `no Vulkan loader (libvulkan.so.1) on this machine; WebGPU needs ${WEBGPU_HOWTO}`;
  const listed = env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES;
  if (!vulkanDrivers(env, fs).length)
    return `no Vulkan driver (${listed ? `none of the files VK_DRIVER_FILES/VK_ICD_FILENAMES names exists: ${listed}` : `no ICD in ${ICD_DIRS.join(', ')}`}); WebGPU needs ${WEBGPU_HOWTO}`;
  return undefined;
}

function isSoftware(a: GpuAdapterLike, description: string): boolean {
  return a.info?.isFallbackAdapter === true || a.isFallbackAdapter === true || a.info?.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(description);
}

let dawn: DawnModule | undefined;
let gpu: ReturnType<DawnModule['create']> | undefined;
let probed: Promise<WebGpuProbe> | undefined;

async function probe(): Promise<WebGpuProbe> {
  const pkg = 'webgpu'; // a variable: bundlers and vite leave the optional package alone
  try {
    dawn = (await import(/* @vite-ignore */ pkg)) as DawnModule;
  } catch {
    return { ok: false, reason: 'the optional packages webgpu and @tensorflow/tfjs-backend-webgpu are not installed (npm install installs them where the platform allows)' };
  }
  const missing = missingVulkan();
  if (missing) return { ok: false, reason: missing };
  gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) {
    return {
      ok: false,
      reason: `Vulkan drivers found (${vulkanDrivers().join(', ')}) but Dawn gets no adapter from them (Debian 12's own Mesa 22.3 is too old: apt-get install -t bookworm-backports mesa-vulkan-drivers); WebGPU needs ${WEBGPU_HOWTO}`,
    };
  }
  const i = adapter.info ?? {};
  const description = i.description || [i.vendor, i.architecture, i.device].filter(Boolean).join(' ') || 'unnamed adapter';
  // the tfjs backend registers itself only where navigator.gpu exists when it is imported
  installNavigatorGpu(dawn, gpu);
  try {
    await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-webgpu' as string);
  } catch {
    return { ok: false, reason: 'the optional package @tensorflow/tfjs-backend-webgpu is not installed (npm install installs it)' };
  }
  return { ok: true, description, software: isSoftware(adapter, description) };
}

function installNavigatorGpu(d: DawnModule, g: ReturnType<DawnModule['create']>): void {
  for (const [k, v] of Object.entries(d.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav?.gpu) return;
  // Node ≥ 21 has a global navigator without gpu: define the property on it
  if (nav) Object.defineProperty(nav, 'gpu', { value: g, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: g }, configurable: true, writable: true });
}

/** Whether Dawn finds a WebGPU adapter here (probed once per process or worker thread). */
export function probeWebGpu(): Promise<WebGpuProbe> {
  probed ??= probe();
  return probed;
}

/**
 * Make `webgpu` the tfjs backend (the adapter must exist: `probeWebGpu()` first). Idempotent.
 * Returns false where tfjs could not start it.
 */
export async function useWebGpu(): Promise<boolean> {
  const p = await probeWebGpu();
  if (!p.ok) return false;
  // engine().backendName, not getBackend(): that would start the highest-priority backend, webgpu, synchronously
  if (tf.engine().backendName !== 'webgpu' && !(await tf.setBackend('webgpu').catch(() => false))) return false;
  patchSyncRead();
  return true;
}

/** a synchronous read of a GPU-resident tensor says why it cannot work, in one line */
function patchSyncRead(): void {
  const be = tf.findBackend('webgpu') as unknown as { readSync(id: object): unknown; dlspecPatched?: boolean } | null;
  if (!be || be.dlspecPatched) return;
  const orig = be.readSync.bind(be);
  be.readSync = (id: object) => {
    try {
      return orig(id);
    } catch (e) {
      if (/OffscreenCanvas/.test(String(e))) throw new Error(WEBGPU_SYNC_READ);
      throw e;
    }
  };
  be.dlspecPatched = true;
}
