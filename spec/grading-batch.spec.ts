/**
 * Grading at scale: `grade-all` over a folder of submissions (parallel, CSV, results.json per
 * student, a broken submission never stops the batch) and the Gradescope bundle, whose
 * run_autograder is run here against a fake /autograder layout.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { gradeAll, listSubmissions, progressLine, scoresCsv } from '../src/grading/batch.ts';
import { REFERENCE_SUBMISSION, tempFolder, writeSubmission } from '../src/grading/fixtures.ts';
import { buildBundle, BUNDLED_CIFAR_DIR, installScript, packageFiles, runScript, setupScript } from '../src/grading/gradescope.ts';
import { REPO_ROOT } from '../src/grading/sandbox.ts';
import { mlpTopic } from '../src/mlp/topic.ts';
import { SYNTH, tempFolders } from './grading-synth.ts';

const run = promisify(execFile);
const temp = tempFolders();

/** CIE6032's points for the mlp problem (HW2 P3), default-suite claims */
const mlpPoints = mlpTopic.claims.filter((c) => !c.tags?.length && c.course === 'CIE6032').reduce((a, c) => a + c.points, 0);

const SYNTH_REF = `export const synthSquare = (x: number): number => x * x;
export const synthParamCount = 'n^2 + n';
export const synthSpin = (): number => 42;
`;

describe('grade-all', () => {
  test('grades every sub-folder in parallel; CSV and results.json per student; broken ones are rows, not the end', async () => {
    const root = temp(tempFolder());
    const subs = path.join(root, 'subs');
    writeSubmission({ 'index.ts': SYNTH_REF }, path.join(subs, 'ann'));
    writeSubmission({ 'index.ts': SYNTH_REF.replace('x * x', 'x + x') }, path.join(subs, 'ben'));
    writeSubmission({ 'index.ts': 'export const synthSquare = (' }, path.join(subs, 'cat')); // syntax error
    writeSubmission({ 'index.ts': `process.exit(3);\n${SYNTH_REF}` }, path.join(subs, 'dan'));
    mkdirSync(path.join(subs, 'eve')); // empty folder: no module
    writeFileSync(path.join(subs, 'notes.txt'), 'not a submission');
    expect(listSubmissions(subs)).toEqual(['ann', 'ben', 'cat', 'dan', 'eve']);
    const seen: string[] = [];
    const res = await gradeAll(subs, { topicsModule: SYNTH, topicIds: ['synth'], course: 'CSE891', jobs: 2, outDir: path.join(root, 'grades'), onProgress: (_d, _t, r) => seen.push(r.student) });
    expect(seen.sort()).toEqual(['ann', 'ben', 'cat', 'dan', 'eve']);
    const by = Object.fromEntries(res.rows.map((r) => [r.student, r]));
    expect(by.ann.score).toBe(4);
    expect(by.ann.error).toBeUndefined();
    expect(by.ben.items['synth.square']).toBe(0);
    expect(by.ben.items['synth.formula']).toBe(1.5);
    expect(by.cat.error).toMatch(/could not be compiled/);
    expect(by.dan.error).toMatch(/exited with code 3/);
    expect(by.eve.error).toMatch(/no submission module/);
    for (const s of ['ann', 'ben', 'cat', 'dan', 'eve']) expect(JSON.parse(readFileSync(path.join(root, 'grades', 'results', s, 'results.json'), 'utf8')).tests.length).toBe(4);
    const csv = readFileSync(res.csv, 'utf8').trim().split('\n');
    // per-problem subtotals (extra credit earned counts; the max row leaves it out), then the items
    expect(csv[0]).toBe('student,score,possible,CSE891 score,CSE891 P1,CSE891 P2,synth.square,synth.formula,synth.spin,synth.hidden,seconds,review,error');
    expect(csv[1]).toBe('(max points),3.5,3.5,,2.5,1,1,1.5,0.5,1,,,');
    expect(csv[2]).toMatch(/^ann,4,3\.5,4,3,1,1,1\.5,0\.5,1,[\d.]+,,$/);
    expect(csv).toHaveLength(7);
  }, 120_000);

  test('CSV quoting and the progress line', () => {
    expect(scoresCsv([{ student: 'a,"b"', score: 1, possible: 2, courses: {}, items: { x: 1 }, seconds: 1, error: 'e1\ne2' }])).toBe(
      'student,score,possible,x,seconds,review,error\n"a,""b""",1,2,1,1.0,,e1\n',
    );
    expect(progressLine(6, 24, 1, 12)).toBe('[██████··················] 6/24  ok 5  errors 1  eta 36 s');
    expect(progressLine(2, 2, 0, 3)).toMatch(/2\/2 .* 3\.0 s$/);
  });

  test('dlspec grade-all prints the rate and writes scores.csv', async () => {
    const root = temp(tempFolder());
    writeSubmission({ 'index.ts': SYNTH_REF }, path.join(root, 'subs', 'ann'));
    const r = await run(process.execPath, [
      'bin/dlspec.js',
      'grade-all',
      path.join(root, 'subs'),
      '--out-dir',
      path.join(root, 'g'),
      '--course',
      'CSE891',
      '--topics-module',
      SYNTH,
      '--topic',
      'synth',
      '--jobs',
      '1',
    ]);
    expect(r.stdout).toMatch(/1 submissions graded in [\d.]+ s \([\d.]+ per minute\)/);
    expect(r.stderr).toMatch(/1\/1 +ok 1 +errors 0/);
    expect(existsSync(path.join(root, 'g', 'scores.csv'))).toBe(true);
  }, 60_000);
});

