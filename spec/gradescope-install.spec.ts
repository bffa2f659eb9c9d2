/**
 * The Gradescope bundle as Gradescope runs it: `buildBundle({ course: 'CSE891' })` unzipped into an
 * empty autograder/source, its install.sh run there (setup.sh's npm part: `npm ci` of the bundle's
 * own lockfile, packages from the registry, nothing linked from this checkout), then
 * run_autograder against a fake /autograder for four submissions.  And: loading the topic
 * registry loads no figure renderer (resvg, vega, vega-lite).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lstmTopic } from '../src/lstm/topic.ts';
import { cnnParamsTopic } from '../src/cnnparams/topic.ts';
import type { KnownWrong } from '../src/claims/types.ts';
import { cleanup, EMPTY_SUBMISSION, knownWrongSubmission, PY_REFERENCE_SUBMISSION, REFERENCE_SUBMISSION, tempFolder } from '../src/grading/fixtures.ts';
import { pythonRuntime } from '../src/grading/python/sandbox.ts';
import { buildBundle } from '../src/grading/gradescope.ts';
import { REPO_ROOT } from '../src/grading/sandbox.ts';

const run = promisify(execFile);
const temps: string[] = [];
afterAll(() => temps.forEach(cleanup));

/** The environment of a fresh shell: nothing inherited from npm, vitest or a dlspec setting. */
const shellEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|vitest|dlspec_)/i.test(k) && !['NODE_OPTIONS', 'NODE_ENV', 'TEST'].includes(k))),
  ...extra,
});

/** Bytes of the files under `dir` (apparent size, links not followed). */
function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? bytesUnder(p) : lstatSync(p).size;
  }
  return n;
}

interface Results {
  score: number;
  output: string;
  tests: { name: string; score: number; max_score: number; status: string; output: string }[];
}

const MIB = 1024 * 1024;
/** CSE891 HW3: 10 points + 1.5 extra credit */
const FULL = 11.5;

