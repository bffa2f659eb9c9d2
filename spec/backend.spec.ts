/** The tfjs backend choice: best available first, forced choices, clear errors, one log line. */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { initBackend, resetBackendChoice, tf } from '../src/backend.ts';

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
    await expect(initBackend({ force: 'tpu', quiet: true })).rejects.toThrow(/unknown backend; expected one of auto, gpu, tensorflow, wasm, cpu/);
  });
});
