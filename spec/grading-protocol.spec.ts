/**
 * The grader ⇄ check runner protocol (protocol.ts) and the outcome each item ends with, set where
 * it happens: a message is accepted only in one of its shapes with this run's nonce, and a report
 * says why each item ended (passed, failed, missing-export, timeout, crashed, load-error, grader-fault).
 */
import { describe, expect, test } from 'vitest';
import { writeSubmission } from '../src/grading/fixtures.ts';
import { planGrade } from '../src/grading/grade.ts';
import { plainCopy } from '../src/grading/wire.ts';
import { decodeRunMessage, decodeRunnerMessage } from '../src/grading/protocol.ts';
import { topicMeta } from '../src/grading/rubric.ts';
import { gradeSynth, tempFolders } from './grading-synth.ts';
import { topics as synthTopics } from './grading-topics.ts';

const temp = tempFolders();
const N = 'nonce-1';
const msg = (m: Record<string, unknown>): string => JSON.stringify({ nonce: N, ...m });

describe('decodeRunnerMessage', () => {
  test("each shape with this run's nonce is accepted", () => {
    expect(decodeRunnerMessage(msg({ t: 'meta', topics: [] }), N)).toEqual({ t: 'meta', nonce: N, topics: [] });
    expect(decodeRunnerMessage(msg({ t: 'ready', ok: true, exports: ['a', 1], confinement: 'c' }), N)).toEqual({ t: 'ready', nonce: N, ok: true, exports: ['a'], confinement: 'c' });
    expect(decodeRunnerMessage(msg({ t: 'ready', ok: false, error: 'e' }), N)).toEqual({ t: 'ready', nonce: N, ok: false, error: 'e' });
    expect(decodeRunnerMessage(msg({ t: 'start', id: 'x' }), N)).toEqual({ t: 'start', nonce: N, id: 'x' });
    expect(decodeRunnerMessage(msg({ t: 'result', id: 'x', result: { passed: true, message: 'ok' }, sandboxStarts: 2 }), N)).toMatchObject({ t: 'result', id: 'x', sandboxStarts: 2 });
    expect(decodeRunnerMessage(msg({ t: 'done' }), N)).toEqual({ t: 'done', nonce: N });
    expect(decodeRunnerMessage(msg({ t: 'fatal', error: 'boom' }), N)).toEqual({ t: 'fatal', nonce: N, error: 'boom' });
  });

  test('another nonce, a malformed shape, an unknown type or a non-string is rejected', () => {
    for (const raw of [
      JSON.stringify({ nonce: 'other', t: 'done' }),
      msg({ t: 'result', id: 'x', result: { passed: 'yes', message: 'ok' } }),
      msg({ t: 'result', id: 7, result: { passed: true, message: 'ok' } }),
      msg({ t: 'start' }),
      msg({ t: 'meta', topics: 'all' }),
      msg({ t: 'ready', ok: true }),
      msg({ t: 'score', value: 100 }),
      '{not json',
      { nonce: N, t: 'done' },
      undefined,
    ])
      expect(decodeRunnerMessage(raw, N), String(raw)).toBeUndefined();
  });

  test('the run message must name its ids', () => {
    expect(decodeRunMessage(JSON.stringify({ t: 'run', ids: ['a', 'b'] }))).toEqual(['a', 'b']);
    expect(() => decodeRunMessage(JSON.stringify({ ids: ['a'] }))).toThrow(/malformed run message/);
    expect(() => decodeRunMessage(JSON.stringify({ t: 'run', ids: [1] }))).toThrow(/malformed run message/);
  });
});

describe('planGrade is a function of the topics and the options alone', () => {
  test('same input, same plan; a bad selection is data, not an exception', () => {
    const all = synthTopics.map(topicMeta);
    const a = planGrade(all, { course: 'CSE891', topicIds: ['synth'] });
    expect(planGrade(all, { course: 'CSE891', topicIds: ['synth'] })).toEqual(a);
    expect(a.toRun).toEqual(['synth.square', 'synth.formula', 'synth.spin', 'synth.hidden']);
    expect(planGrade(all, { course: 'CSE891', topicIds: ['synth'], includeTags: ['slow'] }).toRun).toContain('synth.trained');
    expect(planGrade(all, { course: 'CSE891', topicIds: ['nope'] }).selectionError).toMatch(/unknown topic 'nope'/);
    expect(planGrade(all, { course: 'CSE891', visibility: { 'synth.nope': 'hidden' } }).selectionError).toMatch(/visibility settings name 'synth\.nope'/);
  });
  test('items shown sooner run first, so a held-back item cannot pass what it reveals to an item shown before it', () => {
    const all = synthTopics.map(topicMeta);
    const p = planGrade(all, { course: 'CSE891', topicIds: ['synth'], visibility: { 'synth.square': 'hidden', 'synth.formula': 'after_published' } });
    // synth.hidden is after_due_date by its own declaration
    expect(p.toRun).toEqual(['synth.spin', 'synth.hidden', 'synth.formula', 'synth.square']);
  });
});

describe('every item says why it ended', () => {
  test('failed, missing-export, timeout, crashed, passed, grader-fault', async () => {
    const src = `export const synthSquare = (x: number) => x + x;
export const synthParamCount = 'n^2 + n';
export function synthSpin(): number { for (;;) {} }
`;
    const r = await gradeSynth(temp(writeSubmission({ 'index.ts': src })), { topicIds: ['synth', 'flaky'], seed: 7, sandbox: { timeouts: { 'synth.spin': 1000 } } });
    const outcome = Object.fromEntries(Object.values(r.claims).map((c) => [c.id, c.outcome]));
    expect(outcome).toMatchObject({ 'synth.square': 'failed', 'synth.formula': 'passed', 'synth.spin': 'timeout', 'synth.hidden': 'failed', 'flaky.square': 'grader-fault' });
    const missing = await gradeSynth(temp(writeSubmission({ 'index.ts': "export const synthParamCount = 'n';\nexport const synthSquare = () => process.exit(3);\n" })));
    expect(missing.claims['synth.spin'].outcome).toBe('missing-export');
    expect(missing.claims['synth.square'].outcome).toBe('crashed');
    const broken = await gradeSynth(temp(writeSubmission({ 'index.ts': 'throw new Error("at import");\n' })));
    expect(
      new Set(
        Object.values(broken.claims)
          .filter((c) => c.status !== 'skipped')
          .map((c) => c.outcome),
      ),
    ).toEqual(new Set(['load-error']));
  }, 90_000);
});

describe('reading the data a sandbox sends', () => {
  test('a value that shares one array many times is refused before it unfolds (60 levels: 2^60 values in a few hundred bytes)', () => {
    let x: unknown[] = [1];
    for (let i = 0; i < 60; i++) x = [x, x];
    expect(() => plainCopy(x)).toThrow(/more than 4,194,304 values/);
    // the same shape, shallow: read whole, shared parts copied
    let y: unknown[] = [1];
    for (let i = 0; i < 10; i++) y = [y, y];
    expect(JSON.stringify(plainCopy(y))).toBe(JSON.stringify(y));
  });
});
