/**
 * Grading one submission: the programmatic API behind `dlspec grade`.
 *
 *   const report = await gradeSubmission('path/to/folder', { course: 'CIE6032', studentId: 's123' });
 *   writeFileSync('results.json', JSON.stringify(gradescopeResults(report)));
 *
 * Every claim of the chosen course(s) is run once (a claim shared by two courses is run once and
 * scored with each course's points) in a child process (sandbox.ts).  Claims tagged `slow` or
 * `gpu` are skipped unless their tag is included.  Grading never throws for a broken
 * submission: a missing folder, a module that does not load, a crash or a time-out each become
 * failed items with a message.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REFERENCE_SEED, type ClaimResult } from '../claims/run.ts';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { VISIBILITIES, type Course, type Evidence, type Outcome, type Tag, type Topic, type Visibility } from '../claims/types.ts';
import { seedFrom } from '../verify/rng.ts';
import { figuresOf, type FeedbackFigure } from '../verify/failure.ts';
import { coursesWithClaims, rubricFor, topicMeta, type RubricItem, type TopicMeta } from './rubric.ts';
import { DEFAULT_TOPICS_MODULE, defaultSandboxOptions, runInSandbox, type SandboxOptions, type SandboxRun } from './sandbox.ts';
import { DEFAULT_BUDGET_MS } from './limits.ts';
import { fmtNumber, nestedNote, plainText, summarizeEvidence } from './text.ts';

export { summarizeEvidence };
import { compileSubmission } from './strict.ts';
import { isPythonEntry } from './python/sandbox.ts';
import { submissionEntry } from './subject.ts';

/**
 * Case counts used by the grader, as a fraction of the answer key's (`ctx.runs(n)` → round(n·scale),
 * at least 1).  Each check still includes its fixed examples (e.g. T = 1 and T = 50 for the RNN);
 * the key (`dlspec key`) and the spec suite run the full counts.
 */
export const GRADE_RUN_SCALE = 0.5;

export interface GradeOptions {
  /** which course's rubric (default 'all': every course's problems) */
  course?: Course | 'all';
  /** a number or any string; a student id becomes a seed by hashing */
  seed?: number | string;
  studentId?: string;
  /** tags to include besides the default suite (e.g. ['slow']) */
  includeTags?: Tag[];
  /** only these topics / claims (ids) */
  topicIds?: string[];
  claimIds?: string[];
  runScale?: number;
  /** module exporting `topics` (default the registry) — tests use their own */
  topicsModule?: string;
  /** the instructor's visibility per claim id or topic id ('*': every item), over the claims' own */
  visibility?: VisibilityConfig;
  sandbox?: Partial<Omit<SandboxOptions, 'seed' | 'runScale' | 'topicsModule' | 'compiled'>>;
  /**
   * Check runners working at once on this submission, each with its own sandbox and its share of
   * the items (dealt round-robin, so the same seed gives the same split and the same grade).
   * Default 1: each runner imports tfjs and drives its own sandbox, and one runner with its sandbox
   * already keeps two cores busy (two runners cost more CPU for no wall time there: see
   * docs/measurements.md).  Worth it on a machine with more cores.
   */
  parallel?: number;
}

/** The default number of check runners for one submission (see `GradeOptions.parallel`). */
export const defaultParallel = (): number => 1;

