/**
 * `dlspec check --submission` on a TypeScript folder outside the repository: with no package.json
 * above it, importing its index.ts directly crashed the CLI (ERR_REQUIRE_CYCLE_MODULE: Node took the
 * file for CommonJS, and tsx's ESM hooks alone cannot load it); the folder is now compiled as the
 * grader compiles it, package imports included.  Run through bin/dlspec.js, as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'dlspec-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (folder: string): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [path.join(REPO, 'bin/dlspec.js'), 'check', '--submission', folder, '--topic', 'rnn'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });

test('a .ts folder outside the repository (relative and package imports) is checked: every rnn claim passes', () => {
  const sub = path.join(dir, 'student');
  mkdirSync(sub);
  copyFileSync(path.join(REPO, 'fixtures/submissions/reference/rnn.ts'), path.join(sub, 'rnn.ts'));
  writeFileSync(path.join(sub, 'index.ts'), "import { Matrix } from 'ml-matrix';\nexport * from './rnn.ts';\nexport const two: number = Matrix.eye(2).trace();\n");
  const r = check(sub);
  expect(r.stderr).not.toMatch(/ERR_REQUIRE_CYCLE_MODULE|internal error/);
  expect(r.status, r.stdout + r.stderr).toBe(0);
  for (const id of ['rnn.forward', 'rnn.delta-z', 'rnn.dh', 'rnn.grads.fd', 'rnn.grads.autodiff']) expect(r.stdout).toMatch(new RegExp(`^PASS ${id.replace('.', '\\.')} `, 'm'));
}, 150_000);

test('a folder whose code does not compile is one line naming the file and line, exit 2', () => {
  const bad = path.join(dir, 'bad');
  mkdirSync(bad);
  writeFileSync(path.join(bad, 'index.ts'), 'export const x = ;\n');
  const r = check(bad);
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^dlspec check: --submission ".*bad": your code could not be compiled: .*index\.ts:1: Unexpected ";"; expected a module that compiles and loads/);
}, 150_000);
