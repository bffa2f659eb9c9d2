/**
 * The claim model.  A claim is one checkable statement of a homework answer, declared once:
 * where it comes from (course, problem, part, points), what it says, the answer as an
 * instructor writes it on the key (Markdown + LaTeX), and a `check` that proves it against an
 * implementation of the topic's contract — the reference, or a student's submission.
 */
import type { Evidence } from '../verify/failure.ts';
import type { SubmissionFiles } from '../verify/files.ts';
export { ClaimFailure, fail, type Evidence, type EvidenceValue, type Outcome } from '../verify/failure.ts';

/** The courses whose homework the claims cover (the command line checks --course against this). */
export const COURSES = ['CIE6032', 'ELEG5491', 'CSE891', 'CSC421'] as const;
export type Course = (typeof COURSES)[number];

/** Where a claim's points come from in one course's homework. */
export interface ProblemRef {
  course: Course;
  /** homework label, e.g. 'HW2' */
  hw: string;
  problem: number;
  /** part label as the text numbers it, e.g. '1', 'a', '3.1'; omitted for a whole problem */
  part?: string;
  points: number;
}

/** Gradescope visibility values. */
export const VISIBILITIES = ['visible', 'hidden', 'after_due_date', 'after_published'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Tags of claims left out of the default suite and of a grade unless asked for (--tags). */
export const TAGS = ['slow', 'gpu'] as const;
export type Tag = (typeof TAGS)[number];

export interface CheckContext {
  /** seed for every random choice of this check (reference runs use a fixed seed; the grader derives one from the student id) */
  seed: number;
  mode: 'reference' | 'submission';
  /** scale a case count (e.g. the grader may ask for fewer cases than the key) */
  runs(n: number): number;
  /** false for quick sanity runs (e.g. checking that a known-wrong fixture loses nothing else): skip expensive fixed examples */
  thorough: boolean;
  /** a note for the answer key or the feedback (kept with the result) */
  note(line: string): void;
  /** the files of the folder the implementation came from (trained networks, logs); for the key, the reference submission's */
  files: SubmissionFiles;
  /** folder for what the check makes (figures, training checkpoints): `DLSPEC_OUT_DIR`, default `out` */
  outDir: string;
}

/** What one export of a topic's contract must be. */
export interface ExportSpec {
  kind: 'function' | 'string' | 'number' | 'object';
  /** TypeScript signature or type, as the README documents it */
  signature: string;
  doc: string;
}

export type ContractSpec<C> = { [K in keyof C]-?: ExportSpec };

export interface Claim<C> {
  /** stable id, `<topic>.<name>` */
  id: string;
  course: Course;
  hw: string;
  problem: number;
  part?: string;
  points: number;
  /** the same question in other courses' homework, with their points */
  alsoIn?: ProblemRef[];
  /** one sentence, what is proven */
  statement: string;
  /** the answer as it appears on the key: Markdown with $LaTeX$ */
  answer: string;
  tags?: Tag[];
  visibility?: Visibility;
  /** per-claim time limit for a submission's check (ms) */
  timeoutMs?: number;
  /** the contract exports this check calls; a missing one fails the claim with a clear message */
  uses: (keyof C & string)[];
  /** exports that may stand in for `uses` (another form of the same answer, e.g. an O(·) formula for a
   *  counting function): the check runs when every export of `uses` or every one of these is given */
  alternatives?: (keyof C & string)[];
  check(impl: C, ctx: CheckContext): Evidence | Promise<Evidence>;
  /** a Gradescope leaderboard column this claim fills when it passes: its evidence's `leaderboardValue` */
  leaderboard?: { name: string; order: 'asc' | 'desc' };
}

/** A known-wrong implementation kept in fixtures: its claims must reject it, naming the mistake. */
export interface KnownWrong {
  /** misconception id, also the fixture's file name */
  mistake: string;
  /** path of the fixture module, relative to the repository root (knownWrongFile: derived, never written out) */
  file: string;
  /** the claims that must reject it */
  rejectedBy: string[];
  /** words the failure message must contain (the mistake, named) */
  named: string;
  /**
   * Where the rejection by tagged (`slow`, `gpu`) claims of `rejectedBy` is checked.  By default each
   * such claim gets a known-wrong test of its own carrying the claim's tags, so the default suite never
   * trains (`npm run test:slow` / `test:gpu` run them).  `'default'` keeps them in the fixture's
   * default-suite test: only for fixtures that make those claims fail in about a second (stand-in models).
   */
  taggedRejections?: 'own-tags' | 'default';
}

/** A known-wrong fixture as a topic declares it: its file is derived from the topic and the mistake. */
export type KnownWrongSpec = Omit<KnownWrong, 'file'>;

/** Where the fixture of `mistake` lives: one module per mistake, named after it. */
export const knownWrongFile = (topicId: string, mistake: string): string => `fixtures/wrong/${topicId}/${mistake}.ts`;

export interface Topic<C> {
  id: string;
  title: string;
  /** what a student's module must export for this topic */
  contract: ContractSpec<C>;
  reference: C;
  claims: Claim<C>[];
  knownWrong: KnownWrong[];
}

export function defineTopic<C>(spec: Omit<Topic<C>, 'knownWrong'> & { knownWrong: KnownWrongSpec[] }): Topic<C> {
  const t: Topic<C> = { ...spec, knownWrong: spec.knownWrong.map((w) => ({ ...w, file: knownWrongFile(spec.id, w.mistake) })) };
  const ids = new Set<string>();
  for (const c of t.claims) {
    if (!c.id.startsWith(`${t.id}.`)) throw new Error(`claim ${c.id} must start with its topic id "${t.id}."`);
    if (ids.has(c.id)) throw new Error(`duplicate claim id ${c.id}`);
    ids.add(c.id);
  }
  for (const w of t.knownWrong) {
    for (const id of w.rejectedBy) if (!ids.has(id)) throw new Error(`known-wrong ${w.mistake}: unknown claim ${id}`);
  }
  return t;
}
