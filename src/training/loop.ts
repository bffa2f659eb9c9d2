/**
 * The one training loop every trainer runs: steps counted over the whole run, a stop after some
 * steps of this call, checkpoints (a folder: meta.json + weights.bin, written then renamed, so a run
 * killed mid-write keeps the previous one) and progress lines with img/s and ETA.  A trainer brings
 * its step, its state's save, and its progress line; the loop brings the rest under one set of names.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What every trainer takes to control a run, under the same names. */
export interface RunControl {
  /** folder for checkpoints; a run resumes from the one it holds */
  checkpointDir?: string;
  /** a checkpoint every this many steps as well (0: only where the trainer marks a boundary, at a stop and at the end) */
  checkpointEvery?: number;
  /** stop after this many steps of this call (a checkpoint is written first) even if the run is not over */
  stopAfter?: number;
  /** a progress line every this many steps (0: none) */
  logEvery?: number;
  /** where progress lines go (default: stderr) */
  log?: (line: string) => void;
}

const cleared = new Set<string>();

/**
 * `dir` as the folder of a process's training checkpoints: emptied the first time a process asks for it,
 * so that a run starts afresh, unless `DLSPEC_RESUME=1` asks to continue the runs an earlier process left there.
 */
export function checkpointRoot(dir: string): string {
  if (!cleared.has(dir) && process.env.DLSPEC_RESUME !== '1') rmSync(dir, { recursive: true, force: true });
  cleared.add(dir);
  return dir;
}

/** One named float32 tensor of a checkpoint. */
export interface StoredTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

interface StoredMeta<M> {
  meta: M;
  tensors: { name: string; shape: number[]; offset: number; size: number }[];
}

/** Write `meta` and `tensors` to `dir` (created), replacing the checkpoint there only once both files are whole. */
export function writeCheckpoint<M>(dir: string, meta: M, tensors: StoredTensor[]): void {
  mkdirSync(dir, { recursive: true });
  const index: StoredMeta<M>['tensors'] = [];
  let offset = 0;
  for (const t of tensors) {
    index.push({ name: t.name, shape: t.shape, offset, size: t.data.length });
    offset += t.data.length;
  }
  const all = new Float32Array(offset);
  tensors.forEach((t, i) => all.set(t.data, index[i].offset));
  writeFileSync(path.join(dir, 'weights.bin.tmp'), Buffer.from(all.buffer));
  writeFileSync(path.join(dir, 'meta.json.tmp'), JSON.stringify({ meta, tensors: index } satisfies StoredMeta<M>));
  renameSync(path.join(dir, 'weights.bin.tmp'), path.join(dir, 'weights.bin'));
  renameSync(path.join(dir, 'meta.json.tmp'), path.join(dir, 'meta.json'));
}

/** A checkpoint read back: its meta and a getter of its tensors (an absent name is an error naming it). */
export interface StoredCheckpoint<M> {
  meta: M;
  has(name: string): boolean;
  tensor(name: string): StoredTensor;
  names(): string[];
}

/** The checkpoint in `dir`, or undefined when there is none. */
export function readCheckpoint<M>(dir: string): StoredCheckpoint<M> | undefined {
  const mf = path.join(dir, 'meta.json');
  if (!existsSync(mf)) return undefined;
  const stored = JSON.parse(readFileSync(mf, 'utf8')) as StoredMeta<M>;
  const buf = readFileSync(path.join(dir, 'weights.bin'));
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const byName = new Map(stored.tensors.map((t) => [t.name, t]));
  return {
    meta: stored.meta,
    has: (name) => byName.has(name),
    names: () => stored.tensors.map((t) => t.name),
    tensor(name) {
      const t = byName.get(name);
      if (!t) throw new Error(`checkpoint in ${dir} lacks ${name}`);
      return { name, shape: t.shape, data: all.slice(t.offset, t.offset + t.size) };
    },
  };
}

/** Refuse a checkpoint made by another run: `have` and `want` name the settings a resume must share. */
export function checkSameRun(dir: string, have: Record<string, unknown>, want: Record<string, unknown>): void {
  const differs = Object.keys(want).filter((k) => have[k] !== want[k]);
  if (!differs.length) return;
  const what = differs.map((k) => `${k} ${String(have[k])}, not ${String(want[k])}`).join('; ');
  throw new Error(`checkpoint in ${dir} is for ${what}: use another folder or delete it`);
}

/** 12s, 3m05s, 1h02m */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.round(s)}s`;
}

/** The rate since the last progress line, and the time the run's remaining steps take at it. */
export interface Pace {
  imgPerSec: number;
  etaSec: number;
}

export interface LoopSpec {
  /** steps already taken (a resumed run's) and the run's total */
  done: number;
  total: number;
  imagesPerStep: number;
  control: RunControl;
  /** take step `i` (0-based, over the whole run) */
  step(i: number): Promise<void>;
  /** after `done` steps and their progress line: work due there (an epoch's evaluation); true when a checkpoint is due there too */
  boundary?(done: number): Promise<boolean>;
  /** the run's state after `done` steps, written to the checkpoint folder */
  save(dir: string, done: number): Promise<void>;
  /** the progress line after `done` steps */
  progress(done: number, pace: Pace): Promise<string>;
}

/** Run steps [done, total), or fewer with `stopAfter`; whether the run is over, and the steps taken now. */
export async function runLoop(s: LoopSpec): Promise<{ completed: boolean; done: number; stepsNow: number }> {
  const c = s.control;
  const log = c.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const end = Math.min(s.total, c.stopAfter !== undefined ? s.done + c.stopAfter : Infinity);
  let done = s.done,
    since = performance.now(),
    sinceDone = done;
  while (done < end) {
    await s.step(done);
    done++;
    if (c.logEvery && (done % c.logEvery === 0 || done === end)) {
      const seconds = Math.max((performance.now() - since) / 1000, 1e-9);
      const imgPerSec = ((done - sinceDone) * s.imagesPerStep) / seconds;
      log(await s.progress(done, { imgPerSec, etaSec: ((s.total - done) * s.imagesPerStep) / Math.max(imgPerSec, 1e-9) }));
      since = performance.now();
      sinceDone = done;
    }
    const atBoundary = s.boundary ? await s.boundary(done) : false;
    const due = atBoundary || done === end || (c.checkpointEvery ? done % c.checkpointEvery === 0 : false);
    if (c.checkpointDir && due) await s.save(c.checkpointDir, done);
  }
  return { completed: done >= s.total, done, stepsNow: done - s.done };
}
