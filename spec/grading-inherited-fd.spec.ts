/**
 * A file descriptor the grader inherited from whatever started it (a CI runner's pipe, a shell's
 * `exec 9<file`) must not reach the student's code: Node's permission model checks paths, not fds,
 * and bwrap passes fds on.  The real CLI is started with a readable secret file and a writable log
 * as extra inherited fds; the submission (TypeScript, then Python) tries every fd from 5 (4) up, and
 * its formula answer turns right only if it read the secret.
 */
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cleanup, tempFolder } from '../src/grading/fixtures.ts';
import { PYTHON_PACKAGES, pythonRuntime } from '../src/grading/python/sandbox.ts';
import { REPO_ROOT } from '../src/grading/sandbox.ts';
import { SYNTH } from './grading-synth.ts';

/** why the Python case cannot run here ('' when it can), as the Python adversarial corpus says it */
let noPython = '';
if (!existsSync('/usr/bin/bwrap') && !existsSync('/bin/bwrap')) noPython = 'bubblewrap (/usr/bin/bwrap) is missing';
else {
  try {
    pythonRuntime();
  } catch (e) {
    noPython = (e as Error).message;
  }
}

/** `dlspec grade` on `sub` with the secret (read) and the log (append) as inherited fds 100 and 101; results.json and the log after. */
function gradeWithInheritedFds(sub: string): Promise<{ results: { tests: { name: string; score: number; output: string }[] }; log: string }> {
  const dir = tempFolder('dlspec-fd-');
  const secret = path.join(dir, 'secret.txt'),
    log = path.join(dir, 'log.txt'),
    out = path.join(dir, 'results.json');
  writeFileSync(secret, 'SECRET answer key\n');
  writeFileSync(log, '');
  const fdSecret = openSync(secret, 'r'),
    fdLog = openSync(log, 'a');
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/dlspec.js'), 'grade', sub, '--topics-module', SYNTH, '--course', 'CSE891', '--topic', 'synth', '--out', out], {
    cwd: REPO_ROOT,
    // at 100 and 101: a low number is taken over by the processes' own stdio and IPC on the way down
    stdio: ['ignore', 'pipe', 'pipe', ...Array<'ignore'>(97).fill('ignore'), fdSecret, fdLog],
  });
  closeSync(fdSecret);
  closeSync(fdLog);
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  child.stdout?.resume();
  return new Promise((resolve, reject) =>
    child.on('exit', () => {
      try {
        resolve({ results: JSON.parse(readFileSync(out, 'utf8')), log: readFileSync(log, 'utf8') });
      } catch (e) {
        reject(new Error(`no results.json: ${(e as Error).message}\n${err}`));
      } finally {
        cleanup(dir);
      }
    }),
  );
}

describe('file descriptors the grader inherited do not reach the sandbox', () => {
  const check = async (fixture: string) => {
    const sub = tempFolder('dlspec-fd-sub-');
    cpSync(fixture, sub, { recursive: true });
    const { results, log } = await gradeWithInheritedFds(sub);
    cleanup(sub);
    const formula = results.tests.find((t) => t.name.includes('synth.formula'))!;
    expect(formula.score, `the secret was read through an inherited fd:\n${formula.output}`).toBe(0);
    expect(log, 'the sandbox wrote through an inherited fd').toBe('');
    expect(results.tests.find((t) => t.name.includes('synth.square'))!.score).toBeGreaterThan(0);
  };
  test('TypeScript', () => check(path.join(REPO_ROOT, 'fixtures/adversarial/inherited-fd')), 120_000);
  test.skipIf(noPython !== '')(
    noPython ? `Python: not run here, ${noPython} (apt-get install ${PYTHON_PACKAGES})` : 'Python',
    () => check(path.join(REPO_ROOT, 'fixtures/adversarial-py/inherited-fd')),
    120_000,
  );
});
