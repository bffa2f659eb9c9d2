/**
 * The check runner as one JavaScript file (esbuild), so that its process starts under plain Node.
 *
 * Under tsx every one of the registry's ~120 modules goes through the loader's hooks thread; bundled,
 * the runner imports them under plain Node in about half the time (docs/measurements.md), and the
 * bundle builds in ~0.1 s.  Packages stay external (read from node_modules).  Each source file's `import.meta.url` is replaced by its own file URL,
 * so paths computed from it (host.mjs, the bridge worker, the MNIST folder, worker scripts) are
 * the same as unbundled.
 *
 * The bundle is built once per grader process and topics module, and rebuilt when one of its
 * source files changes (their sizes and mtimes are checked before each use: ≈2 ms).  It lives in
 * a temporary folder (`dlspec-runner-<pid>-…`) removed when the process exits, or by the next
 * grader once that process has ended.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { linkNodeModules } from './strict.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, 'child.ts');

interface Built {
  file: string;
  /** [path, size, mtimeMs] of every source file bundled */
  inputs: [string, number, number][];
}

const built = new Map<string, Built>();
let folder: string | undefined;

function fresh(b: Built): boolean {
  for (const [p, size, mtime] of b.inputs) {
    try {
      const s = statSync(p);
      if (s.size !== size || s.mtimeMs !== mtime) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Remove the bundle folders of processes that have ended (a test worker killed by its pool never
 *  runs its exit handler). */
function removeOrphans(): void {
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^dlspec-runner-(\d+)-/.exec(n);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(path.join(tmpdir(), n), { recursive: true, force: true });
    }
  }
}

/** Path of a bundled check runner whose registry is `topicsModule` (built if needed). */
export async function runnerBundle(topicsModule: string): Promise<string> {
  const key = path.resolve(topicsModule);
  const have = built.get(key);
  if (have && fresh(have)) return have.file;
  // grade-all grades two submissions at once: one build serves both
  let p = building.get(key);
  if (!p) {
    p = build(key).finally(() => building.delete(key));
    building.set(key, p);
  }
  return p;
}

const building = new Map<string, Promise<string>>();

async function build(key: string): Promise<string> {
  if (!folder) {
    removeOrphans();
    folder = mkdtempSync(path.join(tmpdir(), `dlspec-runner-${process.pid}-`));
    const dir = folder;
    linkNodeModules(dir); // packages stay external
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  // one build per folder: the entry, and a chunk per dynamic import (code splitting), so that the
  // runner answers the grader and starts the student's sandbox before the topics and their
  // packages (tfjs, nerdamer, ml-matrix: external imports are hoisted to their chunk's top) load
  const out = path.join(folder, `build-${built.size}-${Date.now().toString(36)}`);
  const entryFile = path.join(folder, `runner-entry-${built.size}.ts`);
  writeFileSync(entryFile, [`import { childMain } from ${JSON.stringify(CHILD)};`, `childMain({ ${JSON.stringify(key)}: () => import(${JSON.stringify(key)}) });`, ''].join('\n'));
  const esbuild = await import('esbuild');
  const res = await esbuild.build({
    entryPoints: { runner: entryFile },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: out,
    outExtension: { '.js': '.mjs' },
    write: true,
    logLevel: 'silent',
    metafile: true,
    plugins: [
      {
        name: 'own-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
            if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
            const src = readFileSync(args.path, 'utf8');
            if (!src.includes('import.meta.url')) return undefined;
            return { contents: src.replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href)), loader: /\.m?ts$/.test(args.path) ? 'ts' : 'js' };
          });
        },
      },
    ],
  });
  const file = path.join(out, 'runner.mjs');
  const cwd = process.cwd();
  const inputs: Built['inputs'] = [];
  for (const p of Object.keys(res.metafile!.inputs)) {
    if (p.includes('node_modules/')) continue;
    const abs = path.resolve(cwd, p);
    if (abs === entryFile) continue;
    const s = statSync(abs);
    inputs.push([abs, s.size, s.mtimeMs]);
  }
  built.set(key, { file, inputs });
  return file;
}
