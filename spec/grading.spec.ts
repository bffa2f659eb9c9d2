/**
 * The autograder on the registry: the rubric, full marks for the reference, 0 for the
 * empty submission, exactly the points of the breaking claims lost for every known-wrong fixture
 * of every topic (mistake named).  The synthetic-topic robustness specs are in
 * grading-robustness.spec.ts, the command line and the key in grading-cli.spec.ts.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { topics as registryTopics } from '../src/registry.ts';
import type { KnownWrong, Topic } from '../src/claims/types.ts';
import { EMPTY_SUBMISSION, knownWrongBundle, knownWrongSubmission, REFERENCE_SUBMISSION } from '../src/grading/fixtures.ts';
import { defaultParallel, gradescopeResults, gradeSubmission, type GradeReport } from '../src/grading/grade.ts';
import { coursesWithClaims, isExtraCredit, refsOf, rubricFor, topicMeta } from '../src/grading/rubric.ts';
import { synthTopic } from './grading-topics.ts';
import { tempFolders } from './grading-synth.ts';

const registry = registryTopics as Topic<unknown>[];
const metas = registry.map(topicMeta);
const temp = tempFolders();

/** default-suite claims of the registry (what the grader runs by default) */
const defaultClaims = registry.flatMap((t) => t.claims).filter((c) => !c.tags?.length);

describe('rubric', () => {
  test('every course is read off the claims and their alsoIn refs, numbered per problem', () => {
    expect(coursesWithClaims(metas).length).toBeGreaterThan(0);
    for (const course of coursesWithClaims(metas)) {
      const items = rubricFor(metas, course);
      expect(new Set(items.map((i) => i.number)).size).toBe(items.length);
      for (const i of items) expect(i.ref.course).toBe(course);
    }
    const rnn = rubricFor(metas, 'CIE6032').filter((i) => i.topicId === 'rnn');
    expect(rnn.map((i) => i.number)).toEqual(['1.1', '1.2', '1.3', '1.4', '1.5']);
    expect(rnn.reduce((s, i) => s + i.ref.points, 0)).toBe(20); // CIE6032 HW2 P1 is worth 20 points
    expect(rubricFor(metas, 'ELEG5491').filter((i) => i.topicId === 'rnn').length).toBe(5);
    // 'all' = each claim once, at its primary course
    expect(rubricFor(metas, 'all').length).toBe(registry.flatMap((t) => t.claims).length);
  });

  test('parts, several claims per part, extra credit', () => {
    const m = [topicMeta(synthTopic as Topic<unknown>)];
    const cse = rubricFor(m, 'CSE891');
    expect(cse.map((i) => [i.claim.id, i.number, i.extraCredit])).toEqual([
      ['synth.square', '1.1', false],
      ['synth.formula', '1.2', false],
      ['synth.spin', '1.3', true],
      ['synth.hidden', '2.1', false],
      ['synth.trained', '3.1', false],
    ]);
    expect(rubricFor(m, 'CSC421').map((i) => [i.number, i.ref.points])).toEqual([['2.a', 2]]);
    expect(isExtraCredit({ course: 'CSE891', hw: 'HW3', problem: 2, part: 'EC', points: 1 })).toBe(true);
    expect(isExtraCredit({ course: 'CSE891', hw: 'HW3', problem: 2, part: 'c', points: 1 })).toBe(false);
    expect(refsOf(m[0].claims[0]).map((r) => r.primary)).toEqual([true, false]);
  });
});

