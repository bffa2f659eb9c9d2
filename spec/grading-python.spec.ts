/**
 * Python submissions are graded by the same claims as TypeScript ones:
 * - the Python reference (fixtures/submissions/reference-py) gets, item for item, what the
 *   TypeScript reference gets, in every course;
 * - each Python twin of a known-wrong fixture (fixtures/wrong-py/<topic>/<mistake>.py) loses
 *   exactly the items its TypeScript twin loses, with the same mistake named (twins of different
 *   topics are graded together, one bundle per language and round);
 * - bad input (a syntax error, a Python 2 file, a missing package, a wrong arity, a file that is
 *   not UTF-8, a public helper that is not an answer) gets one clear message, other items intact;
 * - the starter (`dlspec contract --lang python`) names every export the checks call.
 * Skipped, saying what to install, where the Python sandbox cannot run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Topic } from '../src/claims/types.ts';
import { cleanup, knownWrongBundle, PY_REFERENCE_SUBMISSION, pythonTwin, pythonWrongBundle, REFERENCE_SUBMISSION, tempFolder, writeSubmission } from '../src/grading/fixtures.ts';
import { gradeSubmission, type GradeReport } from '../src/grading/grade.ts';
import { PYTHON_PACKAGES, pythonName, pythonRuntime } from '../src/grading/python/sandbox.ts';
import { contractNotes, parseSignature, pythonHint, pythonStarter } from '../src/grading/python/starter.ts';
import { topics } from '../src/registry.ts';
import { gradeSynth, status, tempFolders } from './grading-synth.ts';

let unavailable = '';
try {
  pythonRuntime();
} catch (e) {
  unavailable = (e as Error).message;
}
if (unavailable) console.warn(`Python submissions not tested: ${unavailable} (apt-get install ${PYTHON_PACKAGES})`);
const pyDescribe = unavailable ? describe.skip : describe;
const temp = tempFolders();

const byItem = (r: GradeReport) => Object.fromEntries(Object.values(r.claims).map((c) => [c.id, c.status]));

pyDescribe('the Python reference scores what the TypeScript reference scores', () => {
  let ts: GradeReport, py: GradeReport;
  beforeAll(async () => {
    ts = await gradeSubmission(REFERENCE_SUBMISSION, { course: 'all' });
    py = await gradeSubmission(PY_REFERENCE_SUBMISSION, { course: 'all' });
  }, 300_000);

  test('item for item', () => {
    expect(py.loadError).toBeUndefined();
    const failed = Object.values(py.claims)
      .filter((c) => c.status === 'failed')
      .map((c) => `${c.id}: ${c.message}`);
    expect(byItem(py), failed.join('\n')).toEqual(byItem(ts));
  });

  test('in every course', () => {
    expect(py.courses.map((c) => [c.course, c.score, c.possible])).toEqual(ts.courses.map((c) => [c.course, c.score, c.possible]));
    expect(py.score).toBe(ts.score);
  });
});

/** Each topic's known-wrong fixtures with a Python twin, in the topic's order. */
const twinned = (topics as Topic<unknown>[]).map((t) => ({ topic: t, twins: t.knownWrong.filter((w) => existsSync(pythonTwin(t.id, w))) }));

describe('Python twins of the known-wrong fixtures', () => {
  test('every topic has Python twins of its first two known-wrong fixtures (or of the next where one is a training run)', () => {
    const short = twinned.filter(({ topic, twins }) => twins.length < Math.min(2, topic.knownWrong.length)).map(({ topic }) => topic.id);
    expect(short).toEqual([]);
  });
});

