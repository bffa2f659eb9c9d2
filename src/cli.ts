/**
 * `dlspec` command line (parsed by commander; `dlspec <command> --help` prints each command's options).
 *   dlspec list                 every claim with its course, problem, part and points
 *   dlspec check [--submission DIR] [--seed S] [--topic ID]
 *                               run the claims in-process against the reference or a submission
 *   dlspec grade DIR [--out results.json] [--course CIE6032|ELEG5491|CSE891|CSC421|all]
 *                    [--format text|md|json] [--seed S | --student-id ID] [--tags slow,gpu]
 *                    [--topic ID[,ID]] [--scale X] [--timeout-ms N] [--memory-mb N] [--parallel N] [--isolation strict|process] [--verbose]
 *                               grade a student's folder in a child process; writes Gradescope's results.json
 *   dlspec key [--out answer-key.md] [--tags slow,gpu] [--topic ID[,ID]] [--out-dir out]
 *                               the answer key: answers, evidence measured by this run, figures
 *   dlspec grade-all FOLDER [--out-dir grades] [--jobs N] [--course C] [--same-seed | --seed S] [--resume] …
 *                               every sub-folder of FOLDER, in parallel: scores.csv + results.json each
 *   dlspec gradescope-bundle --course C [--out autograder.zip] [--tags …] [--topic ID,...]
 *                               the zip Gradescope runs for one course (setup.sh, run_autograder, the package)
 *   dlspec student-kit --course C [--out kit]
 *                               what students download: README, contract.md, starter/, the local checker check.mjs
 *
 * A mistake in the command line is one line on stderr, `dlspec <cmd>: <what is wrong>; expected
 * <what is expected>`, and exit 2; a failure of the grader itself is one line and exit 3 (its
 * stack with --verbose or DLSPEC_DEBUG=1); items whose check also rejects the key are exit 4
 * (graded, but staff must review them); `--help` prints help and does nothing else.  `main`
 * returns the exit code and never exits the process: the specs call it in-process.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { COURSES, TAGS, VISIBILITIES, type Course, type Tag, type Topic, type Visibility } from './claims/types.ts';
import { oneLine } from './grading/text.ts';

/** A mistake in the command line: `main` prints `dlspec <cmd>: <message>` and returns 2. */
class UsageError extends Error {}

const q = (v: string): string => JSON.stringify(v);

// ---- option values: each parser returns the typed value or throws a UsageError naming the flag

/** The value given to `flag`; refused when empty or when it is the next option (`--seed --topic rnn`). */
function given(flag: string, v: string, meta: string): string {
  if (v.trim() === '' || /^--?[A-Za-z]/.test(v)) throw new UsageError(`${flag} has no value${v.trim() ? ` (${v} is an option)` : ''}; expected ${flag} ${meta}`);
  return v;
}
const text =
  (flag: string, meta: string) =>
  (v: string): string =>
    given(flag, v, meta);
const positiveInt =
  (flag: string) =>
  (v: string): number => {
    given(flag, v, 'N');
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v)) || Number(v) < 1) throw new UsageError(`${flag} got ${q(v)}; expected a positive integer`);
    return Number(v);
  };
const MAX_SCALE = 4;
const scaleValue = (v: string): number => {
  given('--scale', v, 'X');
  const x = Number(v);
  if (!/^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v.trim()) || !(x > 0 && x <= MAX_SCALE)) throw new UsageError(`--scale got ${q(v)}; expected a number in (0, ${MAX_SCALE}]`);
  return x;
};
const oneOf =
  <T extends string>(flag: string, choices: readonly T[]) =>
  (v: string): T => {
    given(flag, v, choices.join('|'));
    if (!choices.includes(v as T)) throw new UsageError(`${flag} got ${q(v)}; expected one of ${choices.join(', ')}`);
    return v as T;
  };
const tagList = (v: string): Tag[] => {
  given('--tags', v, TAGS.join(','));
  const tags = v.split(',').map((x) => x.trim());
  if (tags.some((t) => !TAGS.includes(t as Tag))) throw new UsageError(`--tags got ${q(v)}; expected a comma-separated list of ${TAGS.join(', ')}`);
  return tags as Tag[];
};
const idList = (v: string): string[] => {
  given('--topic', v, 'ID[,ID]');
  const ids = v.split(',').map((x) => x.trim());
  if (ids.some((x) => !x)) throw new UsageError(`--topic got ${q(v)}; expected topic ids separated by commas`);
  return ids;
};
/** --course of one Gradescope assignment: one real course. */
const oneCourse = (v: string): Course => {
  given('--course', v, COURSES.join('|'));
  if (!COURSES.includes(v as Course)) throw new UsageError(`--course got ${q(v)}; expected one course (one Gradescope assignment is one course): one of ${COURSES.join(', ')}`);
  return v as Course;
};