describe('Gradescope bundle, installed the way setup.sh installs it', () => {
  let ag = '';
  let bundleFiles: string[] = [];

  beforeAll(async () => {
    const { zip, files } = buildBundle({ course: 'CSE891' });
    bundleFiles = files;
    const root = tempFolder('dlspec-gs-install-');
    temps.push(root);
    ag = path.join(root, 'autograder');
    for (const [name, data] of Object.entries(unzipSync(zip))) {
      const p = path.join(ag, 'source', name);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, data, { mode: name === 'install.sh' || name === 'setup.sh' || name === 'run_autograder' ? 0o755 : 0o644 });
    }
    // Gradescope places run_autograder next to source; setup.sh (apt, Node from NodeSource) then
    // runs install.sh, which is run here on its own with this machine's node and npm.
    // prefer-offline: tarballs already in npm's cache are used without asking the registry again
    // (the lockfile pins each one's integrity, so the same files are installed either way).
    cpSync(path.join(ag, 'source', 'run_autograder'), path.join(ag, 'run_autograder'));
    const t0 = performance.now();
    await run('bash', [path.join(ag, 'source', 'install.sh')], { env: shellEnv({ AUTOGRADER_ROOT: ag, npm_config_prefer_offline: 'true' }), maxBuffer: 16 * MIB });
    const seconds = (performance.now() - t0) / 1000;
    const nm = path.join(ag, 'source', 'node_modules');
    const packages = Object.keys(JSON.parse(readFileSync(path.join(nm, '.package-lock.json'), 'utf8')).packages).length;
    console.log(
      `gradescope-bundle --course CSE891: zip ${(zip.length / 1024).toFixed(0)} KiB (${files.length} files); ` +
        `install.sh ${seconds.toFixed(1)} s (npm ${(await run('npm', ['-v'], { env: shellEnv({}) })).stdout.trim()}, node ${process.version}); ` +
        `node_modules ${(bytesUnder(nm) / MIB).toFixed(0)} MiB, ${packages} packages`,
    );
  }, 600_000);

  /** run_autograder for the submission folder `dir`, as Gradescope runs it for one student. */
  async function grade(dir: string, studentId: string): Promise<Results> {
    for (const d of ['submission', 'results']) rmSync(path.join(ag, d), { recursive: true, force: true });
    cpSync(dir, path.join(ag, 'submission'), { recursive: true });
    writeFileSync(path.join(ag, 'submission_metadata.json'), JSON.stringify({ users: [{ id: studentId }] }));
    const out = await run('bash', [path.join(ag, 'run_autograder')], { env: shellEnv({ AUTOGRADER_ROOT: ag }), maxBuffer: 16 * MIB });
    expect(out.stdout).toContain(`(student id ${studentId})`);
    return JSON.parse(readFileSync(path.join(ag, 'results', 'results.json'), 'utf8')) as Results;
  }

  const byClaim = (r: Results, id: string): Results['tests'][number] | undefined => r.tests.find((t) => t.name.includes(`— ${id}:`));
  let reference: Results | undefined;

  test('the bundle installs the runtime packages with their platform binaries, and nothing for development or the GPU', () => {
    expect(bundleFiles).toEqual(expect.arrayContaining(['setup.sh', 'install.sh', 'run_autograder', 'package.json', 'package-lock.json', 'bin/dlspec.js']));
    const src = path.join(ag, 'source');
    const pkg = JSON.parse(readFileSync(path.join(src, 'package.json'), 'utf8'));
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.optionalDependencies?.['@tensorflow/tfjs-node-gpu']).toBeUndefined();
    const nm = path.join(src, 'node_modules');
    for (const absent of ['@tensorflow/tfjs-node-gpu', 'vitest', 'typescript', '@stryker-mutator', '@vitest/coverage-v8']) expect(existsSync(path.join(nm, absent)), absent).toBe(false);
    // one native package each for this platform: esbuild (tsx, the submission's compile) and resvg
    expect(readdirSync(path.join(nm, '@esbuild'))).toHaveLength(1);
    expect(readdirSync(path.join(nm, '@resvg')).filter((n) => n.startsWith('resvg-js-'))).toHaveLength(1);
    for (const present of ['tsx', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'vega', 'vega-lite', '@resvg/resvg-js']) expect(existsSync(path.join(nm, present)), present).toBe(true);
  });

  test('the reference submission: full marks for CSE891 (10 + 1.5 extra credit)', async () => {
    reference = await grade(REFERENCE_SUBMISSION, '1001');
    expect(reference.output).toMatch(/course CSE891/);
    expect(reference.score).toBe(FULL);
    expect(reference.tests.length).toBeGreaterThan(0);
    expect(reference.tests.filter((t) => t.status !== 'passed' || t.score !== t.max_score || !t.name.startsWith('CSE891')).map((t) => `${t.name}: ${t.output}`)).toEqual([]);
    expect(reference.tests.reduce((a, t) => a + t.max_score, 0)).toBe(FULL);
  }, 120_000);

  test('the Python reference submission: the same full marks, item for item', async () => {
    try {
      pythonRuntime();
    } catch (e) {
      console.warn(`Python submissions not tested in the Gradescope layout: ${(e as Error).message}`);
      return;
    }
    const py = await grade(PY_REFERENCE_SUBMISSION, '1005');
    expect(py.score).toBe(FULL);
    expect(py.tests.map((t) => [t.name, t.score])).toEqual(reference?.tests.map((t) => [t.name, t.score]));
  }, 120_000);

  test('the empty submission: 0, every item failed with its message', async () => {
    const r = await grade(EMPTY_SUBMISSION, '1002');
    expect(r.score).toBe(0);
    expect(r.tests.length).toBe(reference?.tests.length ?? r.tests.length);
    for (const t of r.tests) {
      expect(t.status, t.name).toBe('failed');
      expect(t.score, t.name).toBe(0);
      expect(t.output.length, t.name).toBeGreaterThan(0);
    }
  }, 120_000);

  // two known-wrong submissions of CSE891 topics: the reference with one topic's exports replaced.
  // The student ids seed the variants: ids whose seed makes a check reject the key itself (a grader
  // fault, e.g. resnet.gradient-ratio for 1003) would put a third item in question, so none is used.
  const wrong = (topic: { knownWrong: KnownWrong[] }, mistake: string): KnownWrong => topic.knownWrong.find((w) => w.mistake === mistake) as KnownWrong;
  const cases: [string, KnownWrong][] = [
    ['2003', wrong(lstmTopic, 'cbar-no-carry')],
    ['1004', wrong(cnnParamsTopic, 'no-bias')],
  ];
  for (const [id, w] of cases) {
    test(`${w.file}: loses exactly the items of ${w.rejectedBy.join(', ')}, the mistake named`, async () => {
      const dir = await knownWrongSubmission(w);
      temps.push(dir);
      const r = await grade(dir, id);
      const lost = w.rejectedBy.map((c) => byClaim(r, c));
      expect(lost.every(Boolean), `every item of ${w.rejectedBy.join(', ')} is graded`).toBe(true);
      for (const t of lost) {
        expect(t?.status, t?.name).toBe('failed');
        expect(t?.score, t?.name).toBe(0);
        expect(t?.output, t?.name).toContain(w.named);
      }
      const others = r.tests.filter((t) => !lost.includes(t));
      expect(others.length).toBeGreaterThan(0);
      expect(others.filter((t) => t.status !== 'passed' || t.score !== t.max_score).map((t) => `${t.name}: ${t.output}`)).toEqual([]);
      expect(r.score).toBeCloseTo(FULL - lost.reduce((a, t) => a + (t?.max_score ?? 0), 0), 9);
    }, 120_000);
  }
});

