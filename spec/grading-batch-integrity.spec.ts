/**
 * grade-all under hostile names and interruptions: scores.csv cannot be forged by a message or a
 * folder name, a student named like the CSV cannot take it, a stopped batch keeps what it finished
 * and leaves no temporary folder, and `resume` grades only the rest.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { gradeAll, scoresCsv } from '../src/grading/batch.ts';
import { tempFolder, writeSubmission } from '../src/grading/fixtures.ts';
import { REPO_ROOT } from '../src/grading/sandbox.ts';
import { SYNTH, SYNTH_REF, tempFolders } from './grading-synth.ts';

const temp = tempFolders();
const synthOpts = { topicsModule: SYNTH, topicIds: ['synth'], course: 'CSE891' as const, jobs: 1 };

describe('scores.csv cannot be forged', () => {
  test('a bare CR, a newline or a formula in a message or a name stays inside its cell', () => {
    const csv = scoresCsv([
      { student: '=HYPERLINK("http://x")', score: 1, possible: 2, courses: {}, items: { x: 1 }, seconds: 1, error: 'boom\r=1+1\r\n+cmd|calc\n@SUM(A1)' },
      { student: '-2+3', score: 0, possible: 2, courses: {}, items: { x: 0 }, seconds: 1, error: '\ttab' },
    ]);
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(3); // header + two rows: nothing split a row
    expect(csv).not.toMatch(/\r/);
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"")",1,2,1,1.0,,boom\ufffd=1+1`);
    expect(lines[2]).toBe(`'-2+3,0,2,0,1.0,,'\ttab`);
  });

  test("a student folder named scores.csv (or results) cannot take the CSV or another student's results", async () => {
    const root = temp(tempFolder());
    const subs = path.join(root, 'subs');
    for (const s of ['scores.csv', 'results', 'ann']) writeSubmission({ 'index.ts': SYNTH_REF }, path.join(subs, s));
    const res = await gradeAll(subs, { ...synthOpts, outDir: path.join(root, 'g') });
    expect(res.rows.map((r) => [r.student, r.score])).toEqual([
      ['ann', 4],
      ['results', 4],
      ['scores.csv', 4],
    ]);
    expect(readFileSync(res.csv, 'utf8').trim().split('\n')).toHaveLength(5);
    for (const s of ['scores.csv', 'results', 'ann']) expect(existsSync(path.join(root, 'g', 'results', s, 'results.json'))).toBe(true);
  }, 120_000);
});

describe('a batch that stops keeps what it finished', () => {
  test('resume grades only the students not yet graded', async () => {
    const root = temp(tempFolder());
    const subs = path.join(root, 'subs');
    writeSubmission({ 'index.ts': SYNTH_REF }, path.join(subs, 'ann'));
    writeSubmission({ 'index.ts': SYNTH_REF.replace('x * x', 'x + x') }, path.join(subs, 'ben'));
    const out = path.join(root, 'g');
    await gradeAll(subs, { ...synthOpts, outDir: out });
    writeSubmission({ 'index.ts': SYNTH_REF }, path.join(subs, 'cat'));
    const graded: string[] = [];
    const res = await gradeAll(subs, { ...synthOpts, outDir: out, resume: true, onProgress: (_d, _t, r) => void graded.push(r.student) });
    expect(graded).toEqual(['cat']);
    expect(res.resumed).toBe(2);
    expect(res.rows.map((r) => [r.student, r.score])).toEqual([
      ['ann', 4],
      ['ben', 2],
      ['cat', 4],
    ]);
    expect(readFileSync(res.csv, 'utf8').trim().split('\n')).toHaveLength(5);
  }, 120_000);

  test('resume grades again a student the earlier run graded with other settings, and says how they differ', async () => {
    const root = temp(tempFolder());
    const subs = path.join(root, 'subs');
    writeSubmission({ 'index.ts': SYNTH_REF }, path.join(subs, 'ann'));
    const out = path.join(root, 'g');
    await gradeAll(subs, { ...synthOpts, outDir: out, sameSeed: true, seed: 7 });
    const graded: string[] = [];
    const res = await gradeAll(subs, { ...synthOpts, outDir: out, resume: true, onProgress: (_d, _t, r) => void graded.push(r.student) });
    expect(graded).toEqual(['ann']);
    expect([res.resumed, res.regraded]).toEqual([0, 1]);
    expect(res.changed).toBe('seed 7 → per student');
    // the same settings again: kept
    const again = await gradeAll(subs, { ...synthOpts, outDir: out, resume: true });
    expect([again.resumed, again.regraded]).toEqual([1, 0]);
  }, 120_000);

  test('the results folder inside the class folder is not a student; a submission in one sub-folder is graded from there', async () => {
    const root = temp(tempFolder());
    const subs = path.join(root, 'subs');
    writeSubmission({ 'index.ts': SYNTH_REF }, path.join(subs, 'ann', 'hw3'));
    const res = await gradeAll(subs, { ...synthOpts, outDir: path.join(subs, 'grades') });
    const again = await gradeAll(subs, { ...synthOpts, outDir: path.join(subs, 'grades') });
    expect(again.rows.map((r) => [r.student, r.score])).toEqual([['ann', 4]]);
    expect(res.rows.map((r) => [r.student, r.score])).toEqual([['ann', 4]]);
    const out = JSON.parse(readFileSync(path.join(subs, 'grades', 'results', 'ann', 'results.json'), 'utf8')).output as string;
    expect(out).toMatch(/Your files were in the folder hw3\/, not at the top of what you handed in/);
  }, 120_000);

  test('SIGTERM: scores.csv holds every student finished, temporary folders are removed, exit 143', async () => {
    const root = temp(tempFolder());
    const subs = path.join(root, 'subs');
    // each student takes ≥ 1.2 s (synthSpin sleeps), so the signal lands mid-batch
    const slow = SYNTH_REF.replace('return 42;', 'const t = Date.now(); while (Date.now() - t < 1200) {} return 42;');
    for (const s of ['a1', 'a2', 'a3', 'a4', 'a5']) writeSubmission({ 'index.ts': slow }, path.join(subs, s));
    const out = path.join(root, 'g');
    const child = spawn(process.execPath, ['bin/dlspec.js', 'grade-all', subs, '--out-dir', out, '--course', 'CSE891', '--topics-module', SYNTH, '--topic', 'synth', '--jobs', '1'], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
    const ownTemps = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith(`dlspec-grade-${child.pid}-`) || n.startsWith(`dlspec-runner-${child.pid}-`));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // wait for the first finished student, then stop the batch
    for (let i = 0; i < 600 && !existsSync(path.join(out, 'results', 'a1', 'row.json')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(ownTemps().length).toBe(2); // the batch's temporary root and its check runner's build exist while it runs
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    const rows = readFileSync(path.join(out, 'scores.csv'), 'utf8').trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThan(5);
    expect(rows[0]).toMatch(/^a1,4,/);
    expect(ownTemps()).toEqual([]);
    // and resume finishes the rest without grading a1 again
    const graded: string[] = [];
    const res = await gradeAll(subs, { ...synthOpts, outDir: out, resume: true, onProgress: (_d, _t, r) => void graded.push(r.student) });
    expect(graded).not.toContain('a1');
    expect(res.rows.map((r) => r.student)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
  }, 180_000);
});
