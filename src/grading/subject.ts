/**
 * Which implementation the claims run against: the reference (default) or a student's
 * submission.  This is the seam the grader builds on: the spec templates read
 * `DLSPEC_SUBMISSION` (a folder holding index.ts / index.js / submission.ts, or one module file),
 * and `DLSPEC_SEED` (a number or a student id) for the randomized variants.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { seedFrom } from '../verify/rng.ts';
import { PYTHON_ENTRY_NAMES } from './python/sandbox.ts';
import { REFERENCE_SEED } from '../claims/run.ts';

/** The files that make a folder a submission, looked for in this order (Python: a package or submission.py). */
export const SUBMISSION_ENTRY_NAMES = ['index.ts', 'index.mts', 'index.js', 'index.mjs', 'submission.ts', 'submission.js', ...PYTHON_ENTRY_NAMES];

export function submissionEntry(p: string): string {
  const abs = path.resolve(p);
  if (!existsSync(abs)) throw new Error(`submission not found: ${abs}`);
  if (statSync(abs).isFile()) return abs;
  for (const n of SUBMISSION_ENTRY_NAMES) {
    const f = path.join(abs, n);
    if (existsSync(f)) return f;
  }
  throw new Error(`no submission module in ${abs}: expected one of ${SUBMISSION_ENTRY_NAMES.join(', ')}`);
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
