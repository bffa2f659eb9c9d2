/** The tfjs backend choice: best available first, forced choices, clear errors, one log line. */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { initBackend, resetBackendChoice, tf } from '../src/backend.ts';
import { missingVulkan, probeWebGpu } from '../src/webgpu.ts';
import { setupTrainingBackend } from '../src/training/setup.ts';

describe('tfjs backend selection', () => {
  // test files share a worker's modules (vitest `isolate: false`): another file may have chosen already
  beforeEach(() => resetBackendChoice());
  afterEach(() => {
    resetBackendChoice();
    vi.restoreAllMocks();
  });
  test('auto: the best available backend runs and is logged once (tfjs-node packages absent offline: no noise)', async () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const info = await initBackend({ force: 'auto' });
    expect(await initBackend()).toBe(info); // same choice for the whole process
    expect(['tensorflow', 'wasm', 'cpu']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.name);
    const lines = spy.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('[dlspec] tfjs backend'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(info.name);
    // nothing else was printed while probing the optional native packages
    expect(spy.mock.calls.length).toBe(1);
  });
  test('forced cpu and wasm work; forced native backends fail clearly when not installed; unknown names are rejected', async () => {
    expect((await initBackend({ force: 'cpu', quiet: true })).name).toBe('cpu');
    resetBackendChoice();
    expect((await initBackend({ force: 'wasm', quiet: true })).detail).toMatch(/SIMD/);
    resetBackendChoice();
    let native = false;
    try {
      const pkg = '@tensorflow/tfjs-node';
      await import(/* @vite-ignore */ pkg);
      native = true;
    } catch {
      native = false;
    }
    if (!native) {
      await expect(initBackend({ force: 'tensorflow', quiet: true })).rejects.toThrow(/@tensorflow\/tfjs-node is not installed/);
      resetBackendChoice();
      await expect(initBackend({ force: 'gpu', quiet: true })).rejects.toThrow(/tfjs-node-gpu is not installed/);
      resetBackendChoice();
    }
    await expect(initBackend({ force: 'tpu', quiet: true })).rejects.toThrow(/unknown backend; expected one of auto, gpu, tensorflow, webgpu, wasm, cpu/);
  });
  test('webgpu: forced, it runs and the log names the adapter, or it fails naming what is missing; auto never takes a software adapter nor webgpu for synchronous readers', async () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const probe = await probeWebGpu();
    if (probe.ok) {
      const info = await initBackend({ force: 'webgpu' });
      expect(info.name).toBe('webgpu');
      expect(tf.getBackend()).toBe('webgpu');
      const line = spy.mock.calls.map((c) => String(c[0])).find((l) => l.includes('[dlspec] tfjs backend'));
      expect(line).toContain(`WebGPU (Dawn) on ${probe.description}`);
      expect(info.gpu).toBe(!probe.software);
    } else {
      await expect(initBackend({ force: 'webgpu' })).rejects.toThrow(`DLSPEC_BACKEND=webgpu: ${probe.reason}`);
    }
    resetBackendChoice();
    expect((await initBackend({ force: 'auto', quiet: true })).name).not.toBe('webgpu');
    resetBackendChoice();
    if (!probe.ok || probe.software) expect((await initBackend({ force: 'auto', quiet: true, asyncReads: true })).name).not.toBe('webgpu');
    resetBackendChoice();
    await setupTrainingBackend('wasm'); // the next file in this worker gets a CPU backend back
  });
  test('what Dawn lacks is named: the Vulkan loader, then a driver', () => {
    const none = { exists: () => false, list: () => [] };
    expect(missingVulkan({}, none)).toMatch(/^no Vulkan loader \(libvulkan\.so\.1\).*apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1/);
    const loaderOnly = { exists: (p: string) => p.endsWith('libvulkan.so.1'), list: () => [] };
    expect(missingVulkan({}, loaderOnly)).toMatch(/^no Vulkan driver \(no ICD in \/usr\/share\/vulkan\/icd\.d/);
    const both = { exists: () => true, list: () => ['lvp_icd.x86_64.json', 'README'] };
    expect(missingVulkan({}, both)).toBeUndefined();
    // VK_DRIVER_FILES names the drivers itself: one that does not exist is none
    expect(missingVulkan({ VK_DRIVER_FILES: '/nowhere/icd.json' }, { exists: (p: string) => !p.startsWith('/nowhere'), list: () => ['x.json'] })).toMatch(/^no Vulkan driver/);
  });
});