/** Why a topic/item selection grades nothing it names, or undefined when it is fine. */
export function badSelection(all: TopicMeta[], topicIds: string[] | undefined, claimIds: string[] | undefined, course: Course | 'all'): string | undefined {
  const ids = all.map((t) => t.id);
  const unknown = (topicIds ?? []).filter((id) => !ids.includes(id));
  if (unknown.length) return `unknown topic${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')}: expected some of ${ids.join(', ')}`;
  const inCourse = (t: TopicMeta): boolean => course === 'all' || rubricFor([t], course).length > 0;
  const empty = all.filter((t) => topicIds?.includes(t.id) && !inCourse(t)).map((t) => t.id);
  if (empty.length)
    return `topic${empty.length > 1 ? 's' : ''} ${empty.join(', ')} ha${empty.length > 1 ? 've' : 's'} no items in ${course}: expected topics of ${course}: ${all
      .filter(inCourse)
      .map((t) => t.id)
      .join(', ')}`;
  const claimsOf = all.filter((t) => !topicIds?.length || topicIds.includes(t.id)).flatMap((t) => t.claims.map((c) => c.id));
  const unknownClaims = (claimIds ?? []).filter((id) => !claimsOf.includes(id));
  if (unknownClaims.length) return `unknown item${unknownClaims.length > 1 ? 's' : ''} ${unknownClaims.map((u) => `'${u}'`).join(', ')} (not a claim of the selected topics)`;
  return undefined;
}

/** Several runs' outcomes as one. */
function mergeRuns(runs: SandboxRun[]): SandboxRun {
  if (runs.length === 1) return runs[0];
  const first = runs[0];
  return {
    topics: runs.find((r) => r.topics)?.topics,
    ids: runs.flatMap((r) => r.ids),
    results: new Map(runs.flatMap((r) => [...r.results])),
    loadError: runs.find((r) => r.loadError)?.loadError,
    exports: first.exports,
    processes: runs.reduce((s, r) => s + r.processes, 0),
    outputTail: runs
      .map((r) => r.outputTail)
      .filter(Boolean)
      .join('\n')
      .slice(-4000),
    rejectedMessages: runs.reduce((s, r) => s + r.rejectedMessages, 0),
    sandboxStarts: runs.some((r) => r.sandboxStarts !== undefined) ? runs.reduce((s, r) => s + (r.sandboxStarts ?? 0), 0) : undefined,
    confinement: runs.find((r) => r.confinement)?.confinement,
  };
}

export type ItemStatus = 'passed' | 'failed' | 'skipped';

export interface GradedItem {
  claimId: string;
  topicId: string;
  course: Course;
  hw: string;
  problem: number;
  part?: string;
  number: string;
  name: string;
  statement: string;
  score: number;
  maxScore: number;
  extraCredit: boolean;
  status: ItemStatus;
  /** what the student reads: the failure message, or the evidence of a pass */
  output: string;
  visibility: Visibility;
  tags: Tag[];
}

export interface ProblemGrade {
  course: Course;
  hw: string;
  problem: number;
  score: number;
  possible: number;
  extraScore: number;
  extraPossible: number;
  items: GradedItem[];
}

export interface CourseGrade {
  course: Course;
  problems: ProblemGrade[];
  score: number;
  possible: number;
  extraScore: number;
  extraPossible: number;
}

export interface GradedClaim {
  id: string;
  topicId: string;
  status: ItemStatus;
  message: string;
  evidence: Evidence;
  durationMs: number;
  /** why it ended so; absent for a skipped item */
  outcome?: Outcome;
  /** the check failed on the key's own answer too (same seed, fresh process): no points, staff must review */
  graderFault?: string;
}

export interface GradeReport {
  submission: string;
  entry?: string;
  seed: number;
  studentId?: string;
  runScale: number;
  course: Course | 'all';
  /** seconds, the whole grading */
  executionTime: number;
  loadError?: string;
  /** the sub-folder the module was found in, when it was not at the top of the folder handed in */
  nestedIn?: string;
  /** why no module was found where the submission's should be (then every item failed with it) */
  noModule?: string;
  claims: Record<string, GradedClaim>;
  courses: CourseGrade[];
  /** rubric items of `course` ('all': each claim once, at its primary course) — the Gradescope tests */
  tests: GradedItem[];
  score: number;
  possible: number;
  /** items the grader could not judge (the key fails its check too): 0 points until staff review them */
  review?: string[];
  processes: number;
  /** strict isolation: sandbox processes started (1 + one per restart after a time-out or crash) */
  sandboxStarts?: number;
  isolation: 'strict' | 'process';
  /** what confined the student's code, in words */
  confinement?: string;
  rejectedMessages: number;
  outputTail: string;
  /** Gradescope leaderboard entries: the passed items that measure a number (a test accuracy) */
  leaderboard?: { name: string; value: number; order: 'asc' | 'desc' }[];
}

