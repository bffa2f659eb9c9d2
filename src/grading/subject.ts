/**
 * Which implementation the claims run against: the reference (default) or a student's
 * submission.  This is the seam the grader builds on: the spec templates read
 * `DLSPEC_SUBMISSION` (a folder holding index.ts / index.js / submission.ts, or one module file),
 * and `DLSPEC_SEED` (a number or a student id) for the randomized variants.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { seedFrom } from '../verify/rng.ts';
import { PYTHON_ENTRY_NAMES } from './python/sandbox.ts';
import { REFERENCE_SEED } from '../claims/run.ts';

/** The files that make a folder a submission, looked for in this order (Python: a package or submission.py). */
export const SUBMISSION_ENTRY_NAMES = ['index.ts', 'index.mts', 'index.js', 'index.mjs', 'submission.ts', 'submission.js', ...PYTHON_ENTRY_NAMES];

/** The first of SUBMISSION_ENTRY_NAMES at the top of `dir`. */
export const topEntry = (dir: string): string | undefined => SUBMISSION_ENTRY_NAMES.map((n) => path.join(dir, n)).find((f) => existsSync(f));

/** The sub-folders of `dir` that hold a submission module at their top (not hidden, not macOS's zip residue). */
export function submissionFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n !== '__MACOSX' && statSync(path.join(dir, n)).isDirectory() && topEntry(path.join(dir, n)))
    .sort();
}

/**
 * The entry module of a submission: a module file, or the first of SUBMISSION_ENTRY_NAMES at the top
 * of a folder, or at the top of its one sub-folder that holds one (a student who zipped the folder
 * itself).  A folder with several such sub-folders is a class's, not one submission.
 */
export function submissionEntry(p: string): string {
  const abs = path.resolve(p);
  if (!existsSync(abs)) throw new Error(`submission not found: ${abs}`);
  if (statSync(abs).isFile()) return abs;
  const top = topEntry(abs);
  if (top) return top;
  const subs = submissionFolders(abs);
  if (subs.length === 1) return topEntry(path.join(abs, subs[0]))!;
  if (subs.length > 1)
    throw new Error(
      `no submission module at the top of ${abs}, but ${subs.length} of its folders hold one (${subs.slice(0, 5).join(', ')}${subs.length > 5 ? ', …' : ''}): one submission is one module at the top of the folder handed in`,
    );
  throw new Error(`no submission module in ${abs}: expected one of ${SUBMISSION_ENTRY_NAMES.join(', ')} at its top`);
}

/** Import a module file and return its exports as a plain object. */
export async function loadModule(file: string): Promise<Record<string, unknown>> {
  const mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  return { ...mod };
}

export interface SubjectChoice {
  mode: 'reference' | 'submission';
  /** the submission's entry module, when mode is 'submission' */
  entry?: string;
  seed: number;
}

export function subjectFromEnv(env: NodeJS.ProcessEnv = process.env): SubjectChoice {
  const sub = env.DLSPEC_SUBMISSION;
  const seed = env.DLSPEC_SEED ? seedFrom(/^\d+$/.test(env.DLSPEC_SEED) ? Number(env.DLSPEC_SEED) : env.DLSPEC_SEED) : REFERENCE_SEED;
  if (!sub) return { mode: 'reference', seed };
  return { mode: 'submission', entry: submissionEntry(sub), seed };
}