// ---- the options several commands share (a fresh Option for each command)

const option = (flags: string, desc: string, parse?: (v: string) => unknown, def?: unknown): Option => {
  const o = new Option(flags, desc);
  if (parse) o.argParser(parse);
  if (def !== undefined) o.default(def);
  return o;
};
const courseOption = () => option('--course <course>', `one course or all: ${[...COURSES, 'all'].join(', ')}`, oneOf('--course', [...COURSES, 'all'] as const), 'all');
const seedOption = () => option('--seed <s>', "seed of the randomized cases (a number or any text; default: the student id's, else the key's)", text('--seed', '<s>'));
const tagsOption = () => option('--tags <tags>', `also run claims tagged ${TAGS.join(' and/or ')} (comma-separated)`, tagList);
const topicOption = () => option('--topic <ids>', 'only these topics (comma-separated ids, e.g. rnn,lstm)', idList);
const scaleOption = () => option('--scale <x>', `case scale of the checks, in (0, ${MAX_SCALE}]: smaller is faster`, scaleValue);
const isolationOption = () => option('--isolation <mode>', 'strict (Node permission model) or process', oneOf('--isolation', ['strict', 'process'] as const));
const visibilityOption = () =>
  option('--visibility <file>', `JSON object: claim id, topic id or "*" → one of ${VISIBILITIES.join(', ')} (when students see each item's result)`, text('--visibility', '<file>'));
/** The instructor's visibility file, read after parsing (never for --help); its mistakes are usage errors. */
async function visibilityFrom(file: string | undefined): Promise<Record<string, Visibility> | undefined> {
  if (file === undefined) return undefined;
  const { readVisibilityConfig, SelectionError } = await import('./grading/grade.ts');
  try {
    return readVisibilityConfig(file);
  } catch (e) {
    throw e instanceof SelectionError ? new UsageError(e.message) : e;
  }
}
// the grader's own specs grade synthetic topics: not for instructors, so not in the help
const topicsModuleOption = () => option('--topics-module <file>', 'module exporting the topics (default: the registry)', text('--topics-module', '<file>')).hideHelp();

// ---- checks of paths and topic ids (after parsing: `--help` never reaches them)

const MODULE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** A submission is a folder or one module file. */
function checkSubmission(what: string, p: string): void {
  if (!existsSync(p)) throw new UsageError(`${what} ${q(p)} not found; expected a submission folder or module file`);
  const st = statSync(p);
  if (!st.isDirectory() && !(st.isFile() && MODULE_FILE.test(p))) throw new UsageError(`${what} ${q(p)} is neither a folder nor a module file; expected a submission folder or a .ts/.js module`);
}

function checkTopicsModule(file: string | undefined): void {
  if (file !== undefined && !(existsSync(file) && statSync(file).isFile())) throw new UsageError(`--topics-module ${q(file)} not found; expected a module file that exports topics`);
}

/** What is wrong with topic ids that are not topics (of the course): every student would get 0 / 0. */
async function topicMistake(ids: string[] | undefined, course: Course | 'all', topics: () => Promise<Topic<unknown>[]>): Promise<string | undefined> {
  if (!ids) return undefined;
  const [{ badSelection }, { topicMeta }] = await Promise.all([import('./grading/grade.ts'), import('./grading/rubric.ts')]);
  return badSelection((await topics()).map(topicMeta), ids, undefined, course)?.replace(': expected', '; expected');
}
/** A visibility file naming no topic or item would silently show what should be hidden: refuse it. */
async function checkVisibility(config: Record<string, Visibility> | undefined, topics: () => Promise<Topic<unknown>[]>): Promise<void> {
  if (!config) return;
  const [{ unknownVisibilityKeys }, { topicMeta }] = await Promise.all([import('./grading/grade.ts'), import('./grading/rubric.ts')]);
  const all = (await topics()).map(topicMeta);
  const bad = unknownVisibilityKeys(all, config);
  if (bad.length)
    throw new UsageError(
      `the visibility settings name ${bad.map((k) => `'${k}'`).join(', ')}, which ${bad.length > 1 ? 'are' : 'is'} no topic or item; expected topic ids (${all.map((t) => t.id).join(', ')}), claim ids (dlspec list) or "*"`,
    );
}
async function checkTopics(ids: string[] | undefined, course: Course | 'all', topics: () => Promise<Topic<unknown>[]>): Promise<void> {
  const bad = await topicMistake(ids, course, topics);
  if (bad) throw new UsageError(bad);
}