describe('Gradescope bundle', () => {
  test('an assignment that grades trained networks carries the CIFAR-10 test set, and run_autograder points CIFAR10_DIR at it', () => {
    const file = path.join(temp(tempFolder('dlspec-cifar-')), 'test_batch.bin');
    writeFileSync(file, 'stand-in');
    const { files } = buildBundle({ course: 'ELEG5491', cifarTestFile: file });
    expect(files).toContain(`${BUNDLED_CIFAR_DIR}/test_batch.bin`);
    expect(runScript({ course: 'ELEG5491' })).toContain(`export CIFAR10_DIR="$PWD/${BUNDLED_CIFAR_DIR}"`);
    expect(buildBundle({ course: 'CSE891' }).files.some((f) => f.startsWith('data/'))).toBe(false);
  });

  test('the zip holds setup.sh, run_autograder and the package; run_autograder grades a fake /autograder', async () => {
    // one problem set's assignment (dlspec gradescope-bundle --course CIE6032 --topic mlp): the
    // whole course would grade the same way, ~4× longer
    const { zip, files } = buildBundle({ course: 'CIE6032', gradeArgs: ['--topic', 'mlp'] });
    expect(files).toEqual(expect.arrayContaining(['setup.sh', 'install.sh', 'run_autograder', 'package.json', 'bin/dlspec.js', 'src/cli.ts', 'src/grading/host.mjs']));
    // no hidden tests, no fixtures but the key's own submission (its trained networks are what a failed item is checked against)
    expect(files.filter((f) => f.startsWith('spec/') || (f.startsWith('fixtures/') && !f.startsWith('fixtures/submissions/reference/')))).toEqual([]);
    expect(files).toContain('fixtures/submissions/reference/cifar-runs/he/model.json');
    expect(packageFiles()).toContain('src/registry.ts');
    const root = temp(tempFolder('dlspec-gs-'));
    const ag = path.join(root, 'autograder');
    for (const [name, data] of Object.entries(unzipSync(zip))) {
      const p = path.join(ag, 'source', name);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, data);
    }
    // what Gradescope does: copy run_autograder next to source; what setup.sh does, install the
    // packages, is linked here (spec/gradescope-install.spec.ts runs the real install)
    cpSync(path.join(ag, 'source', 'run_autograder'), path.join(ag, 'run_autograder'));
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(ag, 'source', 'node_modules'));
    cpSync(REFERENCE_SUBMISSION, path.join(ag, 'submission'), { recursive: true });
    writeFileSync(path.join(ag, 'submission_metadata.json'), JSON.stringify({ users: [{ id: '12345', email: 'a@b.c' }] }));
    const env = { ...process.env, AUTOGRADER_ROOT: ag };
    const out = await run('bash', [path.join(ag, 'run_autograder')], { env });
    expect(out.stdout).toContain('(student id 12345)');
    const results = JSON.parse(readFileSync(path.join(ag, 'results', 'results.json'), 'utf8'));
    // full marks: every CIE6032 item of the mlp problem passes, and only those are graded
    expect(results.score).toBe(results.tests.reduce((a: number, t: { max_score: number }) => a + t.max_score, 0));
    expect(results.score).toBe(mlpPoints);
    expect(results.tests.map((t: { name: string }) => t.name).join('\n')).toMatch(/mlp\./);
    expect(results.tests.every((t: { name: string }) => /mlp\./.test(t.name))).toBe(true);
    expect(results.tests.every((t: { status: string }) => t.status === 'passed')).toBe(true);
    // (a submission with nothing in it: dlspec writes results.json with 0 — grading.spec's empty
    // submission and grading-cli's missing folder)
    // node cannot start at all: the script's fallback still writes one
    await run('bash', [path.join(ag, 'run_autograder')], { env: { ...env, NODE_OPTIONS: '--no-such-flag' } });
    expect(JSON.parse(readFileSync(path.join(ag, 'results', 'results.json'), 'utf8')).output).toMatch(/could not start/);
  }, 120_000);

  test('the scripts', () => {
    // setup.sh: Node 22 from NodeSource, then install.sh (its npm part, run for real by spec/gradescope-install.spec.ts)
    expect(setupScript({ course: 'CSE891' })).toContain('setup_22.x');
    expect(setupScript({ course: 'CSE891', nodeMajor: 24 })).toContain('setup_24.x');
    expect(setupScript({ course: 'CSE891' })).toMatch(/bash "\$\{AUTOGRADER_ROOT:-\/autograder\}\/source\/install\.sh"\n$/);
    expect(installScript()).toContain('npm ci --omit=dev --ignore-scripts');
    expect(installScript()).not.toContain('--omit=optional'); // esbuild's and resvg's platform binaries are optional dependencies
    expect(runScript({ course: 'CSC421', gradeArgs: ['--tags', "slow'x"] })).toContain(`--course CSC421 --out "$ROOT/results/results.json" \${SID:+--student-id "$SID"} '--tags' 'slow'\\''x'`);
  });
});
