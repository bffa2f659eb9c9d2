/**
 * Standalone submission folders built at test time, so that each can be graded in isolation
 * (the permission model will let the child read only the submission's folder):
 *
 *   knownWrongSubmission(w) = a copy of fixtures/submissions/reference
 *                             + the known-wrong fixture's folder (fixtures/wrong/<topic>/)
 *                             + an index.ts exporting everything from the reference except the
 *                               names the wrong module exports, which come from it.
 *
 * (An explicit `export { a } from …` takes precedence over `export * from …` in ES modules and in
 * esbuild's CommonJS output alike.)
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KnownWrong } from '../claims/types.ts';
import { REPO_ROOT } from './sandbox.ts';
import { loadModule } from './subject.ts';

export const REFERENCE_SUBMISSION = path.join(REPO_ROOT, 'fixtures/submissions/reference');
export const EMPTY_SUBMISSION = path.join(REPO_ROOT, 'fixtures/submissions/empty');

/** A fresh temporary folder (removed by `cleanup`). */
export function tempFolder(prefix = 'dlspec-sub-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A submission folder holding `files` (name → source). */
export function writeSubmission(files: Record<string, string>, dir = tempFolder()): string {
  for (const [name, text] of Object.entries(files)) {
    const p = path.join(dir, name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

/** The reference submission with the known-wrong module `w` overlaid (see the file comment). */
export async function knownWrongSubmission(w: KnownWrong, dir = tempFolder()): Promise<string> {
  return knownWrongBundle([w], dir);
}

/** Copy the sub-folders of `src` (data such as trained networks, not modules) to `dir`, unless there already. */
function copyDataFolders(src: string, dir: string): void {
  for (const e of readdirSync(src, { withFileTypes: true })) {
    if (e.isDirectory() && !existsSync(path.join(dir, e.name))) cpSync(path.join(src, e.name), path.join(dir, e.name), { recursive: true });
  }
}

/**
 * The reference submission with several known-wrong modules overlaid at once — one per topic,
 * whose exports must not overlap — so that a single grading run checks them all: each must cost
 * exactly its own claims.  Fixture i's folder is copied to `wrong/` (one fixture) or `wrong-i/`.
 */
export async function knownWrongBundle(ws: KnownWrong[], dir = tempFolder()): Promise<string> {
  cpSync(REFERENCE_SUBMISSION, path.join(dir, 'reference'), { recursive: true });
  const header: string[] = [];
  const lines: string[] = [`export * from './reference/index.ts';`];
  const taken = new Map<string, string>();
  for (const [i, w] of ws.entries()) {
    const file = path.resolve(REPO_ROOT, w.file);
    const names = Object.keys(await loadModule(file)).filter((n) => n !== 'default');
    for (const n of names) {
      if (taken.has(n)) throw new Error(`knownWrongBundle: ${w.file} and ${taken.get(n)} both export \`${n}\``);
      taken.set(n, w.file);
    }
    const sub = ws.length === 1 ? 'wrong' : `wrong-${i}`;
    cpSync(path.dirname(file), path.join(dir, sub), { recursive: true });
    // a fixture may re-export the parts it gets right from the reference submission
    // (`../../submissions/reference/<topic>.ts`): point that at the copy inside this folder
    for (const f of readdirSync(path.join(dir, sub))) {
      if (!/\.(m?[jt]s)$/.test(f)) continue;
      const p = path.join(dir, sub, f);
      const text = readFileSync(p, 'utf8');
      if (text.includes('../../submissions/reference/')) writeFileSync(p, text.split('../../submissions/reference/').join('../reference/'));
    }
    header.push(`// the reference, with ${w.mistake} (${w.file}) in place of: ${names.join(', ')}`);
    lines.push(`export { ${names.join(', ')} } from './${sub}/${path.basename(file)}';`);
  }
  writeFileSync(path.join(dir, 'index.ts'), [...header, ...lines, ''].join('\n'));
  // files the modules name by paths relative to the submission's folder (trained networks): the
  // reference's and each fixture's folders of data, at the bundle's top
  for (const src of [REFERENCE_SUBMISSION, ...ws.map((w) => path.dirname(path.resolve(REPO_ROOT, w.file)))]) copyDataFolders(src, dir);
  return dir;
}

export const PY_REFERENCE_SUBMISSION = path.join(REPO_ROOT, 'fixtures/submissions/reference-py');

/** The Python twin of a known-wrong fixture (same mistake, written in Python), derived from its id. */
export const pythonTwin = (topicId: string, w: KnownWrong): string => path.join(REPO_ROOT, 'fixtures/wrong-py', topicId, `${w.mistake}.py`);

/**
 * The Python reference package with Python twins overlaid: `reference/` is a copy of
 * fixtures/submissions/reference-py, twin i is `wrong_i.py` (a twin may import the reference's
 * helpers with `from .reference.<topic> import …`), and `__init__.py` exports the reference and
 * then each twin, whose names replace the reference's.  Twins of different topics do not overlap.
 */
export function pythonWrongBundle(twins: string[], dir = tempFolder()): string {
  cpSync(PY_REFERENCE_SUBMISSION, path.join(dir, 'reference'), { recursive: true });
  const lines = ['from .reference import *  # noqa: F401,F403'];
  twins.forEach((f, i) => {
    cpSync(f, path.join(dir, `wrong_${i}.py`));
    lines.push(`from .wrong_${i} import *  # noqa: F401,F403  (${path.relative(REPO_ROOT, f)})`);
  });
  writeFileSync(path.join(dir, '__init__.py'), `${lines.join('\n')}\n`);
  copyDataFolders(PY_REFERENCE_SUBMISSION, dir);
  return dir;
}

export const ADVERSARIAL_DIR = path.join(REPO_ROOT, 'fixtures/adversarial');

/**
 * A copy of the adversarial case `fixtures/adversarial/<name>/` in a fresh folder, with its
 * placeholders filled in: `__REPO__` (this repository: what the attack tries to read or import),
 * and any others given (`__MARK__`: a folder the spec watches, `__PORT__`: a port it listens on).
 */
export function adversarialSubmission(name: string, values: Record<string, string> = {}, dir = tempFolder()): string {
  cpSync(path.join(ADVERSARIAL_DIR, name), dir, { recursive: true });
  const subs: Record<string, string> = { __REPO__: REPO_ROOT, ...values };
  for (const f of readdirSync(dir)) {
    if (!/\.(m?[jt]s|json|py)$/.test(f)) continue;
    const p = path.join(dir, f);
    let text = readFileSync(p, 'utf8');
    for (const [k, v] of Object.entries(subs)) text = text.split(k).join(v);
    writeFileSync(p, text);
  }
  return dir;
}