for (const round of [0, 1]) {
  pyDescribe(`Python twins, round ${round + 1}: each loses exactly what its TypeScript twin loses, naming the same mistake`, () => {
    const ws = twinned.filter(({ twins }) => twins[round]).map(({ topic, twins }) => ({ topic, w: twins[round] }));
    let ts: GradeReport, py: GradeReport;
    beforeAll(async () => {
      const topicIds = ws.map(({ topic }) => topic.id);
      const tsDir = temp(await knownWrongBundle(ws.map(({ w }) => w)));
      const pyDir = temp(pythonWrongBundle(ws.map(({ topic, w }) => pythonTwin(topic.id, w))));
      ts = await gradeSubmission(tsDir, { course: 'all', topicIds });
      py = await gradeSubmission(pyDir, { course: 'all', topicIds });
    }, 300_000);

    for (const { topic, w } of ws) {
      test(`${topic.id}: ${w.mistake}`, () => {
        expect(py.loadError).toBeUndefined();
        const items = topic.claims.map((c) => c.id).filter((id) => ts.claims[id]);
        const pick = (r: GradeReport) => Object.fromEntries(items.map((id) => [id, r.claims[id].status]));
        expect(pick(py), items.map((id) => `${id}: ${py.claims[id].message}`).join('\n')).toEqual(pick(ts));
        for (const id of w.rejectedBy.filter((id) => ts.claims[id]?.message.includes(w.named))) expect(py.claims[id].message).toContain(w.named);
      });
    }
  });
}

const SYNTH_PY = `
synth_square = lambda x: x * x
synth_param_count = "n^2 + n"
def synth_spin():
    return 42
`;

pyDescribe('bad input: one clear message each, the other items intact', () => {
  const cases: { name: string; files: Record<string, string | Buffer>; expect: Record<string, string>; message: RegExp }[] = [
    {
      name: 'a syntax error',
      files: { 'submission.py': 'def synth_square(x)\n    return x * x\n' },
      expect: { 'synth.square': 'failed', 'synth.spin': 'failed' },
      message: /SyntaxError: .*submission\.py line 1/,
    },
    { name: 'a Python 2 file', files: { 'submission.py': 'print "hello"\ndef synth_square(x):\n    return x * x\n' }, expect: { 'synth.square': 'failed' }, message: /SyntaxError.*Python 3/ },
    { name: 'an import of a missing package', files: { 'submission.py': `import tensorflow\n${SYNTH_PY}` }, expect: { 'synth.square': 'failed' }, message: /No module named 'tensorflow'/ },
    {
      name: 'a function with the wrong arity',
      files: { 'submission.py': `${SYNTH_PY}\ndef synth_square():\n    return 9\n` },
      expect: { 'synth.square': 'failed', 'synth.spin': 'passed', 'synth.formula': 'passed' },
      message: /`synth_square` threw TypeError: synth_square\(\) takes 0 positional arguments but 1 was given/,
    },
    {
      name: 'a file that is not UTF-8',
      files: { 'submission.py': Buffer.concat([Buffer.from(`${SYNTH_PY}\nname = "caf`), Buffer.from([0xe9]), Buffer.from('"\n')]) },
      expect: { 'synth.square': 'failed' },
      message: /UTF-8|utf-8/,
    },
    {
      name: 'a function that raises',
      files: { 'submission.py': `${SYNTH_PY}\ndef synth_square(x):\n    return x / 0\n` },
      expect: { 'synth.square': 'failed', 'synth.spin': 'passed' },
      message: /ZeroDivisionError: division by zero \(at submission\.py line \d+\)/,
    },
    {
      name: 'a result that cannot be sent',
      files: { 'submission.py': `${SYNTH_PY}\ndef synth_square(x):\n    return object()\n` },
      expect: { 'synth.square': 'failed', 'synth.spin': 'passed' },
      message: /a object cannot be sent back/,
    },
    {
      name: 'a dict key that is not a string',
      files: { 'submission.py': `${SYNTH_PY}\ndef synth_square(x):\n    return {1: 2}\n` },
      expect: { 'synth.square': 'failed', 'synth.spin': 'passed' },
      message: /dict keys must be strings/,
    },
    { name: 'NaN', files: { 'submission.py': `${SYNTH_PY}\ndef synth_square(x):\n    return float("nan")\n` }, expect: { 'synth.square': 'failed', 'synth.spin': 'passed' }, message: /NaN/ },
  ];
  for (const c of cases) {
    test(
      c.name,
      async () => {
        const dir = temp(writeSubmission(c.files as Record<string, string>, tempFolder()));
        const r = await gradeSynth(dir, { sandbox: { loadTimeoutMs: 20_000, defaultTimeoutMs: 8000 } });
        const st = status(r);
        for (const [id, s] of Object.entries(c.expect)) expect(st[id], `${id}: ${r.claims[id].message}`).toBe(s);
        const messages = Object.values(r.claims)
          .filter((x) => x.status === 'failed')
          .map((x) => x.message);
        expect(messages.join('\n')).toMatch(c.message);
        // one line: no Python traceback reaches the student
        for (const m of messages) expect(m).not.toMatch(/Traceback \(most recent call last\)/);
      },
      60_000,
    );
  }

  test('a package (__init__.py) with its own modules, and the snake_case names', async () => {
    const dir = temp(
      writeSubmission(
        { '__init__.py': 'from .square import synth_square\nfrom .rest import *\n', 'square.py': 'def synth_square(x):\n    return x * x\n', 'rest.py': SYNTH_PY.replace(/synth_square = .*\n/, '') },
        tempFolder(),
      ),
    );
    const r = await gradeSynth(dir);
    expect(r.loadError).toBeUndefined();
    expect(status(r)).toMatchObject({ 'synth.square': 'passed', 'synth.formula': 'passed', 'synth.spin': 'passed' });
  }, 60_000);
});

