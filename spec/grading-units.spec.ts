/**
 * In-process tests of the pieces that normally run in other processes (the check runner's
 * `runChecks`, the strict sandbox's bridge as seen from the checks, the safe serializer), so that
 * their error paths are exercised and measured by coverage.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { fmtPts, formatMarkdown, formatText } from '../src/grading/format.ts';
import { badSelection, courseGrades, gradescopeResults, gradeSubmission, summarizeEvidence, writeFeedbackFigures, type GradedItem, type GradeReport } from '../src/grading/grade.ts';
import { gridPng } from '../src/plot/image-grid.ts';
import { FIGURES_KEY } from '../src/verify/failure.ts';
import type { TopicMeta } from '../src/grading/rubric.ts';
import { cliInProcess, SYNTH, tempFolders } from './grading-synth.ts';
import { ClaimFailure } from '../src/claims/types.ts';
import { runChecks, safeStringify, type InitMessage } from '../src/grading/child.ts';
import { writeSubmission } from '../src/grading/fixtures.ts';
import { addressSpaceMb, prlimitPath, unsharePath } from '../src/grading/launcher.ts';
import { bundleSubmission, openStrict } from '../src/grading/strict.ts';

const temp = tempFolders();
const sub = (files: Record<string, string>): string => temp(writeSubmission(files));

const REF = `export const synthSquare = (x: number): number => x * x;
export const synthParamCount = 'n^2 + n';
export const synthSpin = (): number => 42;
export const synthTable = { a: [1, 2, 3] };
`;

describe('safeStringify', () => {
  test('JSON of plain data without prototype hooks', () => {
    expect(safeStringify({ a: 1, b: [true, null, undefined, 'x"y'], c: NaN, d: 10n, e: () => 1, f: Symbol('s'), g: { h: -Infinity } })).toBe(
      '{"a":1,"b":[true,null,null,"x\\"y"],"c":"NaN","d":"10","e":null,"f":null,"g":{"h":"-Infinity"}}',
    );
    let deep: unknown = 1;
    for (let i = 0; i < 80; i++) deep = [deep];
    expect(safeStringify(deep)).toContain('null');
    expect(JSON.parse(safeStringify({ x: [1, { y: 2 }] }))).toEqual({ x: [1, { y: 2 }] });
  });
});

describe('runChecks (the check runner), strict isolation, in-process', () => {
  const init = (dir: string, over: Partial<InitMessage> = {}): InitMessage => ({
    t: 'init',
    nonce: 'n0',
    entry: path.join(dir, 'index.ts'),
    topicsModule: SYNTH,
    seed: 3,
    runScale: 0.5,
    isolation: 'strict',
    submissionDir: dir,
    memoryMb: 256,
    loadTimeoutMs: 20_000,
    defaultTimeoutMs: 5000,
    ...over,
  });
  const drive = async (i: InitMessage, ids: string[]) => {
    const msgs: Record<string, unknown>[] = [];
    await runChecks(
      i,
      (t) => msgs.push(JSON.parse(t)),
      async () => JSON.stringify({ t: 'run', ids }),
    );
    return msgs;
  };

  test('rubric, ready, one start/result per id, done; every message carries the nonce', async () => {
    const msgs = await drive(init(sub({ 'index.ts': REF.replace('x * x', 'x + x') })), ['synth.square', 'synth.formula', 'flaky.square', 'nope']);
    expect(msgs.every((m) => m.nonce === 'n0')).toBe(true);
    expect(msgs.map((m) => m.t)).toEqual(['meta', 'ready', 'start', 'result', 'start', 'result', 'start', 'result', 'start', 'result', 'done']);
    expect((msgs[1] as { exports: string[] }).exports.sort()).toEqual(['synthParamCount', 'synthSpin', 'synthSquare', 'synthTable']);
    expect(String(msgs[1].confinement)).toMatch(/permission model/);
    const res = Object.fromEntries(msgs.filter((m) => m.t === 'result').map((m) => [m.id, m.result as { passed: boolean; message: string; graderFault?: string }]));
    expect(res['synth.square'].passed).toBe(false);
    expect(res['synth.formula'].passed).toBe(true);
    // seed 3 is odd: the flaky check fails; the check runner never asks the key itself (the grader
    // does, in a fresh process: see grading-robustness.spec.ts)
    expect(res['flaky.square'].passed).toBe(false);
    expect(res['flaky.square'].graderFault).toBeUndefined();
    expect(res.nope.message).toBe('unknown claim nope');
  }, 60_000);

  test('no module, or one that does not load: ready with the reason', async () => {
    const a = await drive(init(sub({ 'index.ts': REF }), { entryError: 'no submission module in X' }), []);
    expect(a.map((m) => m.t)).toEqual(['meta', 'ready']);
    expect(a[1]).toMatchObject({ ok: false, error: 'no submission module in X' });
    const b = await drive(init(sub({ 'index.ts': 'export const x = (' })), []);
    expect(b[1]).toMatchObject({ ok: false });
    expect(String(b[1].error)).toMatch(/your code could not be compiled: index\.ts:\d+: /);
  }, 60_000);
});

describe('openStrict (the sandbox as the checks see it)', () => {
  test('data exports, calls, errors, time limit, crash, restart', async () => {
    const dir = sub({
      'index.ts': `import { helper } from './lib/helper.ts';
${REF}
export const synthFn = () => () => 1;
export const synthUnsendable = () => new WeakMap();
export const synthThrow = () => { throw new TypeError('bad input'); };
export const synthThrowValue = () => { throw 42; };
export const synthAsync = async (x: number) => helper(x);
export const synthExit = () => process.exit(5);
export const synthLoop = () => { for (;;) {} };
export const synthBig = () => new Float64Array(2 ** 26);
`,
      'lib/helper.ts': 'export const helper = (x: number) => x + 1;\n',
    });
    const m = await openStrict(path.join(dir, 'index.ts'), dir, { memoryMb: 256, loadTimeoutMs: 20_000 });
    try {
      const f = m.impl as Record<string, (...a: unknown[]) => unknown>;
      m.setDeadline(performance.now() + 20_000, 20_000);
      expect(m.impl.synthTable).toEqual({ a: [1, 2, 3] });
      expect(m.impl.synthParamCount).toBe('n^2 + n');
      expect(f.synthSquare(7)).toBe(49);
      expect(f.synthAsync(1)).toBe(2);
      expect((f.synthFn() as () => number)()).toBe(1); // a returned function is a handle into the sandbox
      expect(() => f.synthUnsendable()).toThrow(/`synthUnsendable` returned a value that cannot be sent back/);
      expect(() => f.synthThrow()).toThrow(/`synthThrow` threw TypeError: bad input/);
      expect(() => f.synthThrowValue()).toThrow(/threw a thrown number: 42/);
      expect(() => f.synthSquare(Symbol('not cloneable'))).toThrow(/could not be called with these arguments/);
      expect(() => f.synthExit()).toThrow(/the process running your code exited with code 5/);
      expect(f.synthSquare(3)).toBe(9); // a fresh sandbox, module reloaded
      expect(m.starts()).toBe(2);
      m.setDeadline(performance.now() + 1500, 1500);
      expect(() => f.synthLoop()).toThrow(ClaimFailure);
      // a later call of the same item reports the call that ran out its time, not itself
      expect(() => f.synthSquare(1)).toThrow(/time limit: `synthLoop` did not return within the item's limit of 1.5 s/);
      m.setDeadline(performance.now() + 20_000, 20_000);
      expect(f.synthSquare(4)).toBe(16);
      expect(m.starts()).toBe(3);
    } finally {
      await m.close();
    }
  }, 90_000);

  test('load failures: outside imports refused, a throw, an exit, an endless loop', async () => {
    const outside = sub({ 'index.ts': `import { rnnReference } from '${path.resolve('src/rnn/reference.ts')}';\nexport const r = rnnReference;\n` });
    await expect(openStrict(path.join(outside, 'index.ts'), outside, { memoryMb: 256, loadTimeoutMs: 20_000 })).rejects.toThrow(/refused: a submission may import only files inside its own folder/);
    const thrower = sub({ 'index.ts': 'throw new RangeError("at import");\n' });
    await expect(openStrict(path.join(thrower, 'index.ts'), thrower, { memoryMb: 256, loadTimeoutMs: 20_000 })).rejects.toThrow(/could not be loaded: RangeError: at import/);
    const exiter = sub({ 'index.ts': 'console.error("bye"); process.exit(4);\n' });
    await expect(openStrict(path.join(exiter, 'index.ts'), exiter, { memoryMb: 256, loadTimeoutMs: 20_000 })).rejects.toThrow(/exited with code 4 .*last output: bye/);
    const looper = sub({ 'index.ts': 'while (true) {}\n' });
    await expect(openStrict(path.join(looper, 'index.ts'), looper, { memoryMb: 256, loadTimeoutMs: 1500 })).rejects.toThrow(/did not finish loading within 1.5 s/);
  }, 90_000);

  test('a student may import installed packages (tfjs, wasm backend) inside the sandbox', async () => {
    const dir = sub({
      'index.ts': `import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm');
export const synthBackend = tf.getBackend();
export const synthSquare = (x: number): number => tf.tidy(() => tf.square(tf.scalar(x)).dataSync()[0]);
`,
    });
    const m = await openStrict(path.join(dir, 'index.ts'), dir, { memoryMb: 512, loadTimeoutMs: 30_000 });
    try {
      m.setDeadline(performance.now() + 20_000, 20_000);
      expect(m.impl.synthBackend).toBe('wasm');
      expect((m.impl.synthSquare as (x: number) => number)(3)).toBe(9);
      expect(m.confinement).toMatch(/writable memory ≤ 2560 MB/);
    } finally {
      await m.close();
    }
  }, 60_000);

  test('bundling and the confinement helpers', async () => {
    const dir = sub({ 'index.ts': "import { a } from './a.ts';\nexport const v = a;\n", 'a.ts': 'export const a = 1;\n' });
    const out = sub({});
    expect(await bundleSubmission(path.join(dir, 'index.ts'), dir, out)).toBe(path.join(out, 'submission.mjs'));
    expect(addressSpaceMb(256)).toBe(2304);
    expect(addressSpaceMb(4096)).toBe(8192);
    expect([null, '/usr/bin/prlimit', '/bin/prlimit']).toContain(prlimitPath());
    expect(unsharePath()).toBe(unsharePath()); // probed once
    const m = await openStrict(path.join(dir, 'index.ts'), dir, { memoryMb: 256, loadTimeoutMs: 20_000, unshareNetwork: false });
    expect(m.confinement).toMatch(/NO network\/pid namespaces/);
    expect(m.impl.v).toBe(1);
    await m.close();
  }, 60_000);
});

describe('the grader itself failing, and the report formats', () => {
  test('a grader that cannot load its claims: the API throws, the CLI still writes results.json (exit 3)', async () => {
    const dir = sub({ 'broken-topics.ts': "throw new Error('broken registry');\nexport const topics = [];\n", 'index.ts': REF });
    const topicsModule = path.join(dir, 'broken-topics.ts');
    await expect(gradeSubmission(dir, { topicsModule })).rejects.toThrow(/broken registry/);
    const out = path.join(dir, 'out', 'results.json');
    // the CLI in-process (its main; spec/grading-cli.spec.ts runs bin/dlspec.js itself): a process would load the registry again
    const r = await cliInProcess(['grade', dir, '--out', out, '--topics-module', topicsModule]);
    expect(r.code).toBe(3);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results).toMatchObject({ score: 0, tests: [] });
    expect(results.output).toMatch(/^The autograder failed before grading: /);
  }, 60_000);

  test('a selection that grades nothing it names is a staff error, said before any grade: unknown topic or item, a topic of another course', async () => {
    const meta = (id: string, course: string, claims: string[]) =>
      ({ id, title: id, claims: claims.map((c) => ({ id: c, course, hw: 'HW1', problem: 1, part: '1', points: 1, statement: c, answer: '', uses: [] })) }) as unknown as TopicMeta;
    const all = [meta('rnn', 'CIE6032', ['rnn.a', 'rnn.b']), meta('adder', 'CSE891', ['adder.x'])];
    expect(badSelection(all, ['rnn'], undefined, 'CIE6032')).toBeUndefined();
    expect(badSelection(all, undefined, ['adder.x'], 'all')).toBeUndefined();
    expect(badSelection(all, ['rnm'], undefined, 'all')).toBe("unknown topic 'rnm': expected some of rnn, adder");
    expect(badSelection(all, ['adder'], undefined, 'CIE6032')).toBe('topic adder has no items in CIE6032: expected topics of CIE6032: rnn');
    expect(badSelection(all, ['rnn'], ['adder.x'], 'all')).toBe("unknown item 'adder.x' (not a claim of the selected topics)");
    // through the API (the runner reports the topics; nothing is graded) and the CLIs
    await expect(gradeSubmission(sub({ 'index.ts': REF }), { topicsModule: SYNTH, topicIds: ['synht'] })).rejects.toThrow(/unknown topic 'synht': expected some of synth, flaky/);
    const bundle = await cliInProcess(['gradescope-bundle', '--course', 'CIE6032', '--topic', 'adder', '--out', path.join(sub({ 'index.ts': REF }), 'a.zip')]);
    expect(bundle.code).toBe(2);
    expect(bundle.stderr).toMatch(/^dlspec gradescope-bundle: topic adder has no items in CIE6032; expected topics of CIE6032: rnn, /);
  }, 60_000);

  test('text (verbose) and Markdown show parts, extra credit, visibility, skipped items and staff warnings', () => {
    const item = (over: Partial<GradedItem>): GradedItem => ({
      claimId: 'synth.square',
      topicId: 'synth',
      course: 'CSE891',
      hw: 'HW3',
      problem: 1,
      part: '1',
      number: '1.1',
      name: 'n',
      statement: 's',
      score: 1,
      maxScore: 1,
      extraCredit: false,
      status: 'passed',
      output: 'passed — measured: cases 3',
      visibility: 'visible',
      tags: [],
      ...over,
    });
    const items = [
      item({}),
      item({
        claimId: 'synth.spin',
        number: '1.3',
        part: '3 (extra credit)',
        extraCredit: true,
        score: 0,
        maxScore: 0.5,
        status: 'failed',
        output: 'synthSpin() returned 41 | expected 42\nsecond line',
      }),
      item({ claimId: 'synth.hidden', problem: 2, number: '2.1', visibility: 'after_due_date' }),
    ];
    const r: GradeReport = {
      submission: '/s',
      entry: '/s/index.ts',
      seed: 5,
      studentId: 'ann',
      runScale: 0.5,
      course: 'CSE891',
      executionTime: 2,
      isolation: 'strict',
      confinement: 'a box',
      claims: {
        'synth.square': { id: 'synth.square', topicId: 'synth', status: 'passed', message: 'ok', evidence: {}, durationMs: 1, graderFault: 'the check is wrong for seed 5' },
        'synth.trained': { id: 'synth.trained', topicId: 'synth', status: 'skipped', message: 'not graded in this run: slow', evidence: {}, durationMs: 0 },
      },
      courses: courseGrades(items),
      tests: items,
      score: 2,
      possible: 2,
      processes: 1,
      rejectedMessages: 0,
      outputTail: '',
    };
    const text = formatText(r, { verbose: true });
    expect(text).toContain('CSE891 HW3: 2 / 2 + extra credit 0 / 0.5');
    expect(text).toContain('Problem 1: 1 / 1 (+ 0 / 0.5 extra credit)');
    expect(text).toContain('passed — measured: cases 3'); // verbose shows passes too
    expect(text).toContain('[after_due_date]');
    expect(text).toContain('sandbox: a box');
    expect(text).toContain('REVIEW NEEDED (for the course staff)');
    expect(text).toContain('synth.trained — not graded in this run: slow');
    const md = formatMarkdown(r);
    expect(md).toContain('### Problem 1 — 1 / 1 (+ 0 / 0.5 extra credit)');
    expect(md).toContain('| 1.3 | `synth.spin` (part 3 (extra credit)) (extra credit) | 0 / 0.5 | FAIL | synthSpin() returned 41 \\| expected 42<br>second line |');
    expect(md).toContain('(after_due_date)');
    expect(md).toContain('- synth.trained — not graded in this run: slow');
    expect(md).toContain('**Total (CSE891): 2 / 2**');
    // exact, never rounded to a wrong number (toPrecision(3) once printed 129.5 as "13" and 99.95 as "1")
    expect(fmtPts(1 / 3)).toBe('0.333333');
    for (const [x, s] of [
      [129.5, '129.5'],
      [99.95, '99.95'],
      [0.25, '0.25'],
      [1e-9, '1e-9'],
      [11.5, '11.5'],
      [128, '128'],
      [0.1 + 0.2, '0.3'],
    ] as const)
      expect(fmtPts(x)).toBe(s);
    expect((gradescopeResults({ ...r, score: 129.5, possible: 128, tests: r.tests.map((t) => ({ ...t, visibility: 'visible' as const })) }) as { output: string }).output).toContain(
      'score 129.5 / 128',
    );
    expect(summarizeEvidence({ acc: 99.95, err: 1e-9, w: [129.5, 0.25] })).toBe('acc 99.95 · err 1e-9 · w [129.5, 0.25]');

    // an item whose check drew pictures (the student's filters) is shown as HTML with them inline, and as files
    const png = gridPng([{ data: [0, 0.5, 1, 0.25], h: 2, w: 2, c: 1 }], { cols: 1 }).toString('base64');
    const evidence = {
      acc: 0.5,
      [FIGURES_KEY]: [
        { title: 'conv1 <filters>', png },
        { title: 'forged', png: '"><script>' },
      ],
    };
    const withPics: GradeReport = { ...r, claims: { ...r.claims, 'synth.square': { ...r.claims['synth.square'], evidence } } };
    const gs = gradescopeResults(withPics) as { tests: { output: string; output_format?: string }[] };
    const square = gs.tests[r.tests.findIndex((t) => t.claimId === 'synth.square')];
    expect(square.output_format).toBe('html');
    expect(square.output).toContain(`<img alt="conv1 &lt;filters&gt;" src="data:image/png;base64,${png}">`);
    expect(square.output).not.toContain('<script>'); // a malformed picture is left out, text is escaped
    expect(gs.tests.filter((t) => t.output_format === 'html')).toHaveLength(1);
    expect(summarizeEvidence(evidence)).toBe('acc 0.5'); // never as base64 text
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlspec-figs-'));
    const files = writeFeedbackFigures(withPics, dir);
    expect(files.map((f) => path.basename(f))).toEqual(['synth.square-1.png', 'synth.square-2.png']);
    expect(readFileSync(files[0]).subarray(1, 4).toString()).toBe('PNG');
    rmSync(dir, { recursive: true, force: true });
  });
});
