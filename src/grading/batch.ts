/**
 * Grading a folder of submissions (`dlspec grade-all`): one sub-folder per student (its name is
 * the student id, which seeds that student's randomized variant unless a seed is given), graded
 * `jobs` at a time (default: every core), each in its own processes.
 *
 * Writes `<outDir>/results/<student>/results.json` (and `row.json`, what `--resume` reads back) as
 * each student finishes, and rewrites `<outDir>/scores.csv` after each one, so a batch stopped at
 * any point keeps every grade it finished.  A broken submission (or even a grader failure on one)
 * is a row with its error, never the end of the batch.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { crashResults, gradescopeResults, gradeSubmission, type GradeOptions, type GradeReport } from './grade.ts';
import { oneLine } from './text.ts';
import { removeTempRoot } from './workspace.ts';

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

/** One item's place in the CSV: its claim id, the problem it belongs to, its points. */
export interface BatchColumn {
  claimId: string;
  /** e.g. "CSE891 P2" */
  problem: string;
  maxScore: number;
  extraCredit: boolean;
}

export interface BatchRow {
  student: string;
  score: number;
  possible: number;
  /** course → score (when grading all courses) */
  courses: Record<string, number>;
  /** claim id → points earned (primary course) */
  items: Record<string, number>;
  /** the items' columns as this student's report had them (the CSV's union of all rows') */
  columns?: BatchColumn[];
  seconds: number;
  /** items the grader could not judge (marked for staff review) */
  review?: string[];
  error?: string;
  /** the run's settings (runSettings): `resume` keeps a row only when they are the run's own */
  settings?: Record<string, unknown>;
}

export interface BatchResult {
  rows: BatchRow[];
  outDir: string;
  csv: string;
  seconds: number;
  /** students taken from an earlier run (`resume`) */
  resumed: number;
  /** students graded again because the earlier run graded them with other settings, and how they differ */
  regraded: number;
  changed?: string;
  /** items marked for staff review, over all students */
  review: number;
}

/** The submissions in `folder`: its sub-folders, sorted. */
export function listSubmissions(folder: string): string[] {
  return readdirSync(folder)
    .filter((n) => !n.startsWith('.') && statSync(path.join(folder, n)).isDirectory())
    .sort();
}

/**
 * scores.csv: one row per student after a row of maximum points; per-problem subtotals before the
 * items.  Quoting by csv-stringify (RFC 4180: commas, quotes, CR and LF); a text cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe.
 */