describe('the Python starter (dlspec contract --lang python)', () => {
  test("type hints from the contracts' signatures", () => {
    expect(parseSignature('(params: RnnParams, xs: number[][], ys: number[]) => { h: number[][]; loss: number }')).toEqual({
      params: [
        { name: 'params', type: 'RnnParams' },
        { name: 'xs', type: 'number[][]' },
        { name: 'ys', type: 'number[]' },
      ],
      result: '{ h: number[][]; loss: number }',
    });
    expect(parseSignature('(H, W, d, k, r, c: number) => [number, number][]').params.map((p) => p.type)).toEqual(Array(6).fill('number'));
    expect(['number[][]', 'number', 'string', "'rnn' | 'dense'", 'Uint8Array', '(a: number, b: number) => number', 'RnnParams', '{ w: number[] }', 'Promise<AeParams>'].map(pythonHint)).toEqual([
      'list',
      'float',
      'str',
      'str',
      'bytes',
      'Callable',
      'dict',
      'dict',
      'dict',
    ]);
    expect(pythonName('heEq3VarY')).toBe('he_eq3_var_y');
  });

  test("the contracts' types as notes a Python student reads: dicts and their keys with their docs, no TypeScript declarations", () => {
    const notes = contractNotes(
      [
        "import type { X } from './y.ts';",
        '/**',
        ' * The model.',
        ' */',
        'export interface Params {',
        '  /** 3×2 */',
        '  W: number[][];',
        '  b?: number[]; // optional bias',
        '}',
        'export interface Trained {',
        '  generate(z: Float32Array): Float32Array;',
        '}',
        'export interface ModelContract {',
        '  fit: (p: Params) => number;',
        '}',
        "export const NAMES = ['W', 'b'] as const;",
      ].join('\n'),
    );
    expect(notes).toEqual([
      'The model.',
      'Params: a dict with the keys',
      '  W: number[][] — 3×2',
      '  b (optional): number[] — optional bias',
      'Trained: an object with the methods',
      '  generate(z: Float32Array) -> Float32Array',
      "NAMES = ['W', 'b']",
    ]);
    expect(pythonName('pixelcnnConnectionsO')).toBe('pixelcnn_connections_o');
  });

  pyDescribe('for every course', () => {
    test("is valid Python naming every export of the course's contracts, and grades to 0 with each item naming its stub", async () => {
      const file = path.join(temp(tempFolder()), 'submission.py');
      writeFileSync(file, pythonStarter(topics as Topic<unknown>[], 'all courses'));
      execFileSync(pythonRuntime().python, ['-c', `import ast,sys; ast.parse(open(sys.argv[1]).read())`, file]);
      const text = pythonStarter(topics as Topic<unknown>[], 'all courses');
      for (const t of topics as Topic<unknown>[]) for (const name of Object.keys(t.contract as object)) expect(text).toMatch(new RegExp(`^(def ${pythonName(name)}\\(|${pythonName(name)} = )`, 'm'));
      const r = await gradeSubmission(path.dirname(file), { course: 'CSC421' });
      expect(r.loadError).toBeUndefined();
      expect(r.score).toBe(0);
      const msgs = Object.values(r.claims)
        .filter((c) => c.status === 'failed')
        .map((c) => c.message);
      expect(msgs.some((m) => /`lstm_bptt` threw NotImplementedError: lstm_bptt \(at submission\.py line \d+\)/.test(m))).toBe(true);
      cleanup(path.dirname(file));
    }, 120_000);
  });
});