export async function loadTopics(topicsModule?: string): Promise<Topic<unknown>[]> {
  const mod = (await import(pathToFileURL(path.resolve(topicsModule ?? DEFAULT_TOPICS_MODULE)).href)) as { topics: Topic<unknown>[] };
  return mod.topics;
}

export function resolveSeed(opts: Pick<GradeOptions, 'seed' | 'studentId'>): number {
  if (opts.seed !== undefined) return typeof opts.seed === 'number' || /^\d+$/.test(opts.seed) ? seedFrom(Number(opts.seed)) : seedFrom(opts.seed);
  if (opts.studentId !== undefined) return seedFrom(opts.studentId);
  return REFERENCE_SEED;
}

const fmt = fmtNumber;

function outputOf(c: GradedClaim): string {
  if (c.status === 'skipped') return c.message;
  if (c.status === 'passed') {
    const ev = summarizeEvidence(c.evidence);
    return ev ? `passed — measured: ${ev}` : 'passed';
  }
  return c.message;
}

function skippedReason(tags: Tag[]): string {
  const t = tags.find((x) => x === 'slow' || x === 'gpu');
  return t === 'gpu'
    ? 'not graded in this run: needs a GPU (tag gpu; grade with --tags gpu on a GPU machine)'
    : `not graded in this run: ${t ?? 'excluded'} (CPU training, minutes; grade with --tags slow)`;
}

export function courseGrades(items: GradedItem[]): CourseGrade[] {
  const courses: CourseGrade[] = [];
  for (const it of items) {
    if (it.status === 'skipped') continue;
    let c = courses.find((x) => x.course === it.course);
    if (!c) courses.push((c = { course: it.course, problems: [], score: 0, possible: 0, extraScore: 0, extraPossible: 0 }));
    let p = c.problems.find((x) => x.hw === it.hw && x.problem === it.problem);
    if (!p) c.problems.push((p = { course: it.course, hw: it.hw, problem: it.problem, score: 0, possible: 0, extraScore: 0, extraPossible: 0, items: [] }));
    p.items.push(it);
    if (it.extraCredit) {
      p.extraScore += it.score;
      p.extraPossible += it.maxScore;
    } else {
      p.score += it.score;
      p.possible += it.maxScore;
    }
  }
  for (const c of courses) {
    for (const p of c.problems) {
      c.score += p.score;
      c.possible += p.possible;
      c.extraScore += p.extraScore;
      c.extraPossible += p.extraPossible;
    }
  }
  return courses;
}

/** Which items students see when (Gradescope's values), set by the instructor: claim id, topic id or '*' → visibility. */
export type VisibilityConfig = Record<string, Visibility>;

/** A staff mistake in what to grade or show (an unknown topic, item or visibility): nothing is graded. */
export class SelectionError extends Error {}