const loadTopics = async (topicsModule: string | undefined): Promise<Topic<unknown>[]> => (await import('./grading/grade.ts')).loadTopics(topicsModule);

/** One line for a failure of dlspec itself; the stack only when asked for. */
function internalError(where: string, e: unknown, verbose: boolean | undefined): number {
  const err = e instanceof Error ? e : new Error(String(e));
  console.error(`${where}: internal error: ${err.message.split('\n')[0]}`);
  if (verbose || process.env.DLSPEC_DEBUG === '1') console.error(err.stack ?? err.message);
  return 3;
}

/** Write `file` whole through a temporary file and a rename: whatever stood at that path (a partial
 *  file, a socket a submission planted) is replaced, never written into. */
function writeFile(file: string, text: string | Uint8Array): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${path.resolve(file)}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

// ---- the commands

interface GradeOpts {
  visibility?: string;
  out: string;
  course: Course | 'all';
  format: 'text' | 'md' | 'json';
  seed?: string;
  studentId?: string;
  tags?: Tag[];
  topic?: string[];
  scale?: number;
  timeoutMs?: number;
  memoryMb?: number;
  parallel?: number;
  isolation?: 'strict' | 'process';
  verbose?: boolean;
  topicsModule?: string;
}

/** Exit 4, loudly, when items could not be judged (their check rejects the key too): 0 points
 *  until staff review them — a machine or grader fault must never pass silently. */
function reviewExit(where: string, review: string[], claims: Record<string, { graderFault?: string }>): number {
  if (!review.length) return 0;
  console.error(`${where}: ${review.length} item(s) need staff review (0 points until then): the check also rejects the key's own answer here — a grader or machine fault, e.g. a missing data set:`);
  for (const id of review) console.error(`  ${id}: ${oneLine(claims[id]?.graderFault ?? '', 400)}`);
  return 4;
}