describe('the registry loads no figure renderer', () => {
  test('src/registry.ts imports with @resvg/resvg-js, vega and vega-lite unresolvable; a chart asks for them when it is drawn', async () => {
    const dir = tempFolder('dlspec-no-figures-');
    temps.push(dir);
    // refuses the renderers by name, for ESM imports (a resolve hook, run before tsx's) and for
    // CommonJS requires (Module._resolveFilename, wrapped after tsx's)
    const BLOCKED = String.raw`/^(@resvg\/resvg-js|vega|vega-lite)(\/|$)/`;
    writeFileSync(path.join(dir, 'hooks.mjs'), `export async function resolve(s, c, next) { if (${BLOCKED}.test(s)) throw new Error('blocked: ' + s); return next(s, c); }\n`);
    const blocker = path.join(dir, 'block-renderers.mjs');
    writeFileSync(
      blocker,
      `import Module, { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (s, ...rest) { if (${BLOCKED}.test(s)) throw new Error('blocked: ' + s); return resolveFilename.call(this, s, ...rest); };
`,
    );
    const script = `
const { topics } = await import(${JSON.stringify(path.join(REPO_ROOT, 'src/registry.ts'))});
console.log('topics', topics.length);
const figures = await import(${JSON.stringify(path.join(REPO_ROOT, 'src/cifar/figures.ts'))});
try { await figures.writeCurves([], ${JSON.stringify(path.join(dir, 'curves.png'))}); console.log('drawn'); } catch (e) { console.log(String(e.message)); }
`;
    const out = await run(process.execPath, ['--import', 'tsx', '--import', blocker, '--input-type=module', '-e', script], { cwd: REPO_ROOT, env: shellEnv({}) });
    expect(out.stdout).toMatch(/^topics \d+$/m);
    expect(out.stdout).toMatch(/blocked: (vega|vega-lite|@resvg\/resvg-js)/);
  }, 60_000);
});
