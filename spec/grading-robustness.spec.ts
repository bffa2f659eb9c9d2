/**
 * The autograder on a synthetic topic (spec/grading-topics.ts): time limits, crashes, forged
 * messages, randomized variants, hidden items, extra credit, skipped slow items and formula
 * answers — each failure costs only its item.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { makeContext } from '../src/claims/run.ts';
import { formatText } from '../src/grading/format.ts';
import { tempFolder, writeSubmission } from '../src/grading/fixtures.ts';
import { gradescopeResults, resolveSeed, type GradeReport } from '../src/grading/grade.ts';
import { itemLimit, LIMIT_FACTOR, LIMIT_SLACK_MS, referenceMs } from '../src/grading/limits.ts';
import { synthTopic } from './grading-topics.ts';
import { cliInProcess, gradeSynth, status, SYNTH_REF, tempFolders } from './grading-synth.ts';

const temp = tempFolders();
const synth = (src: string) => temp(writeSubmission({ 'index.ts': src }));

// one test at a time: run concurrently (≈10 s faster), 'a slow item is graded' failed once in CI
// for a reason not reproduced in three reruns — contention is the suspect
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
    // one item loops forever: the others are graded identically, each once, by either runner
    const src = synth(SYNTH_REF.replace('return 42;', 'for (;;) {}'));
    // (the loop's item at a 1 s limit, through the per-item override: the loop spins a core until then)
    const fast = { timeouts: { 'synth.spin': 1000 } };
    const [one, two] = await Promise.all([gradeSynth(src, { sandbox: fast }), gradeSynth(src, { parallel: 2, sandbox: fast })]);
    expect(status(two)).toEqual(status(one));
    expect(status(one)).toMatchObject({ 'synth.square': 'passed', 'synth.spin': 'failed' });
    expect(two.score).toBe(one.score);
    expect(two.tests.map((t) => [t.claimId, t.score, t.output])).toEqual(one.tests.map((t) => [t.claimId, t.score, t.output]));
    expect(two.processes).toBe(2);
  }, 90_000);

  test('a slow item is graded when its tag is included', async () => {
    const r = await gradeSynth(synth(SYNTH_REF), { includeTags: ['slow'], claimIds: ['synth.trained'] });
    expect(status(r), r.claims['synth.trained']?.message).toEqual({ 'synth.trained': 'passed' });
  }, 60_000);

  test('a function that never returns costs only its item; the rest is graded in a fresh process', async () => {
    const r = await gradeSynth(synth(SYNTH_REF.replace('return 42;', 'for (;;) {}')));
    expect(status(r)).toMatchObject({ 'synth.square': 'passed', 'synth.formula': 'passed', 'synth.hidden': 'passed', 'synth.spin': 'failed' });
    expect(r.claims['synth.spin'].message).toMatch(/time limit: `synthSpin` did not return within the item's limit of 1.5 s/);
    expect(r.processes).toBe(1);
    expect(r.sandboxStarts).toBe(2); // the sandbox was killed and restarted; the check runner kept going
  }, 60_000);

  test('process isolation: an endless loop kills the check runner; the rest is graded in a fresh one', async () => {
    const r = await gradeSynth(synth(SYNTH_REF.replace('return 42;', 'for (;;) {}')), { sandbox: { isolation: 'process', timeouts: { 'synth.spin': 1000 } } });
    expect(status(r)).toMatchObject({ 'synth.square': 'passed', 'synth.formula': 'passed', 'synth.hidden': 'passed', 'synth.spin': 'failed' });
    expect(r.claims['synth.spin'].message).toMatch(/time limit: the check did not finish within 1 s/);
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
    const r = await gradeSynth(synth(`${SYNTH_REF}\nwhile (true) {}`), { sandbox: { loadTimeoutMs: 1500 } });
    expect(r.score).toBe(0);
    expect(r.loadError).toMatch(/did not finish loading within 1.5 s/);
  }, 60_000);

  test.each(['process', 'strict'] as const)(
    'forged results sent with process.send or printed to stdout are ignored (%s isolation)',
    async (isolation) => {
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
    },
    60_000,
  );

  test('a wrong formula answer and a wrong-typed export get clear messages', async () => {
    const r = await gradeSynth(synth(SYNTH_REF.replace("'n^2 + n'", "'n^2'").replace('export function synthSpin(): number { return 42; }', 'export const synthSpin = 42;')));
    expect(r.claims['synth.formula'].message).toBe('your formula "n^2" gives 1 at n = 1; the count is 2');
    expect(r.claims['synth.spin'].message).toMatch(/export `synthSpin` should be a function/);
  }, 60_000);

  test('a check that rejects the key with this seed is a grader fault: no points, marked for staff review, never awarded', async () => {
    const right = synth(SYNTH_REF);
    const wrong = synth(SYNTH_REF.replace('x * x', 'x + x + 1'));
    const odd = await gradeSynth(right, { topicIds: ['flaky'], seed: 7 });
    expect(odd.claims['flaky.square'].status).toBe('failed');
    expect(odd.score).toBe(0);
    expect(odd.review).toEqual(['flaky.square']);
    expect(odd.claims['flaky.square'].graderFault).toMatch(/with this seed \(7\) the check also rejects the key's own answer, so it cannot judge yours: the check is broken for odd seeds/);
    expect(odd.claims['flaky.square'].message).toMatch(/^not graded yet: this item is marked for review by the course staff/);
    expect(formatText(odd)).toContain('REVIEW NEEDED (for the course staff)');
    expect((gradescopeResults(odd) as { output: string }).output).toContain("marked for review by the course staff (the check also rejected the key's own answer): flaky.square");
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
    const table = synth(
      `const t: Record<number, number> = ${JSON.stringify(seen)};\nexport const synthSquare = (x: number) => t[x] ?? 0;\nexport const synthParamCount = 'n^2+n';\nexport const synthSpin = () => 42;`,
    );
    expect((await gradeSynth(table, { studentId: 'alice', claimIds: ['synth.square'] })).claims['synth.square'].status).toBe('passed');
    expect((await gradeSynth(table, { studentId: 'bob', claimIds: ['synth.square'] })).claims['synth.square'].status).toBe('failed');
    expect(resolveSeed({ seed: '17' })).toBe(17);
    expect(resolveSeed({ seed: 'x' })).toBe(resolveSeed({ studentId: 'x' }));
  }, 120_000);
});

describe("time limits from the key's measured times, and a budget per submission", () => {
  test("an item's limit: the caller's, the claim's own, else 10 × the key's time + 3 s, at most the default", () => {
    const ref = referenceMs();
    expect(Object.keys(ref).length).toBeGreaterThan(50); // limits.json covers the registry's default-suite claims
    const id = 'rnn.forward';
    expect(itemLimit(id, undefined, { defaultTimeoutMs: 30_000 })).toBe(Math.min(30_000, Math.ceil(LIMIT_FACTOR * ref[id] + LIMIT_SLACK_MS)));
    expect(itemLimit(id, undefined, { defaultTimeoutMs: 30_000 })).toBeLessThan(30_000);
    expect(itemLimit(id, 45_000, { defaultTimeoutMs: 30_000 })).toBe(45_000);
    expect(itemLimit(id, 45_000, { defaultTimeoutMs: 30_000, timeouts: { [id]: 5 } })).toBe(5);
    expect(itemLimit(id, undefined, { defaultTimeoutMs: 8000, defaultIsExplicit: true })).toBe(8000);
    expect(itemLimit('not.measured', undefined, { defaultTimeoutMs: 30_000 })).toBe(30_000);
  });

  test('a submission that stalls on every item is stopped by its budget: the rest fail saying so, in seconds, not minutes', async () => {
    // every call sleeps 0.8 s: unbounded, this grade would take 10 calls × 0.8 s for one item, then more
    const stall = SYNTH_REF.replace('x * x', '(Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 800), x * x)');
    const t0 = performance.now();
    const r = await gradeSynth(synth(stall), { sandbox: { budgetMs: 6000, defaultTimeoutMs: 20_000 } });
    const took = (performance.now() - t0) / 1000;
    // (on a busy machine the budget may run out between two of its calls: either time-limit message)
    expect(r.claims['synth.square'].message).toMatch(
      /^time limit: (`synthSquare` did not return within the item's limit of [\d.]+ s|the item's time limit was reached before `synthSquare` was called)/,
    );
    for (const id of ['synth.formula', 'synth.hidden', 'synth.spin'])
      expect(r.claims[id].message).toMatch(/^time limit: the grading budget of this submission \(6 s in all\) ran out before this item/);
    expect(r.score).toBe(0);
    expect(took).toBeLessThan(25);
  }, 60_000);
});

describe("a broken grading machine is the grader's fault, never the student's, never points", () => {
  const ENV_TOPICS = path.resolve('spec/grading-env-topics.ts');
  const right = () => synth('export const synthMean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;\n');
  const wrong = () => synth('export const synthMean = (xs: number[]) => xs[0];\n');
  const gradeEnv = (dir: string) => gradeSynth(dir, { topicsModule: ENV_TOPICS, topicIds: ['envdata'] });
  const withData = async <T>(value: string | undefined, f: () => Promise<T>): Promise<T> => {
    const before = process.env.DLSPEC_SYNTH_DATA;
    if (value === undefined) delete process.env.DLSPEC_SYNTH_DATA;
    else process.env.DLSPEC_SYNTH_DATA = value;
    try {
      return await f();
    } finally {
      if (before === undefined) delete process.env.DLSPEC_SYNTH_DATA;
      else process.env.DLSPEC_SYNTH_DATA = before;
    }
  };

  test('a missing or truncated data set: right and wrong answers alike get 0, the item is marked for review, the CLI exits 4', async () => {
    const dir = temp(tempFolder());
    const truncated = path.join(dir, 'data.json');
    writeFileSync(truncated, '[1]');
    for (const data of [undefined, truncated]) {
      for (const sub of [right(), wrong()]) {
        const r = await withData(data, () => gradeEnv(sub));
        expect(r.claims['envdata.mean'].status).toBe('failed');
        expect(r.score).toBe(0);
        expect(r.review).toEqual(['envdata.mean']);
        expect(r.claims['envdata.mean'].graderFault).toMatch(data ? /is truncated/ : /data set not found/);
      }
    }
    const cli = await withData(undefined, () => cliInProcess(['grade', right(), '--topics-module', ENV_TOPICS, '--topic', 'envdata', '--course', 'CSE891', '--out', path.join(dir, 'r.json')]));
    expect(cli.code).toBe(4);
    expect(cli.stderr).toMatch(/^dlspec grade: 1 item\(s\) need staff review \(0 points until then\)/);
    expect(cli.stderr).toMatch(/envdata\.mean: with this seed \(\d+\) the check also rejects the key's own answer.*data set not found/);
    expect(JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8')).score).toBe(0);
  }, 120_000);

  test('with the data set present the same submissions are graded as usual (the review path is not taken)', async () => {
    const dir = temp(tempFolder());
    const data = path.join(dir, 'data.json');
    writeFileSync(data, '[1, 2, 3, 10]');
    const good = await withData(data, () => gradeEnv(right()));
    expect(good.score).toBe(2);
    expect(good.review).toEqual([]);
    const bad = await withData(data, () => gradeEnv(wrong()));
    expect(bad.claims['envdata.mean'].message).toMatch(/synthMean is wrong: expected 4, received 1/);
    expect(bad.review).toEqual([]);
  }, 60_000);
});
