// The one training loop: steps, stop and resume, checkpoints, progress lines (the trainers' own
// stop/resume specs check that a resumed CIFAR or InfoGAN run equals a straight one).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { checkSameRun, formatDuration, readCheckpoint, runLoop, writeCheckpoint, type LoopSpec } from '../src/training/loop.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlspec-loop-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A toy trainer: its state is the sum of the steps' indices, checkpointed as one tensor. */
function toy(dir: string | undefined, extra: Partial<LoopSpec['control']> = {}) {
  const seen: number[] = [];
  const saved: number[] = [];
  const lines: string[] = [];
  const ck = dir ? readCheckpoint<{ done: number }>(dir) : undefined;
  let sum = ck ? ck.tensor('sum').data[0] : 0;
  const spec: LoopSpec = {
    done: ck?.meta.done ?? 0,
    total: 10,
    imagesPerStep: 4,
    control: { checkpointDir: dir, logEvery: 5, log: (l) => lines.push(l), ...extra },
    step: async (i) => {
      seen.push(i);
      sum += i;
    },
    boundary: async (d) => d % 4 === 0,
    save: async (to, d) => {
      saved.push(d);
      writeCheckpoint(to, { done: d }, [{ name: 'sum', shape: [1], data: Float32Array.of(sum) }]);
    },
    progress: async (d, pace) => `step ${d} ${pace.imgPerSec > 0 ? 'fast' : 'stalled'} ETA ${formatDuration(pace.etaSec)}`,
  };
  return { spec, seen, saved, lines, sum: () => sum };
}

describe('runLoop', () => {
  test('a run stopped after some steps and resumed takes every step once and ends where a straight run ends', async () => {
    const straight = toy(undefined);
    expect(await runLoop(straight.spec)).toEqual({ completed: true, done: 10, stepsNow: 10 });
    const dir = path.join(tmp, 'a');
    const first = toy(dir, { stopAfter: 3 });
    expect(await runLoop(first.spec)).toEqual({ completed: false, done: 3, stepsNow: 3 });
    expect(first.saved).toEqual([3]); // the stop writes a checkpoint
    const second = toy(dir, { checkpointEvery: 3 });
    expect(await runLoop(second.spec)).toMatchObject({ completed: true, done: 10, stepsNow: 7 });
    expect([...first.seen, ...second.seen]).toEqual(straight.seen);
    expect(second.sum()).toBe(straight.sum());
    // boundaries (every 4th step), every 3rd step, and the end
    expect(second.saved).toEqual([4, 6, 8, 9, 10]);
  });
  test('progress lines come every logEvery steps and at the end; none with logEvery 0', async () => {
    const t = toy(undefined);
    await runLoop(t.spec);
    expect(t.lines).toHaveLength(2);
    expect(t.lines[0]).toMatch(/^step 5 fast ETA \d+s$/);
    const quiet = toy(undefined, { logEvery: 0 });
    await runLoop(quiet.spec);
    expect(quiet.lines).toEqual([]);
  });
});

describe('checkpoints', () => {
  test('tensors and meta come back as written; an absent tensor or folder is said', () => {
    const dir = path.join(tmp, 'b');
    expect(readCheckpoint(dir)).toBeUndefined();
    writeCheckpoint(dir, { note: 'x' }, [
      { name: 'w', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
      { name: 'b', shape: [1], data: Float32Array.of(-1) },
    ]);
    const ck = readCheckpoint<{ note: string }>(dir)!;
    expect(ck.meta).toEqual({ note: 'x' });
    expect(ck.names()).toEqual(['w', 'b']);
    expect(ck.tensor('w')).toEqual({ name: 'w', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) });
    expect(Array.from(ck.tensor('b').data)).toEqual([-1]);
    expect(() => ck.tensor('v')).toThrow(`checkpoint in ${dir} lacks v`);
  });
  test('a checkpoint of another run is refused, naming what differs', () => {
    expect(() => checkSameRun('d', { variant: 'he', seed: 1 }, { variant: 'he', seed: 1 })).not.toThrow();
    expect(() => checkSameRun('d', { variant: 'he', seed: 1 }, { variant: 'bn', seed: 1 })).toThrow('checkpoint in d is for variant he, not bn: use another folder or delete it');
  });
  test('durations read as 12s, 3m05s, 1h02m', () => {
    expect([formatDuration(12.4), formatDuration(185), formatDuration(3725), formatDuration(Infinity)]).toEqual(['12s', '3m05s', '1h02m', '?']);
  });
});
