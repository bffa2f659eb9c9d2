/**
 * Functions across the strict sandbox (src/grading/strict.ts, host.mjs, bridge-worker.mjs):
 * the checks' functions passed in as callbacks (synchronous round trips), portable functions
 * (run in the sandbox, state copied back), the student's functions returned as handles, time
 * limits around callbacks, dead handles after a restart, and the scratch folder.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStrict, type StrictModule } from '../src/grading/strict.ts';
import { makeMulCounter } from '../src/mlp/counters.ts';

const SOURCE = `
import fs from 'node:fs';
import path from 'node:path';
export const apply = (f, x) => f(x) + 1;
export const fold = (F, h, xs) => xs.reduce((acc, x) => F(acc, x), h);
export const nested = (o) => o.inner.g(o.arr[0](2));
export const tryCall = (f) => { try { f(); return 'no error'; } catch (e) { return e.name + ': ' + e.message; } };
export const dot = (a, b, mul) => a.reduce((s, x, i) => s + mul(x, b[i], 'dot'), 0);
export const manyMul = (n, mul) => { let s = 0; for (let i = 0; i < n; i++) s += mul(i, 2); return s; };
export const manyCalls = (n, f) => { let s = 0; for (let i = 0; i < n; i++) s += f(i); return s; };
export const spinWith = (f) => { for (;;) f(1); };
export async function model(k) { let calls = 0; return { scale(x) { calls++; return x * k; }, calls: () => calls }; }
export const save = (dir, text) => { fs.mkdirSync(dir, { recursive: true }); fs.writeFileSync(path.join(dir, 'ck.txt'), text); return fs.readFileSync(path.join(dir, 'ck.txt'), 'utf8'); };
export const writeAt = (file) => { try { fs.writeFileSync(file, 'x'); return 'written'; } catch (e) { return e.code; } };
`;

let dir: string;
let m: StrictModule;
const impl = () => m.impl as Record<string, (...a: unknown[]) => unknown>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dlspec-cb-'));
  writeFileSync(path.join(dir, 'index.mjs'), SOURCE);
  m = await openStrict(path.join(dir, 'index.mjs'), dir, { memoryMb: 512, loadTimeoutMs: 20_000 });
  m.setDeadline(performance.now() + 60_000, 60_000);
}, 60_000);
afterAll(async () => {
  await m?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('strict sandbox: functions', () => {
  test('callbacks in arguments, top level and nested', () => {
    expect(impl().apply((x: number) => x * 10, 4)).toBe(41);
    expect(impl().fold((h: number[], x: number) => [h[0] + x], [0], [1, 2, 3])).toEqual([6]);
    expect(impl().nested({ inner: { g: (y: number) => y + 100 }, arr: [(x: number) => x * 3] })).toBe(106);
  });
  test('an error thrown by a callback reaches the student as an exception', () => {
    expect(
      impl().tryCall(() => {
        const e = new Error('bad argument');
        e.name = 'MulArgumentError';
        throw e;
      }),
    ).toBe('MulArgumentError: bad argument');
  });
  test('portable mul: counts, tags and the limit behave as in-process', () => {
    const c = makeMulCounter();
    expect(impl().dot([1, 2, 3], [4, 5, 6], c.mul)).toBe(32);
    expect(c.count).toBe(3);
    expect(c.byTag).toEqual({ dot: 3 });
    const small = makeMulCounter({ limit: 100 });
    expect(() => impl().manyMul(1000, small.mul)).toThrow(/MulArgumentError: more than 100 multiplications: stopped counting/);
    expect(small.count).toBe(101);
    expect(() => impl().dot(['1'], [2], makeMulCounter().mul)).toThrow(/takes two numbers, got string and number/);
  });
  test('many calls: round-trip callbacks and portable calls give the right sums and counts', () => {
    // (their per-call cost is measured by `npm run bench -- grading`, not asserted here)
    const n = 500;
    expect(impl().manyCalls(n, (i: number) => i)).toBe((n * (n - 1)) / 2);
    const c = makeMulCounter();
    expect(impl().manyMul(20_000, c.mul)).toBe(20_000 * 19_999);
    expect(c.count).toBe(20_000);
  }, 60_000);
  test('functions in results are handles into the sandbox', async () => {
    const r = (await impl().model(3)) as { scale: (x: number) => number; calls: () => number };
    expect(typeof r.scale).toBe('function');
    expect(r.scale(2)).toBe(6);
    expect(r.scale(5)).toBe(15);
    expect(r.calls()).toBe(2);
  });
  test('the scratch folder: temporary paths are translated and writable; other writes are denied', () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'dlspec-cb-ck-'));
    try {
      expect(impl().save(path.join(tmp, 'a'), 'hello')).toBe('hello');
      expect(impl().save(path.join(tmp, 'a', 'b'), 'again')).toBe('again');
      expect(existsSync(path.join(tmp, 'a'))).toBe(false); // the grader's folder is untouched
      expect(impl().writeAt(path.join(dir, 'evil.txt'))).toBe('ERR_ACCESS_DENIED');
      expect(impl().writeAt('/var/tmp-evil.txt')).toBe('ERR_ACCESS_DENIED');
      expect(existsSync(path.join(dir, 'evil.txt'))).toBe(false);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  test('a student looping forever around callbacks is stopped at the deadline; its handles die with it', async () => {
    const r = (await impl().model(2)) as { scale: (x: number) => number };
    expect(r.scale(1)).toBe(2);
    let calls = 0;
    m.setDeadline(performance.now() + 500, 500);
    const t = performance.now();
    expect(() => impl().spinWith(() => calls++)).toThrow(/time limit/);
    expect(performance.now() - t).toBeLessThan(5000);
    expect(calls).toBeGreaterThan(0);
    m.setDeadline(performance.now() + 60_000, 60_000);
    expect(impl().apply((x: number) => x, 1)).toBe(2); // a fresh sandbox
    expect(() => r.scale(1)).toThrow(/can no longer be called/);
    // a callback request the killed sandbox sent just before the kill must not be answered into
    // the next sandbox (it read the stale answer: apply returned calls + 1 in 6 of 20 restarts)
    for (let i = 0; i < 6; i++) {
      let n = 0;
      m.setDeadline(performance.now() + 150, 150);
      expect(() => impl().spinWith(() => n++)).toThrow(/time limit/);
      m.setDeadline(performance.now() + 60_000, 60_000);
      expect(
        impl().apply((x: number) => x, 1),
        `restart ${i + 1}, after ${n} callbacks`,
      ).toBe(2);
    }
  }, 30_000);
});