export function scoresCsv(rows: BatchRow[]): string {
  const courses = [...new Set(rows.flatMap((r) => Object.keys(r.courses)))];
  const cols = new Map<string, BatchColumn>();
  for (const r of rows) for (const c of r.columns ?? []) if (!cols.has(c.claimId)) cols.set(c.claimId, c);
  const items = [...new Set([...cols.keys(), ...rows.flatMap((r) => Object.keys(r.items))])];
  const problems = [...new Set([...cols.values()].map((c) => c.problem))];
  const subtotal = (r: BatchRow, p: string): number | undefined => {
    const ids = [...cols.values()].filter((c) => c.problem === p && r.items[c.claimId] !== undefined).map((c) => c.claimId);
    return ids.length ? round(ids.reduce((s, id) => s + r.items[id], 0)) : undefined;
  };
  const head = ['student', 'score', 'possible', ...courses.map((c) => `${c} score`), ...problems, ...items, 'seconds', 'review', 'error'];
  const possible = rows.find((r) => r.possible)?.possible;
  const maxRow = cols.size
    ? [
        '(max points)',
        possible,
        possible,
        ...courses.map(() => undefined),
        ...problems.map((p) => round([...cols.values()].filter((c) => c.problem === p && !c.extraCredit).reduce((s, c) => s + c.maxScore, 0))),
        ...items.map((i) => cols.get(i)?.maxScore),
        undefined,
        undefined,
        undefined,
      ]
    : undefined;
  const body = rows.map((r) => [
    r.student,
    r.score,
    r.possible,
    ...courses.map((c) => r.courses[c]),
    ...problems.map((p) => subtotal(r, p)),
    ...items.map((i) => r.items[i]),
    r.seconds.toFixed(1),
    r.review?.join(' '),
    r.error === undefined ? undefined : oneLine(r.error, 500),
  ]);
  return stringify([head, ...(maxRow ? [maxRow] : []), ...body], { escape_formulas: true, record_delimiter: 'unix' });
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function rowOf(student: string, r: GradeReport): BatchRow {
  return {
    student,
    score: r.score,
    possible: r.possible,
    courses: Object.fromEntries(r.courses.map((c) => [c.course, c.score + c.extraScore])),
    items: Object.fromEntries(r.tests.map((t) => [t.claimId, t.score])),
    columns: r.tests.map((t) => ({ claimId: t.claimId, problem: `${t.course} P${t.problem}`, maxScore: t.maxScore, extraCredit: t.extraCredit })),
    seconds: r.executionTime,
    ...(r.review?.length ? { review: r.review } : {}),
    error: r.loadError,
  };
}

/** Write `text` to `file` whole or not at all (a stop mid-write leaves the previous version). */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** What decides a grade besides the student's files: a saved row is kept only when it was graded with the same. */
export function runSettings(opts: BatchOptions): Record<string, unknown> {
  const perStudentSeed = !opts.sameSeed && opts.seed === undefined;
  return {
    course: opts.course ?? 'all',
    topics: opts.topicIds?.join(',') ?? 'all',
    items: opts.claimIds?.join(',') ?? 'all',
    tags: opts.includeTags?.join(',') ?? 'default',
    scale: opts.runScale ?? 'default',
    seed: perStudentSeed ? 'per student' : String(opts.seed ?? opts.studentId ?? 'the key’s'),
    visibility: JSON.stringify(opts.visibility ?? null),
    topicsModule: opts.topicsModule ?? 'default',
  };
}

/** How two runs' settings differ, e.g. "course CSE891 → CSC421". */
function settingsChange(was: Record<string, unknown> | undefined, now: Record<string, unknown>): string {
  if (!was) return 'the earlier run recorded no settings';
  return Object.keys(now)
    .filter((k) => String(was[k]) !== String(now[k]))
    .map((k) => `${k} ${String(was[k])} → ${String(now[k])}`)
    .join(', ');
}

/** A row saved by an earlier run of the same batch, if it is whole (its settings are compared by the caller). */
function savedRow(dir: string, student: string): BatchRow | undefined {
  try {
    const row = JSON.parse(readFileSync(path.join(dir, 'row.json'), 'utf8')) as BatchRow;
    return row.student === student && typeof row.score === 'number' && existsSync(path.join(dir, 'results.json')) ? row : undefined;
  } catch {
    return undefined;
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export async function gradeAll(folder: string, opts: BatchOptions = {}): Promise<BatchResult> {
  const t0 = performance.now();
  const outDir = path.resolve(opts.outDir ?? path.join(path.dirname(path.resolve(folder)), 'grades'));
  // the results folder, when it lies inside the class's folder, is not a student
  const students = listSubmissions(folder).filter((s) => path.resolve(folder, s) !== outDir);
  const perStudent = path.join(outDir, 'results');
  mkdirSync(perStudent, { recursive: true });
  const csv = path.join(outDir, 'scores.csv');
  const jobs = Math.max(1, opts.jobs ?? availableParallelism());
  const rows: (BatchRow | undefined)[] = new Array(students.length);
  const writeCsvNow = (): void => writeAtomic(csv, scoresCsv(rows.filter((r): r is BatchRow => r !== undefined)));
  // a failed write (a full disk) must not stop the other students: tried again after each one, and at the end
  let csvError: Error | undefined;
  const writeCsv = (): void => {
    try {
      writeCsvNow();
      csvError = undefined;
    } catch (e) {
      csvError = e as Error;
    }
  };
  const settings = runSettings(opts);
  let resumed = 0;
  let regraded = 0;
  let changed: string | undefined;
  if (opts.resume) {
    for (const [i, s] of students.entries()) {
      const row = savedRow(path.join(perStudent, s), s);
      if (!row) continue;
      const change = settingsChange(row.settings, settings);
      if (change) {
        // graded under other settings (another course, topics, seed, scale or visibility): that grade is not this run's
        regraded++;
        changed ??= change;
        continue;
      }
      rows[i] = row;
      resumed++;
    }
  }
  // stopped by a signal: the CSV holds every student finished so far, the temporary folders go
  const onSignal = (sig: NodeJS.Signals): void => {
    try {
      writeCsv();
    } finally {
      removeTempRoot();
      process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
    }
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  let next = 0;
  let done = resumed;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= students.length) return;
      if (rows[i]) continue;
      const student = students[i];
      const dir = path.join(folder, student);
      const t = performance.now();
      let results: Record<string, unknown>;
      let row: BatchRow;
      try {
        const r = await gradeSubmission(dir, { ...opts, studentId: opts.sameSeed || opts.seed !== undefined ? opts.studentId : student });
        row = { ...rowOf(student, r), settings };
        results = gradescopeResults(r);
      } catch (e) {
        const msg = `the grader failed on this submission: ${(e as Error).message}`;
        row = { student, score: 0, possible: 0, courses: {}, items: {}, seconds: (performance.now() - t) / 1000, error: msg, settings };
        results = crashResults(msg, row.seconds);
      }
      try {
        const out = path.join(perStudent, student);
        mkdirSync(out, { recursive: true });
        writeAtomic(path.join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
        writeAtomic(path.join(out, 'row.json'), `${JSON.stringify(row)}\n`);
      } catch (e) {
        row.error = `${row.error ? `${row.error}; ` : ''}results.json not written: ${(e as Error).message}`;
      }
      rows[i] = row;
      writeCsv();
      done++;
      opts.onProgress?.(done, students.length, row);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, students.length) }, worker));
    writeCsv();
    if (csvError) throw new Error(`scores.csv could not be written to ${csv}: ${csvError.message} (each student's results.json is under ${perStudent})`);
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
  const all = rows.filter((r): r is BatchRow => r !== undefined);
  return { rows: all, outDir, csv, seconds: (performance.now() - t0) / 1000, resumed, regraded, ...(changed ? { changed } : {}), review: all.reduce((s, r) => s + (r.review?.length ?? 0), 0) };
}

/** A one-line progress bar: `[██████······] 12/50  ok 11  errors 1  eta 40 s`. */
export function progressLine(done: number, total: number, errors: number, elapsedS: number): string {
  const width = 24;
  const filled = total ? Math.round((done / total) * width) : width;
  const eta = done ? (elapsedS / done) * (total - done) : 0;
  return `[${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${done}/${total}  ok ${done - errors}  errors ${errors}  ${done < total ? `eta ${eta.toFixed(0)} s` : `${elapsedS.toFixed(1)} s`}`;
}