async function grade(dir: string, o: GradeOpts): Promise<number> {
  checkSubmission('submission', dir);
  checkTopicsModule(o.topicsModule);
  const t0 = performance.now();
  const visibility = await visibilityFrom(o.visibility);
  const { gradeSubmission, gradescopeResults, crashResults, SelectionError, writeFeedbackFigures } = await import('./grading/grade.ts');
  const { formatReport } = await import('./grading/format.ts');
  const { submissionFolders } = await import('./grading/subject.ts');
  try {
    const report = await gradeSubmission(dir, {
      course: o.course,
      seed: o.seed,
      studentId: o.studentId,
      includeTags: o.tags,
      topicIds: o.topic,
      runScale: o.scale,
      topicsModule: o.topicsModule,
      parallel: o.parallel,
      visibility,
      sandbox: {
        ...(o.timeoutMs ? { defaultTimeoutMs: o.timeoutMs } : {}),
        ...(o.memoryMb ? { memoryMb: o.memoryMb } : {}),
        ...(o.isolation ? { isolation: o.isolation } : {}),
      },
    });
    if (o.out !== '-') writeFile(o.out, `${JSON.stringify(gradescopeResults(report), null, 2)}\n`);
    // the pictures the feedback shows (the student's filters, samples), also as files beside results.json
    const figures = o.out !== '-' ? writeFeedbackFigures(report, path.join(path.dirname(path.resolve(o.out)), 'figures')) : [];
    console.log(formatReport(report, o.format, { verbose: o.verbose }));
    if (o.out !== '-' && o.format !== 'json') console.log(`results.json written to ${path.resolve(o.out)}${figures.length ? `; ${figures.length} figure(s) in ${path.dirname(figures[0])}` : ''}`);
    // no module where one submission's should be: graded all the same (results.json says why it has 0 points), then exit 2
    if (report.noModule) {
      const many = statSync(dir).isDirectory() && submissionFolders(dir).length > 1;
      console.error(`dlspec grade: ${report.noModule}${many ? `; a class's folder is graded with dlspec grade-all ${q(dir)}` : ''}`);
      return 2;
    }
    return reviewExit('dlspec grade', report.review ?? [], report.claims);
  } catch (e) {
    // --topic and the visibility file are checked by the grader (loading the topics here first would
    // cost every grade ≈3 s of CPU; the check runner loads them anyway): its refusal is a usage error
    if (e instanceof SelectionError) throw new UsageError(e.message.replace(': expected', '; expected'));
    // the grader itself failed: still leave a results.json that says so
    if (o.out !== '-') writeFile(o.out, `${JSON.stringify(crashResults((e as Error).stack ?? String(e), (performance.now() - t0) / 1000), null, 2)}\n`);
    return internalError('dlspec grade', e, o.verbose);
  }
}

interface GradeAllOpts {
  visibility?: string;
  outDir?: string;
  jobs?: number;
  course: Course | 'all';
  sameSeed?: boolean;
  seed?: string;
  tags?: Tag[];
  topic?: string[];
  scale?: number;
  isolation?: 'strict' | 'process';
  resume?: boolean;
  topicsModule?: string;
}

async function gradeAllCmd(folder: string, o: GradeAllOpts): Promise<number> {
  const { gradeAll, listSubmissions, progressLine } = await import('./grading/batch.ts');
  const expected = 'expected a folder with one sub-folder per student';
  if (!existsSync(folder)) throw new UsageError(`folder ${q(folder)} not found; ${expected}`);
  if (!statSync(folder).isDirectory()) throw new UsageError(`${q(folder)} is not a folder; ${expected}`);
  if (!listSubmissions(folder).length) throw new UsageError(`folder ${q(folder)} has no sub-folders; ${expected}`);
  const { topEntry } = await import('./grading/subject.ts');
  const own = topEntry(folder);
  if (own)
    throw new UsageError(`${q(folder)} is one submission (it has ${path.basename(own)} at its top): grade it with dlspec grade ${q(folder)}; grade-all takes a folder with one sub-folder per student`);
  checkTopicsModule(o.topicsModule);
  await checkTopics(o.topic, o.course, () => loadTopics(o.topicsModule));
  const visibility = await visibilityFrom(o.visibility);
  await checkVisibility(visibility, () => loadTopics(o.topicsModule));
  const t0 = performance.now();
  let errors = 0;
  const tty = process.stderr.isTTY;
  const res = await gradeAll(folder, {
    course: o.course,
    outDir: o.outDir,
    jobs: o.jobs,
    sameSeed: o.sameSeed === true,
    seed: o.seed,
    includeTags: o.tags,
    topicIds: o.topic,
    runScale: o.scale,
    topicsModule: o.topicsModule,
    visibility,
    ...(o.resume ? { resume: true } : {}),
    ...(o.isolation ? { sandbox: { isolation: o.isolation } } : {}),
    onProgress: (done, total, row) => {
      if (row.error) errors++;
      const line = progressLine(done, total, errors, (performance.now() - t0) / 1000);
      if (tty) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
      else console.error(`${line}  ${oneLine(row.student, 80)}: ${row.score} / ${row.possible}${row.error ? ` (${oneLine(row.error)})` : ''}`);
    },
  });
  const perMin = (res.rows.length - res.resumed) / (res.seconds / 60);
  console.log(
    `${res.rows.length - res.resumed} submissions graded in ${res.seconds.toFixed(1)} s (${perMin.toFixed(1)} per minute)${res.resumed ? `, ${res.resumed} kept from the earlier run` : ''}${res.regraded ? `, ${res.regraded} graded again (the earlier run's settings differ: ${res.changed})` : ''}; scores: ${res.csv}; results.json per student under ${path.join(res.outDir, 'results')}`,
  );
  if (!res.review) return 0;
  console.error(
    `dlspec grade-all: ${res.review} item(s) of ${res.rows.filter((r) => r.review?.length).length} student(s) need staff review: the check also rejected the key's own answer (a grader or machine fault, e.g. a missing data set); see the "review" column of ${res.csv}`,
  );
  return 4;
}

async function bundleCmd(o: { out: string; course: Course; tags?: Tag[]; topic?: string[]; visibility?: string }): Promise<number> {
  // a typo in --topic or in the visibility file would reach every student on Gradescope: refuse it now
  await checkTopics(o.topic, o.course, () => loadTopics(undefined));
  const visibility = await visibilityFrom(o.visibility);
  await checkVisibility(visibility, () => loadTopics(undefined));
  const { buildBundle } = await import('./grading/gradescope.ts');
  // an assignment that grades trained networks carries the CIFAR-10 test set they are evaluated on
  const { runClaims } = await import('./cifar/run-claims.ts');
  const { cifar10Dir, CIFAR10_TEST_FILE } = await import('./data/cifar10.ts');
  const needsCifar = runClaims.some((c) => c.course === o.course || c.alsoIn?.some((r) => r.course === o.course)) && (!o.topic || o.topic.includes('cifar'));
  const testFile = cifar10Dir() && path.join(cifar10Dir()!, CIFAR10_TEST_FILE);
  const cifarTestFile = needsCifar && testFile && existsSync(testFile) ? testFile : undefined;
  // --topic: one Gradescope assignment per problem set (e.g. --topic rnn,lstm) instead of the whole course
  const { zip, files } = buildBundle({ course: o.course, visibility, cifarTestFile, gradeArgs: [...(o.tags ? ['--tags', o.tags.join(',')] : []), ...(o.topic ? ['--topic', o.topic.join(',')] : [])] });
  writeFile(o.out, zip);
  console.log(
    `Gradescope autograder written to ${path.resolve(o.out)} (${files.length} files, ${(zip.length / 1024).toFixed(0)} KiB, course ${o.course})${cifarTestFile ? `, with the CIFAR-10 test set (${cifarTestFile})` : ''}`,
  );
  if (needsCifar && !cifarTestFile)
    console.error(
      `warning: the CIFAR-10 test set is not in this bundle (set CIFAR10_DIR to a cifar-10-batches-bin folder and build again): without it the trained networks of P5 cannot be evaluated and those items go to staff review`,
    );
  return 0;
}

/** --course of a student kit: one real course. */
const kitCourse = (v: string): Course => {
  given('--course', v, COURSES.join('|'));
  if (!COURSES.includes(v as Course)) throw new UsageError(`--course got ${q(v)}; expected one course (a kit is one course's): one of ${COURSES.join(', ')}`);
  return v as Course;
};

async function studentKitCmd(o: { out: string; course: Course }): Promise<number> {
  // the kit replaces the folder's contents: only an empty folder or an earlier kit
  if (existsSync(o.out) && !statSync(o.out).isDirectory()) throw new UsageError(`--out ${q(o.out)} is a file; expected a folder for the kit`);
  if (existsSync(o.out) && readdirSync(o.out).length && !existsSync(path.join(o.out, 'check.mjs')))
    throw new UsageError(`--out ${q(o.out)} is not empty and holds no kit; expected a new or empty folder, or an earlier kit to replace`);
  const { buildStudentKit } = await import('./grading/student-kit.ts');
  const r = await buildStudentKit({ course: o.course, out: o.out, log: (l) => console.error(l) });
  console.log(
    `student kit for ${o.course} written to ${r.dir} (${r.files.length} files, ${(r.bytes / 2 ** 20).toFixed(1)} MiB): ${r.kept.length} item${r.kept.length === 1 ? '' : 's'} checked locally, ${r.leftOut.length} graded on submission only`,
  );
  return 0;
}

/** `dlspec contract`: the starter submission of one course, every export a stub, in the student's language. */
async function contractCmd(o: { course: Course; lang: 'python' | 'typescript'; out?: string }): Promise<number> {
  const { topics: all } = (await import('./registry.ts')) as { topics: Topic<unknown>[] };
  const { rubricFor, topicMeta } = await import('./grading/rubric.ts');
  const rubric = rubricFor(all.map(topicMeta), o.course);
  const topics = all.filter((t) => rubric.some((r) => r.topicId === t.id));
  const title = `${o.course} ${[...new Set(rubric.map((r) => r.ref.hw))].join(', ')}`;
  const text = o.lang === 'python' ? (await import('./grading/python/starter.ts')).pythonStarter(topics, title) : (await import('./grading/student-kit.ts')).starterIndex(topics, o.course, title);
  if (!o.out || o.out === '-') process.stdout.write(text);
  else {
    writeFile(o.out, text);
    console.error(`${o.lang === 'python' ? 'Python' : 'TypeScript'} starter for ${o.course} written to ${o.out}`);
  }
  return 0;
}

async function key(o: { out: string; course?: Course | 'all'; answersOnly?: boolean; tags?: Tag[]; topic?: string[]; outDir?: string; topicsModule?: string }): Promise<number> {
  const course = o.course === 'all' ? undefined : o.course;
  if (o.answersOnly && !course) throw new UsageError("--answers-only needs --course; expected --course <course> (the hand-out is one course's)");
  checkTopicsModule(o.topicsModule);
  // with its own topics module the registry (and tfjs) is not loaded (≈3 s of CPU)
  const topics: Topic<unknown>[] = o.topicsModule ? (await import(pathToFileURL(path.resolve(o.topicsModule)).href)).topics : (await import('./registry.ts')).topics;
  await checkTopics(o.topic, 'all', async () => topics);
  const { buildKey, keyMarkdown } = await import('./grading/key.ts');
  const { initBackend } = await import('./backend.ts');
  const backend = await initBackend();
  const entries = await buildKey(topics, {
    course,
    includeTags: o.tags,
    topicIds: o.topic,
    outDir: o.outDir,
    keyPath: o.out,
    onClaim: (id, r) => console.error(`${r ? (r.passed ? 'holds ' : 'FAILED') : 'not run'} ${id}${r ? ` (${(r.durationMs / 1000).toFixed(2)} s)` : ''}`),
  });
  writeFile(o.out, keyMarkdown(topics, entries, { keyPath: o.out, backend: backend.name, course, answersOnly: o.answersOnly }));
  const bad = entries.filter((e) => e.result && !e.result.passed);
  console.log(`answer key written to ${path.resolve(o.out)}: ${entries.length} claims, ${entries.filter((e) => e.result).length} run, ${bad.length} failed`);
  return bad.length ? 1 : 0;
}

async function list(o: { course: Course | 'all' }): Promise<number> {
  const { topics } = await import('./registry.ts');
  if (o.course !== 'all') {
    // one course's rubric: the items as the grader numbers them, with that course's points
    const { rubricFor, topicMeta } = await import('./grading/rubric.ts');
    const items = rubricFor(topics.map(topicMeta), o.course);
    for (const i of items) console.log(`${i.number.padEnd(8)} ${i.claim.id.padEnd(30)} ${String(i.ref.points).padStart(4)} pt${i.extraCredit ? ' (extra credit)' : ''}  ${i.claim.statement}`);
    const total = items.filter((i) => !i.extraCredit).reduce((a, i) => a + i.ref.points, 0);
    console.log(`${items.length} items, ${Math.round(total * 1000) / 1000} points`);
    return 0;
  }
  for (const t of topics) {
    console.log(`${t.title}`);
    for (const c of t.claims) {
      console.log(`  ${c.id.padEnd(28)} ${c.course} ${c.hw} P${c.problem}${c.part ? `.${c.part}` : ''}  ${String(c.points).padStart(4)} pt  ${c.statement}`);
    }
  }
  return 0;
}

async function check(o: { submission?: string; seed?: string; topic?: string }): Promise<number> {
  if (o.submission !== undefined) checkSubmission('--submission', o.submission);
  // the claims run in this process: load them (and tfjs) only here
  const { topics } = await import('./registry.ts');
  await checkTopics(o.topic === undefined ? undefined : [o.topic], 'all', async () => topics);
  const { makeContext, runClaim } = await import('./claims/run.ts');
  const { submissionEntry, SUBMISSION_ENTRY_NAMES } = await import('./grading/subject.ts');
  const { REFERENCE_SUBMISSION } = await import('./grading/fixtures.ts');
  const { seedFrom } = await import('./verify/rng.ts');
  let entry: string | undefined;
  if (o.submission !== undefined) {
    try {
      entry = submissionEntry(o.submission);
    } catch (e) {
      throw new UsageError(`--submission ${q(o.submission)} has no module; expected a folder with one of ${SUBMISSION_ENTRY_NAMES.join(', ')}, or a module file`);
    }
  }
  if (entry?.endsWith('.py'))
    throw new UsageError(
      `--submission ${q(o.submission!)} is a Python submission; \`dlspec check\` loads TypeScript or JavaScript into its own process — expected \`dlspec grade ${o.submission}\`, which runs Python in its sandbox`,
    );
  // compiled as the grader compiles it: importing a .ts file outside this repository directly fails (load-submission.ts)
  const { importSubmission, SubmissionLoadError } = await import('./grading/load-submission.ts');
  let mod: Record<string, unknown> | undefined;
  try {
    mod = entry ? await importSubmission(entry) : undefined;
  } catch (e) {
    if (e instanceof SubmissionLoadError) throw new UsageError(`--submission ${q(o.submission!)}: ${oneLine(e.message, 600)}; expected a module that compiles and loads`);
    throw e;
  }
  let earned = 0,
    possible = 0,
    failed = 0;
  for (const t of topics.filter((x) => !o.topic || x.id === o.topic)) {
    for (const c of t.claims) {
      if (c.tags?.length) continue;
      const ctx = makeContext({ seed: o.seed ? seedFrom(o.seed) : undefined, mode: entry ? 'submission' : 'reference', filesRoot: entry ? path.dirname(entry) : REFERENCE_SUBMISSION });
      const r = await runClaim(c, mod ?? t.reference, t.contract, ctx);
      earned += r.points;
      possible += r.maxPoints;
      if (!r.passed) failed++;
      console.log(`${r.passed ? 'PASS' : 'FAIL'} ${c.id} ${r.points}/${r.maxPoints}${r.passed ? '' : `\n  ${r.message.replace(/\n/g, '\n  ')}`}`);
    }
  }
  console.log(`${earned}/${possible} points`);
  return failed ? 1 : 0;
}

// ---- the program

/** Commander's own errors (unknown option, missing value, …) as one line in this CLI's form. */
function reword(cmd: Command, err: CommanderError): string {
  const usage = `dlspec ${cmd.name()} ${cmd.usage()}`;
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  const long = (flags: string): string => flags.split(/[ ,|]+/).find((f) => f.startsWith('--')) ?? flags;
  switch (err.code) {
    case 'commander.unknownOption': {
      const hint = /Did you mean (\S+)\?/.exec(err.message)?.[1];
      const known = cmd.options.filter((x) => !x.hidden && x.long).map((x) => x.long);
      const expected = !cmd.parent ? `a command first: one of ${cmd.commands.map((c) => c.name()).join(', ')}` : known.length ? `one of ${known.join(', ')}` : `no options: ${usage}`;
      return `unknown option ${quoted}${hint ? ` (did you mean ${hint}?)` : ''}; expected ${expected}`;
    }
    case 'commander.optionMissingArgument':
      return `${long(quoted)} has no value; expected ${quoted}`;
    case 'commander.missingMandatoryOptionValue': {
      const o = cmd.options.find((x) => x.flags === quoted);
      return `${long(quoted)} is required; expected ${quoted}${o ? `: ${o.description}` : ''}`;
    }
    case 'commander.missingArgument': {
      const a = cmd.registeredArguments.find((x) => x.name() === quoted);
      return `missing <${quoted}>${a?.description ? ` (${a.description})` : ''}; expected ${usage}`;
    }
    case 'commander.excessArguments': {
      const extra = cmd.args.slice(cmd.registeredArguments.length);
      return `unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map(q).join(' ')}; expected ${usage}`;
    }
    case 'commander.unknownCommand':
      return `unknown command ${q(quoted)}; expected one of ${cmd.commands.map((c) => c.name()).join(', ')}, help`;
    default:
      return `${err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}; expected ${usage}`;
  }
}

/** Errors become UsageErrors (main returns 2); help and version pass through (exit 0). */
const strict = (cmd: Command): Command =>
  cmd.exitOverride((err) => {
    if (err.exitCode === 0) throw err;
    throw new UsageError(reword(cmd, err));
  });

function program(done: (code: number) => void): Command {
  const prog = strict(new Command('dlspec'))
    .description("Executable specs of deep-learning homework: the answer key, and the autograder of students' submissions.")
    .configureOutput({
      writeOut: (s) => console.log(s.replace(/\n$/, '')),
      writeErr: (s) => console.error(s.replace(/\n$/, '')),
      outputError: () => {}, // main prints the one line
    });
  const command = (name: string): Command => strict(prog.command(name));

  command('list')
    .description("every claim: course, problem, part, points, statement (--course: one course's items as graded)")
    .addOption(courseOption())
    .action(async (o) => done(await list(o)));

  command('check')
    .description('run the untagged claims in this process against the reference or a submission')
    .addOption(option('--submission <dir>', 'a submission folder or module file (default: the reference)', text('--submission', '<dir>')))
    .addOption(seedOption())
    .addOption(option('--topic <id>', 'only this topic', text('--topic', '<id>')))
    .action(async (o) => done(await check(o)));

  command('grade')
    .description("grade a student's submission in a child process; writes Gradescope's results.json")
    .argument('<dir>', 'the submission: a folder (index.ts, …) or one module file')
    .addOption(option('--out <file>', 'the results.json to write (- for none)', text('--out', '<file>'), 'results.json'))
    .addOption(courseOption())
    .addOption(option('--format <format>', 'text, md or json', oneOf('--format', ['text', 'md', 'json'] as const), 'text'))
    .addOption(seedOption())
    .addOption(option('--student-id <id>', "the student's id: seeds their randomized variant", text('--student-id', '<id>')))
    .addOption(tagsOption())
    .addOption(topicOption())
    .addOption(scaleOption())
    .addOption(option('--timeout-ms <n>', 'time limit of one check, in ms', positiveInt('--timeout-ms')))
    .addOption(option('--memory-mb <n>', 'memory limit of a check runner, in MB', positiveInt('--memory-mb')))
    .addOption(option('--parallel <n>', 'check runners at once', positiveInt('--parallel')))
    .addOption(isolationOption())
    .addOption(option('--verbose', "every item's evidence; the stack of an internal error"))
    .addOption(visibilityOption())
    .addOption(topicsModuleOption())
    .action(async (dir: string, o: GradeOpts) => done(await grade(dir, o)));

  command('key')
    .description('the answer key: answers (LaTeX) and the evidence measured by this run')
    .addOption(option('--out <file>', 'the Markdown file to write', text('--out', '<file>'), 'answer-key.md'))
    .addOption(courseOption())
    .addOption(option('--answers-only', 'the hand-out: answers and derivations, figures embedded, the evidence in an appendix (needs --course)'))
    .addOption(tagsOption())
    .addOption(topicOption())
    .addOption(option('--out-dir <dir>', 'folder of the figures the key links', text('--out-dir', '<dir>')))
    .addOption(topicsModuleOption())
    .action(async (o) => done(await key(o)));

  command('grade-all')
    .description('every sub-folder of FOLDER (one per student), in parallel: scores.csv + results.json each')
    .argument('<folder>', 'one sub-folder per student (its name is the student id)')
    .addOption(option('--out-dir <dir>', 'where the results go (default: grades/ next to FOLDER)', text('--out-dir', '<dir>')))
    .addOption(option('--jobs <n>', 'gradings at once (default: every core)', positiveInt('--jobs')))
    .addOption(courseOption())
    .addOption(option('--same-seed', "every student gets the same variant (the key's, or --seed)"))
    .addOption(seedOption())
    .addOption(tagsOption())
    .addOption(topicOption())
    .addOption(scaleOption())
    .addOption(isolationOption())
    .addOption(option('--resume', 'keep the students already graded in --out-dir and grade only the rest'))
    .addOption(visibilityOption())
    .addOption(topicsModuleOption())
    .action(async (folder: string, o: GradeAllOpts) => done(await gradeAllCmd(folder, o)));

  command('gradescope-bundle')
    .description('the autograder zip Gradescope runs for one course (setup.sh, run_autograder, the package)')
    .addOption(option('--out <file>', 'the zip to write', text('--out', '<file>'), 'autograder.zip'))
    .addOption(option('--course <course>', `the assignment's course, one of ${COURSES.join(', ')} (one Gradescope assignment is one course)`, oneCourse).makeOptionMandatory())
    .addOption(tagsOption())
    .addOption(option('--topic <ids>', 'one problem set: only these topics (e.g. rnn,lstm)', idList))
    .addOption(visibilityOption())
    .action(async (o) => done(await bundleCmd(o)));

  command('contract')
    .description('a starter submission for one course: every export the checks call, as a stub with its signature and doc')
    .addOption(option('--course <course>', `the course, one of ${COURSES.join(', ')}`, oneCourse).makeOptionMandatory())
    .addOption(option('--lang <lang>', 'python (submission.py) or typescript (index.ts)', oneOf('--lang', ['python', 'typescript'] as const), 'typescript'))
    .addOption(option('--out <file>', 'the file to write (default: print it)', text('--out', '<file>')))
    .action(async (o) => done(await contractCmd(o)));

  command('student-kit')
    .description("what students download: README, contract.md, a starter submission and the local checker of the course's visible checks (no answers)")
    .addOption(option('--out <dir>', 'the folder to write (new, empty, or an earlier kit)', text('--out', '<dir>'), 'kit'))
    .addOption(option('--course <course>', `the course, one of ${COURSES.join(', ')}`, kitCourse).makeOptionMandatory())
    .action(async (o) => done(await studentKitCmd(o)));

  return prog;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const prog = program((c) => void (code = c));
  const names = prog.commands.map((c) => c.name());
  const where = names.includes(argv[0]) ? `dlspec ${argv[0]}` : 'dlspec';
  try {
    if (argv.length === 0) {
      prog.outputHelp();
      return 0;
    }
    // an unknown command is refused before anything else (commander would show help for `frobnicate --help`)
    const asked = argv[0] === 'help' ? argv[1] : argv[0];
    if (asked !== undefined && !asked.startsWith('-') && !names.includes(asked)) {
      throw new UsageError(`unknown command ${q(asked)}; expected one of ${names.join(', ')}, help`);
    }
    // help does nothing else: the other arguments (even malformed ones) are not looked at
    if (argv.includes('-h') || argv.includes('--help')) argv = names.includes(argv[0]) ? [argv[0], '--help'] : ['--help'];
    await prog.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    // a forced DLSPEC_BACKEND that is not available here (src/backend.ts) is the caller's to fix, like a flag
    if (e instanceof UsageError || (e instanceof Error && e.name === 'BackendUnavailable')) {
      console.error(`${where}: ${e.message}`);
      return 2;
    }
    if (e instanceof CommanderError && e.exitCode === 0) return 0;
    return internalError(where, e, argv.includes('--verbose'));
  }
}