/** The instructor's visibility file: a JSON object of claim id, topic id or '*' → one of VISIBILITIES. */
export function readVisibilityConfig(file: string): VisibilityConfig {
  const expected = `expected a JSON object of claim ids, topic ids or "*" to one of ${VISIBILITIES.join(', ')}`;
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SelectionError(`--visibility ${JSON.stringify(file)} could not be read (${(e as Error).message.split('\n')[0]}); ${expected}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SelectionError(`--visibility ${JSON.stringify(file)} is not a JSON object; ${expected}`);
  for (const [k, x] of Object.entries(v)) {
    if (!(VISIBILITIES as readonly unknown[]).includes(x)) throw new SelectionError(`--visibility ${JSON.stringify(file)}: ${JSON.stringify(k)} is set to ${JSON.stringify(x)}; ${expected}`);
  }
  return v as VisibilityConfig;
}

/** Keys of a visibility config that name no topic or claim of `all`. */
export function unknownVisibilityKeys(all: TopicMeta[], config: VisibilityConfig | undefined): string[] {
  const known = new Set(['*', ...all.map((t) => t.id), ...all.flatMap((t) => t.claims.map((c) => c.id))]);
  return Object.keys(config ?? {}).filter((k) => !known.has(k));
}

/** An item's visibility: the instructor's setting for its claim, else for its topic, else for '*', else the claim's own. */
export const visibilityOf = (r: RubricItem, config: VisibilityConfig = {}): Visibility => config[r.claim.id] ?? config[r.topicId] ?? config['*'] ?? r.visibility;

function itemOf(r: RubricItem, c: GradedClaim, config?: VisibilityConfig): GradedItem {
  const frac = c.status === 'passed' ? 1 : 0;
  return {
    claimId: r.claim.id,
    topicId: r.topicId,
    course: r.ref.course,
    hw: r.ref.hw,
    problem: r.ref.problem,
    part: r.ref.part,
    number: r.number,
    name: `${r.ref.course} ${r.ref.hw} P${r.ref.problem}${r.ref.part ? `(${r.ref.part})` : ''}${r.extraCredit ? ' [extra credit]' : ''} — ${r.claim.id}: ${r.claim.statement}`,
    statement: r.claim.statement,
    score: frac * r.ref.points,
    maxScore: r.ref.points,
    extraCredit: r.extraCredit,
    status: c.status,
    output: outputOf(c),
    visibility: visibilityOf(r, config),
    tags: r.tags,
  };
}

export interface Plan {
  /** each graded course's rubric items */
  perCourse: RubricItem[][];
  /** the Gradescope tests: the course's items ('all': each claim once, at its primary course) */
  tests: RubricItem[];
  /** claim id → its topic and tags, for every item graded or listed as skipped */
  wanted: Map<string, { topicId: string; tags: Tag[] }>;
  /** the claims to run, in rubric order (the others' tags were not included) */
  toRun: string[];
  /** the selection names topics, items or visibility keys that do not exist or have nothing in the course */
  selectionError?: string;
}

export type PlanOptions = Pick<GradeOptions, 'topicIds' | 'claimIds' | 'includeTags' | 'visibility'> & { course: Course | 'all' };

/** When a student sees an item of each visibility: now, after the due date, once grades are published, never. */
const REVEAL_ORDER: Record<Visibility, number> = { visible: 0, after_due_date: 1, after_published: 2, hidden: 3 };

/** What to grade, from the topics' data alone: a pure function of its arguments. */
export function planGrade(all: TopicMeta[], o: PlanOptions): Plan {
  const include = new Set<Tag>(o.includeTags ?? []);
  const topics = all.filter((t) => !o.topicIds?.length || o.topicIds.includes(t.id));
  const unknownKeys = unknownVisibilityKeys(all, o.visibility);
  const selectionError =
    badSelection(all, o.topicIds, o.claimIds, o.course) ??
    (unknownKeys.length
      ? `the visibility settings name ${unknownKeys.map((k) => `'${k}'`).join(', ')}, which ${unknownKeys.length > 1 ? 'are' : 'is'} no topic or item; expected topic ids (${all.map((t) => t.id).join(', ')}), claim ids (dlspec list) or "*"`
      : undefined);
  if (selectionError) return { perCourse: [], tests: [], wanted: new Map(), toRun: [], selectionError };
  const courses = o.course === 'all' ? coursesWithClaims(topics) : [o.course];
  const perCourse = courses.map((c) => rubricFor(topics, c));
  const tests = o.course === 'all' ? rubricFor(topics, 'all') : perCourse[0];
  const wanted = new Map<string, { topicId: string; tags: Tag[] }>();
  for (const r of [...perCourse.flat(), ...tests]) {
    if (o.claimIds?.length && !o.claimIds.includes(r.claim.id)) continue;
    wanted.set(r.claim.id, { topicId: r.topicId, tags: r.tags });
  }
  const runnable = [...wanted].filter(([, w]) => w.tags.every((t) => include.has(t))).map(([id]) => id);
  // items shown sooner run first: the student's code keeps state from item to item in its process, so
  // what a held-back item passed it (its inputs, whether it failed) can reach only the feedback of items
  // shown no sooner than that one
  const items = [...tests, ...perCourse.flat()];
  const shown = (id: string): number =>
    REVEAL_ORDER[
      visibilityOf(
        items.find((r) => r.claim.id === id)!,
        o.visibility,
      )
    ];
  const toRun = runnable
    .map((id, i) => ({ id, i, at: shown(id) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.id);
  return { perCourse, tests, wanted, toRun };
}

export async function gradeSubmission(dir: string, opts: GradeOptions = {}): Promise<GradeReport> {
  const t0 = performance.now();
  const course = opts.course ?? 'all';
  const seed = resolveSeed(opts);
  const runScale = opts.runScale ?? GRADE_RUN_SCALE;
  let entry: string | undefined;
  let entryError: string | undefined;
  try {
    entry = submissionEntry(dir);
  } catch (e) {
    entryError = (e as Error).message;
  }
  const nestedIn = entry && statSync(path.resolve(dir)).isDirectory() && path.dirname(entry) !== path.resolve(dir) ? path.relative(path.resolve(dir), path.dirname(entry)) : undefined;

  const planOpts: PlanOptions = { course, topicIds: opts.topicIds, claimIds: opts.claimIds, includeTags: opts.includeTags, visibility: opts.visibility };
  const sb: SandboxOptions = {
    ...defaultSandboxOptions,
    budgetMs: DEFAULT_BUDGET_MS,
    ...opts.sandbox,
    defaultIsExplicit: opts.sandbox?.defaultTimeoutMs !== undefined,
    seed,
    runScale,
  };
  const parallel = Math.max(1, Math.floor(opts.parallel ?? defaultParallel()));
  // a Python submission always runs in its sandbox (it cannot be imported beside the checks)
  if (entry && isPythonEntry(entry)) sb.isolation = 'strict';
  // strict isolation: a TypeScript submission is compiled once, here, for every check runner
  const compiled = entry && !entryError && !isPythonEntry(entry) && (sb.isolation ?? 'strict') === 'strict' ? await compileSubmission(entry, path.dirname(entry)) : undefined;
  let run: SandboxRun;
  try {
    run = mergeRuns(
      await Promise.all(
        Array.from({ length: parallel }, (_, k) =>
          runInSandbox(
            entry ?? '',
            entry ? path.dirname(entry) : path.resolve(dir),
            (topics) => planGrade(topics, planOpts).toRun.filter((_, i) => i % parallel === k),
            // absolute: the check runner starts in another folder (a relative --topics-module failed there)
            { ...sb, seed, runScale, topicsModule: opts.topicsModule && path.resolve(opts.topicsModule), compiled },
            entryError,
          ),
        ),
      ),
    );
  } finally {
    compiled?.dispose();
  }
  let loadError = run.loadError ?? entryError;
  if (!run.topics) {
    // the runner never reported the rubric (the grader's own runtime failed to start): load it here
    loadError = `${loadError ?? 'the grader failed'}${run.outputTail ? `\n${run.outputTail.slice(-1500)}` : ''}`;
  }
  const plan = planGrade(run.topics ?? (await loadTopics(opts.topicsModule)).map(topicMeta), planOpts);
  // a staff mistake (a typo in --topic, a topic of another course): every student would get 0 / 0
  if (plan.selectionError) throw new SelectionError(plan.selectionError);
  const { perCourse, tests, wanted, toRun } = plan;
  // Is a check that rejected the student at fault for this seed or this machine?  Ask the key, in a
  // fresh check runner that never saw the student's data; where the key fails too, the item is the
  // grader's fault: no points, marked for the course staff to review.
  // only a check's own verdict can be its fault: a time-out, a crash, a missing export or a module
  // that did not load says nothing about the check
  const rejected = toRun.filter((id) => {
    const r = run.results.get(id);
    return r !== undefined && !r.passed && (r.outcome ?? 'failed') === 'failed';
  });
  const faults = new Map<string, string>();
  if (rejected.length) {
    const ref = await runInSandbox('', path.resolve(dir), rejected, { ...sb, budgetMs: undefined, topicsModule: opts.topicsModule && path.resolve(opts.topicsModule), subject: 'reference' });
    for (const id of rejected) {
      const r = ref.results.get(id);
      if (!r?.passed)
        faults.set(id, `with this seed (${seed}) the check also rejects the key's own answer, so it cannot judge yours: ${r ? r.message : (ref.loadError ?? 'the key could not be run')}`);
    }
  }
  const claims: Record<string, GradedClaim> = {};
  for (const [id, w] of wanted) {
    if (!toRun.includes(id)) {
      claims[id] = { id, topicId: w.topicId, status: 'skipped', message: skippedReason(w.tags), evidence: {}, durationMs: 0 };
      continue;
    }
    const r: ClaimResult | undefined = run.results.get(id);
    const fault = faults.get(id);
    const message = plainText(r ? String(r.message) : (loadError ?? 'not graded'));
    claims[id] = {
      id,
      topicId: w.topicId,
      status: r?.passed ? 'passed' : 'failed',
      message: fault ? `not graded yet: this item is marked for review by the course staff (a fault of the grader, not of your code). Your result was: ${message}` : message,
      outcome: fault ? 'grader-fault' : r ? (r.outcome ?? (r.passed ? 'passed' : 'failed')) : 'load-error',
      evidence: (r?.evidence ?? {}) as Evidence,
      durationMs: r?.durationMs ?? 0,
      ...(fault ? { graderFault: plainText(fault) } : {}),
    };
  }
  const graded = (rs: RubricItem[]): GradedItem[] => rs.filter((r) => claims[r.claim.id]).map((r) => itemOf(r, claims[r.claim.id], opts.visibility));
  const courseItems = perCourse.flatMap(graded);
  const testItems = graded(tests).filter((t) => t.status !== 'skipped');
  const score = testItems.reduce((s, t) => s + t.score, 0);
  const possible = testItems.filter((t) => !t.extraCredit).reduce((s, t) => s + t.maxScore, 0);
  const leaderboard = tests
    .filter((t) => t.claim.leaderboard && claims[t.claim.id]?.status === 'passed' && typeof claims[t.claim.id].evidence.leaderboardValue === 'number')
    .map((t) => ({ ...t.claim.leaderboard!, value: claims[t.claim.id].evidence.leaderboardValue as number }));
  return {
    ...(leaderboard.length ? { leaderboard } : {}),
    submission: path.resolve(dir),
    entry,
    seed,
    studentId: opts.studentId,
    runScale,
    course,
    executionTime: (performance.now() - t0) / 1000,
    loadError,
    ...(nestedIn ? { nestedIn } : {}),
    ...(entryError ? { noModule: entryError } : {}),
    claims,
    courses: courseGrades(courseItems),
    tests: testItems,
    score: round(score),
    possible: round(possible),
    review: [...faults.keys()],
    processes: run.processes,
    sandboxStarts: run.sandboxStarts,
    isolation: sb.isolation ?? 'strict',
    confinement: run.confinement,
    rejectedMessages: run.rejectedMessages,
    outputTail: run.outputTail,
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Gradescope's results.json for a report. */
export function gradescopeResults(r: GradeReport): Record<string, unknown> {
  // the top-level output is shown to the student at once: it speaks only of the visible items (a
  // total or an id list would give away what a hidden or after-due-date item measured)
  const shown = new Set(r.tests.filter((t) => t.visibility === 'visible').map((t) => t.claimId));
  const later = r.tests.filter((t) => t.visibility !== 'visible');
  const visibleScore = r.tests.filter((t) => shown.has(t.claimId)).reduce((a, t) => a + t.score, 0);
  const visiblePossible = r.tests.filter((t) => shown.has(t.claimId) && !t.extraCredit).reduce((a, t) => a + t.maxScore, 0);
  const skipped = Object.values(r.claims).filter((c) => c.status === 'skipped');
  const review = (r.review ?? []).filter((id) => shown.has(id));
  const lines = [
    `dlspec autograder — course ${r.course}, seed ${r.seed}${r.studentId ? ` (student id ${r.studentId})` : ''}, case scale ${r.runScale}`,
    later.length
      ? `score of the items shown now ${fmt(round(visibleScore))} / ${fmt(round(visiblePossible))}; ${later.length} more item(s) are shown later (after the due date or when grades are published)`
      : `score ${fmt(r.score)} / ${fmt(r.possible)}`,
  ];
  if (r.nestedIn) lines.push(nestedNote(r.nestedIn));
  if (r.loadError) lines.push(`Your module could not be graded: ${r.loadError}`);
  if (skipped.length) lines.push(`${skipped.length} item(s) not graded by this run (slow/gpu): ${skipped.map((c) => c.id).join(', ')}`);
  if (review.length) lines.push(`${review.length} item(s) marked for review by the course staff (the check also rejected the key's own answer): ${review.join(', ')}`);
  return {
    score: r.score,
    execution_time: Math.round(r.executionTime * 10) / 10,
    output: lines.join('\n'),
    output_format: 'text',
    test_output_format: 'text',
    visibility: 'visible',
    stdout_visibility: 'hidden',
    ...(r.leaderboard?.length ? { leaderboard: r.leaderboard } : {}),
    tests: r.tests.map((t) => {
      const figures = figuresOf(r.claims[t.claimId]?.evidence);
      return {
        name: t.name,
        number: t.number,
        score: t.score,
        max_score: t.maxScore,
        status: t.status === 'passed' ? 'passed' : 'failed',
        // an item with pictures (the student's filters, samples) is shown as HTML: its text, then each picture inline
        ...(figures.length ? { output: withFigures(t.output, figures), output_format: 'html' } : { output: t.output }),
        visibility: t.visibility,
        ...(t.tags.length ? { tags: t.tags } : {}),
      };
    }),
  };
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An item's text as HTML, followed by its pictures as inline PNGs (Gradescope shows data: images in HTML output). */
function withFigures(text: string, figures: FeedbackFigure[]): string {
  const shown = figures.filter((f) => /^[A-Za-z0-9+/]+={0,2}$/.test(f.png));
  return [`<pre>${escapeHtml(text)}</pre>`, ...shown.map((f) => `<p>${escapeHtml(f.title)}</p>\n<img alt="${escapeHtml(f.title)}" src="data:image/png;base64,${f.png}">`)].join('\n');
}

/** Write the report's pictures as PNG files in `dir` (`<item>-<n>.png`); the paths written. */
export function writeFeedbackFigures(r: GradeReport, dir: string): string[] {
  const files: string[] = [];
  for (const t of r.tests) {
    figuresOf(r.claims[t.claimId]?.evidence).forEach((f, i) => {
      const file = path.join(dir, `${t.claimId}-${i + 1}.png`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, Buffer.from(f.png, 'base64'));
      files.push(file);
    });
  }
  return files;
}

/** A results.json for a grading that could not even start (e.g. the grader itself failed). */
export function crashResults(message: string, executionTime = 0): Record<string, unknown> {
  return { score: 0, execution_time: executionTime, output: `The autograder failed before grading: ${message}`, visibility: 'visible', tests: [] };
}
