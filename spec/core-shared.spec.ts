/** Shared pieces: the submission seam, the PNG image grid, He-init fans. */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { loadModule, subjectFromEnv, submissionEntry } from '../src/grading/subject.ts';
import { REFERENCE_SEED } from '../src/claims/run.ts';
import { seedFrom } from '../src/verify/rng.ts';
import { renderGrid, writeGridPng } from '../src/plot/image-grid.ts';
import { fanIn, fanOut, heStd } from '../src/init/he.ts';

describe('submission seam (DLSPEC_SUBMISSION, DLSPEC_SEED)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dlspec-sub-'));
  writeFileSync(path.join(dir, 'index.ts'), 'export const answer: string = "n^2";\nexport function twice(x: number) { return 2 * x; }\n');
  const bare = path.join(dir, 'bare');
  mkdirSync(bare);
  test('reference by default, with the fixed reference seed', () => {
    expect(subjectFromEnv({})).toEqual({ mode: 'reference', seed: REFERENCE_SEED });
  });
  test('a submission folder or file, and a numeric or student-id seed', () => {
    expect(subjectFromEnv({ DLSPEC_SUBMISSION: dir, DLSPEC_SEED: '17' })).toEqual({ mode: 'submission', entry: path.join(dir, 'index.ts'), seed: 17 });
    expect(subjectFromEnv({ DLSPEC_SUBMISSION: path.join(dir, 'index.ts'), DLSPEC_SEED: 'alice' }).seed).toBe(seedFrom('alice'));
  });
  test('clear errors for a missing path or a folder without a module', () => {
    expect(() => submissionEntry(path.join(dir, 'nope'))).toThrow(/submission not found/);
    expect(() => submissionEntry(bare)).toThrow(/no submission module in .*: expected one of index\.ts, /);
  });
  test('a TypeScript submission loads without a build step', async () => {
    const mod = await loadModule(submissionEntry(dir));
    expect(mod.answer).toBe('n^2');
    expect((mod.twice as (x: number) => number)(4)).toBe(8);
  });
});

describe('PNG image grid', () => {
  const tile = (v: number[], c: 1 | 3 = 1) => ({ data: v, h: 2, w: 2, c });
  test('renders tiles scaled and normalised, and writes a PNG that decodes', () => {
    const png = renderGrid([tile([0, 1, 2, 3]), tile([5, 5, 5, 5])], { cols: 2, scale: 3, pad: 1 });
    expect(png.width).toBe(2 * (2 * 3 + 1) + 1);
    expect(png.height).toBe(2 * 3 + 2);
    // top-left pixel of tile 0 is its minimum → black; the constant tile maps to 0 as well
    expect(Array.from(png.data.subarray((1 * png.width + 1) * 4, (1 * png.width + 1) * 4 + 3))).toEqual([0, 0, 0]);
    const g = renderGrid([tile([0, 0.5, 1, 1]), tile([0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1], 3)], { cols: 1, normalize: 'global', scale: 1, pad: 0 });
    expect(g.height).toBe(4);
    const n = renderGrid([tile([0, 0.5, 1, 1])], { cols: 4, normalize: 'none', scale: 1, pad: 0 });
    expect(n.data[4]).toBe(128);
    const file = writeGridPng(path.join(mkdtempSync(path.join(os.tmpdir(), 'dlspec-png-')), 'sub', 'g.png'), [tile([0, 1, 2, 3])], { cols: 1 });
    expect(PNG.sync.read(readFileSync(file)).width).toBeGreaterThan(0);
  });
  test('rejects empty input, mismatched tiles and short data', () => {
    expect(() => renderGrid([], { cols: 1 })).toThrow(/no tiles/);
    expect(() => renderGrid([tile([0, 1, 2, 3]), { data: [1], h: 1, w: 1, c: 1 }], { cols: 2 })).toThrow(/every tile must be 2×2, got 1×1/);
    expect(() => renderGrid([{ data: [1, 2], h: 2, w: 2, c: 1 }], { cols: 1 })).toThrow(/needs 4 values, got 2/);
  });
});

describe('He initialization helpers', () => {
  test('std = √(2/n), fans of dense and conv weights in tfjs layout', () => {
    expect(heStd(50)).toBeCloseTo(0.2, 12);
    expect(fanIn([120, 84])).toBe(120);
    expect(fanOut([120, 84])).toBe(84);
    expect(fanIn([5, 5, 3, 6])).toBe(75);
    expect(fanOut([5, 5, 3, 6])).toBe(150);
    expect(() => heStd(0)).toThrow(/fan must be a positive number, got 0/);
    expect(() => fanIn([3])).toThrow(/expected a dense/);
    expect(() => fanOut([3, 3, 3])).toThrow(/expected a dense/);
  });
});
