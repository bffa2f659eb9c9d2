/**
 * Grading a folder of submissions (`dlspec grade-all`): one sub-folder per student (its name is
 * the student id, which seeds that student's randomized variant unless a seed is given), graded
 * `jobs` at a time (default: every core), each in its own processes.  Writes
 * `<outDir>/<student>/results.json` for each and `<outDir>/scores.csv`; a broken submission (or
 * even a grader failure on one) is a row with its error, never the end of the batch.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { crashResults, gradescopeResults, gradeSubmission, type GradeOptions, type GradeReport } from './grade.ts';

export interface BatchOptions extends GradeOptions {
  /** concurrent gradings (default: available cores) */
  jobs?: number;
  /** where results go (default <folder>/../grades) */
  outDir?: string;
  /** give every student the same seed (opts.seed, or the key's) instead of one from their id */
  sameSeed?: boolean;
  /** keep the students already graded in outDir (their row and results.json) and grade only the rest */
  resume?: boolean;
  onProgress?: (done: number, total: number, row: BatchRow) => void;
}

export interface BatchRow {
  student: string;
  score: number;
  possible: number;
  /** course → score (when grading all courses) */
  courses: Record<string, number>;
  /** claim id → points earned (primary course) */
  items: Record<string, number>;
  seconds: number;
  error?: string;
}

export interface BatchResult {
  rows: BatchRow[];
  outDir: string;
  csv: string;
  seconds: number;
}

/** The submissions in `folder`: its sub-folders, sorted. */
export function listSubmissions(folder: string): string[] {
  return readdirSync(folder)
    .filter((n) => !n.startsWith('.') && statSync(path.join(folder, n)).isDirectory())
    .sort();
}

const csvCell = (v: string | number | undefined): string => {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function scoresCsv(rows: BatchRow[]): string {
  const courses = [...new Set(rows.flatMap((r) => Object.keys(r.courses)))];
  const items = [...new Set(rows.flatMap((r) => Object.keys(r.items)))];
  const head = ['student', 'score', 'possible', ...courses.map((c) => `${c} score`), ...items, 'seconds', 'error'];
  const lines = rows.map((r) =>
    [r.student, r.score, r.possible, ...courses.map((c) => r.courses[c]), ...items.map((i) => r.items[i]), r.seconds.toFixed(1), r.error?.split('\n')[0]].map(csvCell).join(','),
  );
  return `${[head.map(csvCell).join(','), ...lines].join('\n')}\n`;
}

function rowOf(student: string, r: GradeReport): BatchRow {
  return {
    student,
    score: r.score,
    possible: r.possible,
    courses: Object.fromEntries(r.courses.map((c) => [c.course, c.score + c.extraScore])),
    items: Object.fromEntries(r.tests.map((t) => [t.claimId, t.score])),
    seconds: r.executionTime,
    error: r.loadError,
  };
}

export async function gradeAll(folder: string, opts: BatchOptions = {}): Promise<BatchResult> {
  const t0 = performance.now();
  const students = listSubmissions(folder);
  const outDir = path.resolve(opts.outDir ?? path.join(path.dirname(path.resolve(folder)), 'grades'));
  mkdirSync(outDir, { recursive: true });
  const jobs = Math.max(1, opts.jobs ?? availableParallelism());
  const rows: BatchRow[] = new Array(students.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= students.length) return;
      const student = students[i];
      const dir = path.join(folder, student);
      const t = performance.now();
      let results: Record<string, unknown>;
      try {
        const r = await gradeSubmission(dir, { ...opts, studentId: opts.sameSeed || opts.seed !== undefined ? opts.studentId : student });
        rows[i] = rowOf(student, r);
        results = gradescopeResults(r);
      } catch (e) {
        const msg = `the grader failed on this submission: ${(e as Error).message}`;
        rows[i] = { student, score: 0, possible: 0, courses: {}, items: {}, seconds: (performance.now() - t) / 1000, error: msg };
        results = crashResults(msg, rows[i].seconds);
      }
      try {
        mkdirSync(path.join(outDir, student), { recursive: true });
        writeFileSync(path.join(outDir, student, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
      } catch (e) {
        rows[i].error = `${rows[i].error ? `${rows[i].error}; ` : ''}results.json not written: ${(e as Error).message}`;
      }
      done++;
      opts.onProgress?.(done, students.length, rows[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, students.length) }, worker));
  const csv = path.join(outDir, 'scores.csv');
  writeFileSync(csv, scoresCsv(rows));
  return { rows, outDir, csv, seconds: (performance.now() - t0) / 1000 };
}

/** A one-line progress bar: `[██████······] 12/50  ok 11  errors 1  eta 40 s`. */
export function progressLine(done: number, total: number, errors: number, elapsedS: number): string {
  const width = 24;
  const filled = total ? Math.round((done / total) * width) : width;
  const eta = done ? (elapsedS / done) * (total - done) : 0;
  return `[${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${done}/${total}  ok ${done - errors}  errors ${errors}  ${done < total ? `eta ${eta.toFixed(0)} s` : `${elapsedS.toFixed(1)} s`}`;
}
