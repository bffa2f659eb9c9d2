/**
 * The autograder's command line and reports: `dlspec grade` (text, md, json, results.json), the
 * report formats and helpers, the bundled check runner, and the answer key (`dlspec key`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import type { Topic } from '../src/claims/types.ts';
import { formatMarkdown, formatReport, formatText } from '../src/grading/format.ts';
import { tempFolder, writeSubmission } from '../src/grading/fixtures.ts';
import { crashResults, summarizeEvidence, type GradeReport } from '../src/grading/grade.ts';
import { buildKey, evidenceMarkdown, keyMarkdown } from '../src/grading/key.ts';
import { runnerBundle } from '../src/grading/runner-bundle.ts';
import { describeExit, nodeArgs } from '../src/grading/sandbox.ts';
import { synthTopic, evalFormula } from './grading-topics.ts';
import { cliInProcess, gradeSynth, status, SYNTH, SYNTH_REF, tempFolders } from './grading-synth.ts';

const run = promisify(execFile);
const temp = tempFolders();
const synth = (src: string) => temp(writeSubmission({ 'index.ts': src }));

describe('command line and reports', () => {
  test("dlspec grade prints the table and writes results.json (text, json; md is formatReport's, below)", async () => {
    const dir = synth(SYNTH_REF.replace('x * x', 'x * x + 1'));
    const out = path.join(temp(tempFolder()), 'r', 'results.json');
    const cli = (fmt: string) =>
      run(process.execPath, [
        'bin/dlspec.js',
        'grade',
        dir,
        '--out',
        out,
        '--course',
        'CSE891',
        '--format',
        fmt,
        '--topics-module',
        path.relative(process.cwd(), SYNTH),
        '--topic',
        'synth',
        '--student-id',
        's1',
      ]); // a relative path, as typed
    const text = await cli('text');
    expect(text.stdout).toMatch(/CSE891 HW3: 1\.5 \/ 3\.5 \+ extra credit 0\.5 \/ 0\.5/);
    expect(text.stdout).toMatch(/1\.1 +FAIL +0\/1 +synth\.square/);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.score).toBe(2);
    expect(results.tests[0]).toMatchObject({ number: '1.1', score: 0, max_score: 1, status: 'failed', visibility: 'visible' });
    expect(results.tests[0].output).toMatch(/expected \d+, received \d+/);
    expect(typeof results.execution_time).toBe('number');
    // the rest through cli.ts's main in this process (bin/dlspec.js is the one run above)
    const json = JSON.parse(
      (await cliInProcess(['grade', dir, '--out', out, '--course', 'CSE891', '--format', 'json', '--topics-module', SYNTH, '--topic', 'synth', '--student-id', 's1'])).stdout,
    ) as GradeReport;
    expect(json.score).toBe(2);
    // a folder that does not exist is a mistake in the command line: one line, exit 2, results.json left as it was
    const missing = await cliInProcess(['grade', path.join(dir, 'missing'), '--out', out, '--topics-module', SYNTH, '--topic', 'synth']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`dlspec grade: submission ${JSON.stringify(path.join(dir, 'missing'))} not found; expected a submission folder or module file`);
    expect(JSON.parse(readFileSync(out, 'utf8')).score).toBe(2);
    // a submission folder without a module is graded: 0, the reason in the report and results.json, and exit 2 (a wrong folder?)
    const empty = temp(tempFolder());
    const bad = await cliInProcess(['grade', empty, '--out', out, '--topics-module', SYNTH, '--topic', 'synth']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/no submission module in /);
    expect(bad.stderr).toMatch(/^dlspec grade: no submission module in .*: expected one of index\.ts, .* at its top$/);
    expect(JSON.parse(readFileSync(out, 'utf8')).score).toBe(0);
    expect((await cliInProcess(['grade', '--format', 'pdf'])).code).toBe(2);
  }, 120_000);

  test('formats and helpers', () => {
    const r = {
      submission: '/s',
      seed: 1,
      runScale: 0.5,
      course: 'all' as const,
      executionTime: 1,
      claims: {},
      courses: [],
      tests: [],
      score: 0,
      possible: 0,
      processes: 1,
      isolation: 'strict' as const,
      rejectedMessages: 0,
      outputTail: '',
      loadError: 'boom',
    };
    expect(formatText(r)).toContain('Your module could not be graded: boom');
    expect(formatMarkdown(r)).toContain('# Grade report');
    expect(formatReport(r, 'md')).toBe(formatMarkdown(r)); // what `dlspec grade --format md` prints
    expect(JSON.parse(formatReport(r, 'json')).loadError).toBe('boom');
    expect(crashResults('x')).toMatchObject({ score: 0, tests: [] });
    expect(summarizeEvidence({ cases: 3, err: 1.5e-9, nested: { a: [1, 2, 3, 4, 5, 6, 7] }, s: 'ok' })).toBe('cases 3 · err 1.5e-9 · nested.a [1, 2, 3, 4, 5, 6, …] · s ok');
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
    const code =
      readFileSync(a, 'utf8') +
      readdirSync(path.dirname(a))
        .map((f) => readFileSync(path.join(path.dirname(a), f), 'utf8'))
        .join('\n');
    // each source keeps its own import.meta.url (paths computed from it stay right), and packages stay external
    expect(code).toContain(JSON.stringify(pathToFileURL(helper).href));
    expect(code).toContain(JSON.stringify(pathToFileURL(path.resolve('src/grading/strict.ts')).href));
    writeFileSync(helper, `export const where: string = 'edited ' + import.meta.url;\n`);
    utimesSync(helper, new Date(), new Date(Date.now() + 5000));
    const b = await runnerBundle(topicsFile);
    expect(b).not.toBe(a);
    expect(
      readdirSync(path.dirname(b))
        .map((f) => readFileSync(path.join(path.dirname(b), f), 'utf8'))
        .join('\n'),
    ).toContain('edited ');
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
    expect(evidenceMarkdown({ a: { b: 1e-12 }, c: null, d: [1, { e: 2 }] })).toEqual(['- a:', '  - b: 1e-12', '- c: —', '- d: [1,{"e":2}]']);
    const withSlow = await buildKey([synthTopic as Topic<unknown>], { includeTags: ['slow'], topicIds: ['synth'], outDir: path.join(dir, 'none') });
    expect(withSlow.every((e) => e.result?.passed)).toBe(true);
  });

  test('dlspec key writes the key (synthetic topics; `dlspec key` with no option does the registry)', async () => {
    const out = path.join(temp(tempFolder()), 'key.md');
    // the flaky topic's check fails on the reference with the key's (odd) seed: the key says so and exits 1
    const r = await cliInProcess(['key', '--out', out, '--topics-module', SYNTH]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/answer key written to .*key\.md: 6 claims, 5 run, 1 failed/);
    expect(readFileSync(out, 'utf8')).toContain('1 FAILED: flaky.square');
    const md = readFileSync(out, 'utf8');
    for (const c of synthTopic.claims) expect(md).toContain(`\`${c.id}\``);
  }, 120_000);
});