describe('grading the example submissions (registry topics)', () => {
  let ref: GradeReport;
  beforeAll(async () => {
    // every claim through the sandbox at a quarter of the grading case counts: this is the
    // integration check (sandbox, bridge, rubric, report); the topics' specs run the full counts in-process
    ref = await gradeSubmission(REFERENCE_SUBMISSION, { course: 'all', runScale: 0.25 });
  }, 120_000);

  test('fixtures/submissions/reference scores full marks in every course', () => {
    expect(ref.loadError).toBeUndefined();
    for (const c of defaultClaims) expect(ref.claims[c.id]?.status, `${c.id}: ${ref.claims[c.id]?.message}`).toBe('passed');
    // extra credit counts in the earned score, never in the possible one (Gradescope's convention)
    const extra = ref.tests.filter((t) => t.extraCredit).reduce((s, t) => s + t.maxScore, 0);
    expect(extra).toBeGreaterThan(0);
    expect(ref.score).toBeCloseTo(ref.possible + extra, 9);
    expect(ref.possible + extra).toBeCloseTo(
      defaultClaims.reduce((s, c) => s + c.points, 0),
      9,
    );
    expect(ref.courses.map((c) => c.course)).toEqual(coursesWithClaims(metas));
    for (const c of ref.courses) {
      expect(c.score).toBe(c.possible);
      expect(c.extraScore).toBe(c.extraPossible);
    }
    const gs = gradescopeResults(ref) as { score: number; tests: { status: string; number: string; max_score: number }[] };
    expect(gs.score).toBeCloseTo(ref.score, 9);
    expect(gs.tests.every((t) => t.status === 'passed')).toBe(true);
    expect(ref.processes).toBe(defaultParallel()); // one process per check runner, none restarted
  });

  test('fixtures/submissions/empty scores 0 with a message per item', async () => {
    // one check runner: every item fails at once (no export), a second runner would only load the registry again
    const r = await gradeSubmission(EMPTY_SUBMISSION, { parallel: 1 });
    expect(r.score).toBe(0);
    expect(r.possible).toBe(ref.possible);
    for (const c of defaultClaims) {
      expect(r.claims[c.id].status).toBe('failed');
      expect(r.claims[c.id].message).toMatch(/missing export `\w+`: expected/);
    }
  }, 120_000);

  /** the claims a fixture must fail (its rejectedBy, default-suite ones) and the per-course points that costs */
  const expectLosses = (r: GradeReport, ws: KnownWrong[]): void => {
    const failedIds = Object.values(r.claims)
      .filter((c) => c.status === 'failed')
      .map((c) => c.id)
      .sort();
    const expected = [...new Set(ws.flatMap((w) => w.rejectedBy.filter((id) => defaultClaims.some((c) => c.id === id))))].sort();
    expect(
      failedIds,
      Object.values(r.claims)
        .filter((c) => c.status === 'failed')
        .map((c) => `${c.id}: ${c.message}`)
        .join('\n'),
    ).toEqual(expected);
    for (const w of ws) for (const id of w.rejectedBy) if (expected.includes(id)) expect(r.claims[id].message, `${w.file} → ${id}`).toContain(w.named);
    // per course: the points lost are those of the rejecting claims in that course, extra credit apart
    for (const cg of r.courses) {
      const lost = (extra: boolean): number =>
        defaultClaims
          .filter((c) => expected.includes(c.id))
          .flatMap((c) =>
            refsOf(c as never)
              .filter((x) => x.ref.course === cg.course && isExtraCredit(x.ref) === extra)
              .map((x) => x.ref.points),
          )
          .reduce((s, p) => s + p, 0);
      expect(cg.possible - cg.score, cg.course).toBeCloseTo(lost(false), 9);
      expect(cg.extraPossible - cg.extraScore, `${cg.course} extra credit`).toBeCloseTo(lost(true), 9);
    }
  };

  // Through the grader (isolated process, rubric, results.json), under `slow`: one grading run of
  // a submission carrying every topic's first known-wrong fixture at once (their exports are
  // disjoint), so each fixture must cost exactly its own claims and nothing of the others'; and
  // every fixture on its own.  The default suite has the in-process check of every fixture by its
  // topic's spec (rejected, mistake named, nothing else lost), the grader's loss arithmetic and
  // messages on the synthetic topic, and the reference's full grade above (every claim through
  // the sandbox) — the bundle run repeated those for 10 s of the suite's 60.
  test("every topic's first known-wrong fixture, graded together in one run, loses exactly the points of the claims it breaks, the mistake named", { tags: ['slow'], timeout: 300_000 }, async () => {
    const ws = registry.filter((t) => t.knownWrong.length).map((t) => t.knownWrong[0]);
    expect(ws.length).toBe(registry.filter((t) => t.knownWrong.length).length);
    const r = await gradeSubmission(temp(await knownWrongBundle(ws)), { course: 'all' });
    expect(r.loadError).toBeUndefined();
    expectLosses(r, ws);
  });
  describe('every known-wrong fixture on its own loses exactly the points of the claims it breaks, the mistake named', () => {
    for (const t of registry) {
      for (const w of t.knownWrong) {
        test(`${t.id}: ${w.mistake}`, { tags: ['slow'], timeout: 120_000 }, async () => {
          // at case scale 0.25, as the reference's full grade: the fixture's rejection at full counts is the topic's own spec
          const r = await gradeSubmission(temp(await knownWrongSubmission(w)), { course: 'all', topicIds: [t.id], runScale: 0.25 });
          expectLosses(r, [w]);
        });
      }
    }
  });
});
