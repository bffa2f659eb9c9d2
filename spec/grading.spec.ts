/**
 * The autograder (issue 7): full marks for the reference, 0 for the empty submission, exactly the
 * points of the breaking claims lost for every known-wrong fixture of every topic in the
 * registry (mistake named), and — on a synthetic topic — time limits, crashes, forged messages,
 * randomized variants, hidden items, extra credit, skipped slow items, formula answers, the CLI
 * and the answer key.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { topics as registryTopics } from '../src/claims/registry.ts';
import { makeContext } from '../src/claims/run.ts';
import type { KnownWrong, Topic } from '../src/claims/types.ts';
import { formatMarkdown, formatReport, formatText } from '../src/grading/format.ts';
import { cleanup, EMPTY_SUBMISSION, knownWrongBundle, knownWrongSubmission, REFERENCE_SUBMISSION, tempFolder, writeSubmission } from '../src/grading/fixtures.ts';
import { crashResults, defaultParallel, gradescopeResults, gradeSubmission, resolveSeed, summarizeEvidence, type GradeReport } from '../src/grading/grade.ts';
import { buildKey, evidenceMarkdown, keyMarkdown } from '../src/grading/key.ts';
import { coursesWithClaims, isExtraCredit, refsOf, rubricFor, topicMeta } from '../src/grading/rubric.ts';
import { runnerBundle } from '../src/grading/runner-bundle.ts';
import { describeExit, nodeArgs } from '../src/grading/sandbox.ts';
import { synthTopic, evalFormula } from './grading-topics.ts';

const run = promisify(execFile);
const SYNTH = path.resolve('spec/grading-topics.ts');
const registry = registryTopics as Topic<unknown>[];
const metas = registry.map(topicMeta);
const temps: string[] = [];
const temp = (d: string): string => (temps.push(d), d);
afterAll(() => temps.forEach(cleanup));

const SYNTH_REF = `
export const synthSquare = (x: number): number => x * x;
export const synthParamCount = 'n^2 + n';
export function synthSpin(): number { return 42; }
`;
const synth = (src: string) => temp(writeSubmission({ 'index.ts': src }));
// one check runner unless a test asks for more: the process counts below are those of one runner
const gradeSynth = (dir: string, opts: Parameters<typeof gradeSubmission>[1] = {}) =>
  gradeSubmission(dir, { topicsModule: SYNTH, course: 'CSE891', topicIds: ['synth'], parallel: 1, ...opts });
const status = (r: GradeReport) => Object.fromEntries(Object.values(r.claims).map((c) => [c.id, c.status]));

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
    ref = await gradeSubmission(REFERENCE_SUBMISSION, { course: 'all' });
  }, 120_000);

  test('fixtures/submissions/reference scores full marks in every course', () => {
    expect(ref.loadError).toBeUndefined();
    for (const c of defaultClaims) expect(ref.claims[c.id]?.status, `${c.id}: ${ref.claims[c.id]?.message}`).toBe('passed');
    // extra credit counts in the earned score, never in the possible one (Gradescope's convention)
    const extra = ref.tests.filter((t) => t.extraCredit).reduce((s, t) => s + t.maxScore, 0);
    expect(extra).toBeGreaterThan(0);
    expect(ref.score).toBeCloseTo(ref.possible + extra, 9);
    expect(ref.possible + extra).toBeCloseTo(defaultClaims.reduce((s, c) => s + c.points, 0), 9);
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
    const r = await gradeSubmission(EMPTY_SUBMISSION);
    expect(r.score).toBe(0);
    expect(r.possible).toBe(ref.possible);
    for (const c of defaultClaims) {
      expect(r.claims[c.id].status).toBe('failed');
      expect(r.claims[c.id].message).toMatch(/missing export `\w+`: expected/);
    }
  }, 120_000);

  /** the claims a fixture must fail (its rejectedBy, default-suite ones) and the per-course points that costs */
  const expectLosses = (r: GradeReport, ws: KnownWrong[]): void => {
    const failedIds = Object.values(r.claims).filter((c) => c.status === 'failed').map((c) => c.id).sort();
    const expected = [...new Set(ws.flatMap((w) => w.rejectedBy.filter((id) => defaultClaims.some((c) => c.id === id))))].sort();
    expect(failedIds, Object.values(r.claims).filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.message}`).join('\n')).toEqual(expected);
    for (const w of ws) for (const id of w.rejectedBy) if (expected.includes(id)) expect(r.claims[id].message, `${w.file} → ${id}`).toContain(w.named);
    // per course: the points lost are those of the rejecting claims in that course, extra credit apart
    for (const cg of r.courses) {
      const lost = (extra: boolean): number =>
        defaultClaims
          .filter((c) => expected.includes(c.id))
          .flatMap((c) => refsOf(c as never).filter((x) => x.ref.course === cg.course && isExtraCredit(x.ref) === extra).map((x) => x.ref.points))
          .reduce((s, p) => s + p, 0);
      expect(cg.possible - cg.score, cg.course).toBeCloseTo(lost(false), 9);
      expect(cg.extraPossible - cg.extraScore, `${cg.course} extra credit`).toBeCloseTo(lost(true), 9);
    }
  };

  // Through the grader (isolated process, rubric, results.json).  Default suite: one grading run
  // of a submission carrying every topic's first known-wrong fixture at once (their exports are
  // disjoint), so each fixture must cost exactly its own claims and nothing of the others'.
  // Under `slow`: every fixture on its own.  (Every fixture is also checked in-process by its
  // topic's spec: rejected, mistake named, nothing else lost.)
  test('every topic\'s first known-wrong fixture, graded together in one run, loses exactly the points of the claims it breaks, the mistake named', { timeout: 300_000 }, async () => {
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
          const r = await gradeSubmission(temp(await knownWrongSubmission(w)), { course: 'all', topicIds: [t.id] });
          expectLosses(r, [w]);
        });
      }
    }
  });
});

describe('robustness, variants and visibility (synthetic topic)', () => {
  test('the synthetic reference scores full marks, extra credit counted apart, the slow item skipped', async () => {
    const r = await gradeSynth(synth(SYNTH_REF));
    expect(status(r)).toEqual({ 'synth.square': 'passed', 'synth.formula': 'passed', 'synth.hidden': 'passed', 'synth.spin': 'passed', 'synth.trained': 'skipped' });
    const cse = r.courses.find((c) => c.course === 'CSE891')!;
    expect([cse.score, cse.possible, cse.extraScore, cse.extraPossible]).toEqual([3.5, 3.5, 0.5, 0.5]);
    expect(r.score).toBe(4); // results.json's score includes extra credit
    expect(r.possible).toBe(3.5);
    expect(r.tests.map((t) => t.claimId)).not.toContain('synth.trained');
    const gs = gradescopeResults(r) as { tests: { name: string; visibility: string }[]; output: string };
    expect(gs.tests.find((t) => t.name.includes('synth.hidden'))!.visibility).toBe('after_due_date');
    expect(gs.output).toContain('synth.trained');
    expect(formatText(r)).toContain('synth.trained — not graded in this run');
  }, 60_000);

  test('two check runners give the same grade as one, each item graded once; an endless loop still costs only its item', async () => {
    for (const src of [SYNTH_REF, SYNTH_REF.replace('return 42;', 'for (;;) {}')]) {
      const one = await gradeSynth(synth(src));
      const two = await gradeSynth(synth(src), { parallel: 2 });
      expect(status(two)).toEqual(status(one));
      expect(two.score).toBe(one.score);
      expect(two.tests.map((t) => [t.claimId, t.score, t.output])).toEqual(one.tests.map((t) => [t.claimId, t.score, t.output]));
      expect(two.processes).toBe(2);
    }
  }, 90_000);

  test('a slow item is graded when its tag is included', async () => {
    const r = await gradeSynth(synth(SYNTH_REF), { includeTags: ['slow'], claimIds: ['synth.trained'] });
    expect(status(r)).toEqual({ 'synth.trained': 'passed' });
  }, 60_000);

  test('a function that never returns costs only its item; the rest is graded in a fresh process', async () => {
    const r = await gradeSynth(synth(SYNTH_REF.replace('return 42;', 'for (;;) {}')));
    expect(status(r)).toMatchObject({ 'synth.square': 'passed', 'synth.formula': 'passed', 'synth.hidden': 'passed', 'synth.spin': 'failed' });
    expect(r.claims['synth.spin'].message).toMatch(/time limit: `synthSpin` did not return within the item's limit of 3 s/);
    expect(r.processes).toBe(1);
    expect(r.sandboxStarts).toBe(2); // the sandbox was killed and restarted; the check runner kept going
  }, 60_000);

  test('process isolation: an endless loop kills the check runner; the rest is graded in a fresh one', async () => {
    const r = await gradeSynth(synth(SYNTH_REF.replace('return 42;', 'for (;;) {}')), { sandbox: { isolation: 'process' } });
    expect(status(r)).toMatchObject({ 'synth.square': 'passed', 'synth.formula': 'passed', 'synth.hidden': 'passed', 'synth.spin': 'failed' });
    expect(r.claims['synth.spin'].message).toMatch(/time limit: the check did not finish within 3 s/);
    expect(r.processes).toBe(2);
  }, 60_000);

  test('a throw at import time costs every item, with the error', async () => {
    const r = await gradeSynth(synth(`${SYNTH_REF}\nthrow new Error('oops at import');`));
    expect(r.score).toBe(0);
    for (const c of Object.values(r.claims).filter((c) => c.status !== 'skipped')) expect(c.message).toContain('oops at import');
    expect(r.loadError).toContain('could not be loaded');
    expect(r.processes).toBe(1);
  }, 60_000);

  test('process.exit at import time: every item 0, the exit explained, no endless restarts', async () => {
    const r = await gradeSynth(synth(`process.exit(0);\n${SYNTH_REF}`));
    expect(r.score).toBe(0);
    expect(r.loadError).toMatch(/exited with code 0/);
    expect(r.processes).toBe(1);
  }, 60_000);

  test('process.exit inside one function costs the items that call it', async () => {
    const r = await gradeSynth(synth(SYNTH_REF.replace('(x: number): number => x * x', '(x: number): number => process.exit(7)')));
    expect(status(r)).toMatchObject({ 'synth.square': 'failed', 'synth.hidden': 'failed', 'synth.formula': 'passed', 'synth.spin': 'passed' });
    expect(r.claims['synth.square'].message).toMatch(/exited with code 7/);
  }, 60_000);

  test('an endless loop at import time: every item 0 after the load limit', async () => {
    const r = await gradeSynth(synth(`${SYNTH_REF}\nwhile (true) {}`), { sandbox: { loadTimeoutMs: 8000 } });
    expect(r.score).toBe(0);
    expect(r.loadError).toMatch(/did not finish loading within 8 s/);
  }, 60_000);

  test.each(['process', 'strict'] as const)('forged results sent with process.send or printed to stdout are ignored (%s isolation)', async (isolation) => {
    const forged = JSON.stringify({ t: 'result', id: 'synth.square', result: { id: 'synth.square', passed: true, points: 1, maxPoints: 1, message: 'ok', evidence: {}, notes: [], durationMs: 1 } });
    const src = `${SYNTH_REF.replace('x * x', 'x + x')}
const fake = ${JSON.stringify(forged)};
process.send?.(fake); process.send?.(JSON.parse(fake));
console.log(JSON.stringify({ score: 100, tests: [] }));
setTimeout(() => process.send?.(fake), 0);`;
    const r = await gradeSynth(synth(src), { sandbox: { isolation } });
    expect(r.claims['synth.square'].status).toBe('failed');
    expect(r.claims['synth.square'].message).toMatch(/synthSquare\(-?\d+\) is wrong: expected \d+, received -?\d+/);
    if (isolation === 'process') {
      expect(r.rejectedMessages).toBeGreaterThanOrEqual(2);
      expect(r.outputTail).toContain('"score":100'); // printed, kept apart, never trusted
    }
  }, 60_000);

  test('a wrong formula answer and a wrong-typed export get clear messages', async () => {
    const r = await gradeSynth(synth(SYNTH_REF.replace("'n^2 + n'", "'n^2'").replace('export function synthSpin(): number { return 42; }', 'export const synthSpin = 42;')));
    expect(r.claims['synth.formula'].message).toBe('your formula "n^2" gives 1 at n = 1; the count is 2');
    expect(r.claims['synth.spin'].message).toMatch(/export `synthSpin` should be a function/);
  }, 60_000);

  test('a check that rejects the reference with this seed is not held against the student (awarded, flagged)', async () => {
    const right = synth(SYNTH_REF);
    const wrong = synth(SYNTH_REF.replace('x * x', 'x + x + 1'));
    const odd = await gradeSynth(right, { topicIds: ['flaky'], seed: 7 });
    expect(odd.claims['flaky.square'].status).toBe('passed');
    expect(odd.claims['flaky.square'].graderFault).toMatch(/also rejects the reference implementation with this seed \(7\)/);
    expect(formatText(odd)).toContain('WARNING (for the course staff)');
    expect((gradescopeResults(odd) as { output: string }).output).toContain('flaky.square');
    const even = await gradeSynth(wrong, { topicIds: ['flaky'], seed: 8 });
    expect(even.claims['flaky.square'].status).toBe('failed');
    expect(even.claims['flaky.square'].graderFault).toBeUndefined();
  }, 60_000);

  test('a missing folder still gives a report (every item 0)', async () => {
    const r = await gradeSynth(path.join(tempFolder(), 'nope'));
    expect(r.score).toBe(0);
    expect(r.loadError).toMatch(/submission not found/);
  }, 60_000);

  test('randomized variants: same seed, same grade; answers hard-coded for one student fail for another', async () => {
    const dir = synth(SYNTH_REF);
    const a1 = await gradeSynth(dir, { studentId: 'alice' });
    const a2 = await gradeSynth(dir, { studentId: 'alice' });
    const b = await gradeSynth(dir, { studentId: 'bob' });
    const strip = (r: GradeReport) => r.tests.map((t) => [t.claimId, t.score, t.output]);
    expect(strip(a2)).toEqual(strip(a1));
    expect(a1.claims['synth.square'].evidence.inputs).not.toEqual(b.claims['synth.square'].evidence.inputs);
    // a student who memorised alice's inputs
    const seen: Record<number, number> = {};
    const ctx = makeContext({ seed: resolveSeed({ studentId: 'alice' }), mode: 'submission', runScale: a1.runScale });
    synthTopic.claims[0].check({ ...synthTopic.reference, synthSquare: (x: number) => ((seen[x] = x * x), x * x) }, ctx);
    const table = synth(`const t: Record<number, number> = ${JSON.stringify(seen)};\nexport const synthSquare = (x: number) => t[x] ?? 0;\nexport const synthParamCount = 'n^2+n';\nexport const synthSpin = () => 42;`);
    expect((await gradeSynth(table, { studentId: 'alice', claimIds: ['synth.square'] })).claims['synth.square'].status).toBe('passed');
    expect((await gradeSynth(table, { studentId: 'bob', claimIds: ['synth.square'] })).claims['synth.square'].status).toBe('failed');
    expect(resolveSeed({ seed: '17' })).toBe(17);
    expect(resolveSeed({ seed: 'x' })).toBe(resolveSeed({ studentId: 'x' }));
  }, 120_000);
});

describe('command line and reports', () => {
  test('dlspec grade prints the table and writes results.json (text, md, json)', async () => {
    const dir = synth(SYNTH_REF.replace('x * x', 'x * x + 1'));
    const out = path.join(temp(tempFolder()), 'r', 'results.json');
    const cli = (fmt: string) => run(process.execPath, ['bin/dlspec.js', 'grade', dir, '--out', out, '--course', 'CSE891', '--format', fmt, '--topics-module', SYNTH, '--topic', 'synth', '--student-id', 's1']);
    const text = await cli('text');
    expect(text.stdout).toMatch(/CSE891 HW3: 1\.5 \/ 3\.5 \+ extra credit 0\.5 \/ 0\.5/);
    expect(text.stdout).toMatch(/1\.1 +FAIL +0\/1 +synth\.square/);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.score).toBe(2);
    expect(results.tests[0]).toMatchObject({ number: '1.1', score: 0, max_score: 1, status: 'failed', visibility: 'visible' });
    expect(results.tests[0].output).toMatch(/expected \d+, received \d+/);
    expect(typeof results.execution_time).toBe('number');
    const md = await cli('md');
    expect(md.stdout).toContain('| 1.1 | `synth.square` (part 1) | 0 / 1 | FAIL |');
    const json = JSON.parse((await cli('json')).stdout) as GradeReport;
    expect(json.score).toBe(2);
    const bad = await run(process.execPath, ['bin/dlspec.js', 'grade', path.join(dir, 'missing'), '--out', out, '--topics-module', SYNTH, '--topic', 'synth']);
    expect(bad.stdout).toMatch(/submission not found/);
    expect(JSON.parse(readFileSync(out, 'utf8')).score).toBe(0);
    await expect(run(process.execPath, ['bin/dlspec.js', 'grade', '--format', 'pdf'])).rejects.toMatchObject({ code: 2 });
  }, 120_000);

  test('formats and helpers', () => {
    const r = {
      submission: '/s', seed: 1, runScale: 0.5, course: 'all' as const, executionTime: 1, claims: {}, courses: [], tests: [], score: 0, possible: 0,
      processes: 1, isolation: 'strict' as const, rejectedMessages: 0, outputTail: '', loadError: 'boom',
    };
    expect(formatText(r)).toContain('Your module could not be graded: boom');
    expect(formatMarkdown(r)).toContain('# Grade report');
    expect(JSON.parse(formatReport(r, 'json')).loadError).toBe('boom');
    expect(crashResults('x')).toMatchObject({ score: 0, tests: [] });
    expect(summarizeEvidence({ cases: 3, err: 1.5e-9, nested: { a: [1, 2, 3, 4, 5, 6, 7] }, s: 'ok' })).toBe('cases 3 · err 1.50e-9 · nested.a [1, 2, 3, 4, 5, 6, …] · s ok');
    expect(describeExit(null, 'SIGKILL', '', 100)).toBe('was killed by SIGKILL');
    expect(describeExit(134, null, 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 100)).toBe('ran out of memory (limit 100 MB)');
    expect(nodeArgs({ memoryMb: 64, permission: true }, '/sub').join(' ')).toMatch(/--max-old-space-size=64 .*--experimental-permission --allow-fs-read=\/sub --allow-fs-read=/);
    expect(evalFormula('2n(n+1) - 3^2', 2)).toBe(3);
    expect(() => evalFormula('n!', 2)).toThrow(/cannot read/);
  });

  test('the check runner is one bundled file under plain Node: reused while its sources are unchanged, rebuilt after an edit', async () => {
    // nodeArgs: the TypeScript loader only when the runner is not bundled, or imports the student's TypeScript itself
    expect(nodeArgs({ memoryMb: 64 }, '/sub', '/b/runner.mjs')).not.toContain('tsx');
    expect(nodeArgs({ memoryMb: 64, isolation: 'process' }, '/sub', '/b/runner.mjs')).toContain('tsx');
    expect(nodeArgs({ memoryMb: 64 }, '/sub')).toContain('tsx');
    const dir = temp(tempFolder());
    const topicsFile = path.join(dir, 'topics.ts');
    const helper = path.join(dir, 'helper.ts');
    writeFileSync(helper, `export const where: string = import.meta.url;\n`);
    writeFileSync(topicsFile, `import { where } from './helper.ts';\nexport const topics: unknown[] = [];\nexport const helperUrl = where;\n`);
    const [a, a2] = await Promise.all([runnerBundle(topicsFile), runnerBundle(topicsFile)]); // one build for both
    expect(a2).toBe(a);
    expect(await runnerBundle(topicsFile)).toBe(a);
    const code = readFileSync(a, 'utf8') + readdirSync(path.dirname(a)).map((f) => readFileSync(path.join(path.dirname(a), f), 'utf8')).join('\n');
    // each source keeps its own import.meta.url (paths computed from it stay right), and packages stay external
    expect(code).toContain(JSON.stringify(pathToFileURL(helper).href));
    expect(code).toContain(JSON.stringify(pathToFileURL(path.resolve('src/grading/strict.ts')).href));
    writeFileSync(helper, `export const where: string = 'edited ' + import.meta.url;\n`);
    utimesSync(helper, new Date(), new Date(Date.now() + 5000));
    const b = await runnerBundle(topicsFile);
    expect(b).not.toBe(a);
    expect(readdirSync(path.dirname(b)).map((f) => readFileSync(path.join(path.dirname(b), f), 'utf8')).join('\n')).toContain('edited ');
    // a grading run uses it: the synthetic topics, graded by a runner started as runner.mjs …
    const sub = synth(SYNTH_REF);
    const r = await gradeSynth(sub);
    expect(r.score).toBeGreaterThan(0);
    expect(r.outputTail).not.toMatch(/could not be bundled/);
    // … and the unbundled runner under tsx (DLSPEC_RUNNER_BUNDLE=0, and the fallback when a build fails) grades the same
    process.env.DLSPEC_RUNNER_BUNDLE = '0';
    try {
      const u = await gradeSynth(sub);
      expect(status(u)).toEqual(status(r));
      expect(u.score).toBe(r.score);
    } finally {
      delete process.env.DLSPEC_RUNNER_BUNDLE;
    }
  });

  test('the answer key: answers, evidence of this run, slow claims listed, figures linked', async () => {
    const dir = temp(tempFolder());
    mkdirSync(path.join(dir, 'out', 'synth'), { recursive: true });
    writeFileSync(path.join(dir, 'out', 'synth', 'curve.png'), '');
    const entries = await buildKey([synthTopic as Topic<unknown>], { outDir: path.join(dir, 'out'), keyPath: path.join(dir, 'answer-key.md') });
    const md = keyMarkdown([synthTopic as Topic<unknown>], entries, { keyPath: path.join(dir, 'answer-key.md'), seed: 1 });
    expect(md).toContain('**Answer.** $n^2+n$');
    expect(md).toContain('- checkedAt: [1, 2, 3, 7, 10]');
    expect(md).toMatch(/synth\.trained[\s\S]*not run in this key \(slow: run `npm run test:slow`/);
    expect(md).toContain('![curve.png](out/synth/curve.png)');
    expect(md).toContain('4 claims run, 4 hold; 1 not run');
    expect(evidenceMarkdown({ a: { b: 1e-12 }, c: null, d: [1, { e: 2 }] })).toEqual(['- a:', '  - b: 1.00e-12', '- c: —', '- d: [1,{"e":2}]']);
    const withSlow = await buildKey([synthTopic as Topic<unknown>], { includeTags: ['slow'], topicIds: ['synth'], outDir: path.join(dir, 'none') });
    expect(withSlow.every((e) => e.result?.passed)).toBe(true);
  });

  test('dlspec key writes the key (synthetic topics; `dlspec key` with no option does the registry)', async () => {
    const out = path.join(temp(tempFolder()), 'key.md');
    // the flaky topic's check fails on the reference with the key's (odd) seed: the key says so and exits 1
    const r = await run(process.execPath, ['bin/dlspec.js', 'key', '--out', out, '--topics-module', SYNTH]).catch((e: { code: number; stdout: string }) => e);
    expect((r as { code?: number }).code).toBe(1);
    expect(r.stdout).toMatch(/answer key written to .*key\.md: 6 claims, 5 run, 1 failed/);
    expect(readFileSync(out, 'utf8')).toContain('1 FAILED: flaky.square');
    const md = readFileSync(out, 'utf8');
    for (const c of synthTopic.claims) expect(md).toContain(`\`${c.id}\``);
  }, 120_000);
});

