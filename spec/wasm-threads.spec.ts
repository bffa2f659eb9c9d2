/**
 * tfjs wasm with XNNPACK threads in Node (src/wasm-threads.ts): the pool really starts (the count is
 * reported by the C side, which caps it silently), results are bit-for-bit those of one thread
 * (convolutions, dlspec's gradient kernels, matMul, three LeNet training steps), a finished process
 * exits, and bad settings are errors that say what is expected.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { prepareWasmThreads, wasmThreadsFromEnv } from '../src/wasm-threads.ts';

const probe = (threads: string): Record<string, unknown> => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'spec/wasm-threads-probe.ts'], {
    encoding: 'utf8',
    env: { ...process.env, DLSPEC_WASM_THREADS: threads, DLSPEC_QUIET_BACKEND: '1' },
    timeout: 60_000, // a pool worker holding the process open would run into this
  });
  if (r.status !== 0) throw new Error(`probe with DLSPEC_WASM_THREADS=${threads} failed (status ${r.status}, signal ${r.signal}, ${r.error?.message ?? 'no spawn error'}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
};

describe('wasm threads in Node', () => {
  test('2 threads start, and give bit-identical convolutions, gradients, matMul and LeNet steps to 1 thread', () => {
    const one = probe('1'),
      two = probe('2');
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    const keys = Object.keys(one).filter((k) => k !== 'threads');
    expect(keys).toEqual(expect.arrayContaining(['conv2d', 'filterGrad', 'inputGrad', 'matMul', 'lenet/conv1W', 'lenet/fc3b']));
    for (const k of keys) expect(two[k], k).toEqual(one[k]);
  }, 120_000);

  const saved = process.env.DLSPEC_WASM_THREADS;
  afterEach(() => {
    if (saved === undefined) delete process.env.DLSPEC_WASM_THREADS;
    else process.env.DLSPEC_WASM_THREADS = saved;
  });
  test('DLSPEC_WASM_THREADS: unset → the fallback; 1–8 or auto; anything else is an error naming what is expected', async () => {
    delete process.env.DLSPEC_WASM_THREADS;
    expect(wasmThreadsFromEnv(1)).toBe(1);
    process.env.DLSPEC_WASM_THREADS = '3';
    expect(wasmThreadsFromEnv(1)).toBe(3);
    process.env.DLSPEC_WASM_THREADS = 'auto';
    expect(wasmThreadsFromEnv(1)).toBeGreaterThanOrEqual(1);
    for (const bad of ['0', '9', '1.5', 'two']) {
      process.env.DLSPEC_WASM_THREADS = bad;
      expect(() => wasmThreadsFromEnv(1)).toThrow(new RegExp(`DLSPEC_WASM_THREADS=${bad.replace('.', '\\.')}: expected an integer from 1 to 8, or auto`));
    }
    await expect(prepareWasmThreads(1)).rejects.toThrow(/expected an integer from 2 to 8, got 1/);
    await expect(prepareWasmThreads(9)).rejects.toThrow(/expected an integer from 2 to 8, got 9/);
  });
});
