/**
 * The Gradescope autograder bundle (`dlspec gradescope-bundle`).  Gradescope unzips the bundle
 * into /autograder/source, runs `setup.sh` once when it builds the image, then
 * `/autograder/run_autograder` for every submission (the student's files are in
 * /autograder/submission; the results go to /autograder/results/results.json).
 *
 * The zip holds the package itself (tsconfig.json, bin/, src/, and package.json /
 * package-lock.json pruned to what grading installs: see `NOT_INSTALLED`) plus the scripts:
 * setup.sh (system packages and Node, then install.sh), install.sh (`npm ci` of the pruned
 * lockfile) and run_autograder.  `AUTOGRADER_ROOT` (default /autograder) lets the scripts run
 * against a fake layout: spec/gradescope-install.spec.ts unzips the bundle into a temporary
 * folder, runs install.sh and then run_autograder there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { Course, Visibility } from '../claims/types.ts';
import { REPO_ROOT } from './sandbox.ts';
import { PYTHON_PACKAGES } from './python/sandbox.ts';

export interface BundleOptions {
  /** the course whose rubric Gradescope grades (one assignment = one course) */
  course: Course;
  /** extra `dlspec grade` options, e.g. ['--tags', 'slow'] */
  gradeArgs?: string[];
  /** Node major version setup.sh installs */
  nodeMajor?: number;
  /** the instructor's visibility settings: carried in the zip as visibility.json and passed to every grade */
  visibility?: Record<string, Visibility>;
  /** CIFAR-10's test_batch.bin, carried when the assignment grades trained networks on it (30 MB) */
  cifarTestFile?: string;
}

/** Where the bundle carries CIFAR-10's test set (run_autograder points CIFAR10_DIR at it). */
export const BUNDLED_CIFAR_DIR = 'data/cifar-10-batches-bin';

/**
 * Node 22 LTS: Node 20 is past its end of life, and Node 24 no longer accepts the
 * `--experimental-permission` flag the sandbox starts the student's code with.
 */
export const NODE_MAJOR = 22;

export function setupScript(opts: BundleOptions): string {
  return `#!/usr/bin/env bash
# Gradescope: run once when the autograder image is built (Ubuntu 22.04 base image).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
# util-linux: unshare, the sandbox's network and pid namespaces; Python submissions: ${PYTHON_PACKAGES}
apt-get install -y --no-install-recommends curl ca-certificates gnupg util-linux ${PYTHON_PACKAGES}
curl -fsSL https://deb.nodesource.com/setup_${opts.nodeMajor ?? NODE_MAJOR}.x | bash -
apt-get install -y nodejs
bash "\${AUTOGRADER_ROOT:-/autograder}/source/install.sh"
`;
}

/** The npm part of setup.sh, on its own so that it can be run (and tested) without apt. */
export function installScript(): string {
  return `#!/usr/bin/env bash
# The grader's runtime dependencies, exactly as the bundle's package-lock.json pins them: no
# devDependencies and no GPU backend (pruned from the lockfile); the optional platform binaries
# of esbuild and resvg are kept.  --ignore-scripts: no install step downloads anything.
set -euo pipefail
cd "\${AUTOGRADER_ROOT:-/autograder}/source"
npm ci --omit=dev --ignore-scripts --no-audit --no-fund
`;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function runScript(opts: BundleOptions): string {
  const extra = [...(opts.gradeArgs ?? []), ...(opts.visibility ? ['--visibility', 'visibility.json'] : [])].map(shellQuote).join(' ');
  return `#!/usr/bin/env bash
# Gradescope: run for every submission.  Writes /autograder/results/results.json — always: dlspec
# writes it even when the submission crashes; if node itself cannot start, the fallback below does.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
mkdir -p "$ROOT/results"
rm -f "$ROOT/results/results.json"
# the trained networks of a training problem are evaluated on the test set the bundle carries
if [ -f ${BUNDLED_CIFAR_DIR}/test_batch.bin ]; then export CIFAR10_DIR="$PWD/${BUNDLED_CIFAR_DIR}"; fi
# the student's Gradescope user id seeds their randomized variant
SID=$(node -e 'try { const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(String((m.users && m.users[0] && (m.users[0].id || m.users[0].email)) || "")); } catch { console.log(""); }' "$ROOT/submission_metadata.json")
node bin/dlspec.js grade "$ROOT/submission" --course ${opts.course} --out "$ROOT/results/results.json" \${SID:+--student-id "$SID"} ${extra}
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
  echo '{"score":0,"output":"The autograder could not start (exit status '"$status"'). Please tell the course staff.","tests":[]}' > "$ROOT/results/results.json"
fi
exit 0
`;
}

/**
 * Optional dependencies the bundle does not install: tfjs-node-gpu's install script downloads a
 * CUDA 11 libtensorflow, and Gradescope has no GPU (dlspec falls back to the wasm backend); the
 * WebGPU backend (Dawn prebuilt for every platform: 130 MB) only trains the `gpu` claims, which
 * grading does not run.
 */
export const NOT_INSTALLED = ['@tensorflow/tfjs-node-gpu', 'webgpu', '@tensorflow/tfjs-backend-webgpu'];

type Manifest = Record<string, unknown> & { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; devDependencies?: Record<string, string> };
interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  [k: string]: unknown;
}

/** package.json (or the lockfile's root entry) without devDependencies and without `NOT_INSTALLED`. */
function pruneManifest<M extends Manifest>(m: M): M {
  const out: M = { ...m };
  delete out.devDependencies;
  if (m.optionalDependencies) {
    const opt = Object.fromEntries(Object.entries(m.optionalDependencies).filter(([n]) => !NOT_INSTALLED.includes(n)));
    if (Object.keys(opt).length) out.optionalDependencies = opt;
    else delete out.optionalDependencies;
  }
  return out;
}

/**
 * package.json and package-lock.json (lockfile v2/v3; v2's npm 6 section is dropped) for the
 * bundle: only the packages reachable from the pruned root, found the way Node resolves them (the
 * nearest node_modules up the path), with the dev/optional flags recomputed, so that `npm ci`
 * installs exactly these.
 */
export function prunedManifests(root = REPO_ROOT): { packageJson: string; packageLock: string } {
  const pkg = pruneManifest(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest);
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> } & Record<string, unknown>;
  const all = lock.packages;
  const rootEntry = pruneManifest(all[''] as Manifest) as LockEntry;
  const locate = (from: string, name: string): string | undefined => {
    for (let base = from; ;) {
      const at = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (all[at]) return at;
      if (!base) return undefined;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  // reach: every package; required: those reached through non-optional edges only
  const walk = (optionalToo: boolean): Set<string> => {
    const seen = new Set<string>(['']);
    const todo = [''];
    while (todo.length) {
      const at = todo.pop() as string;
      const e = at ? all[at] : rootEntry;
      const peerOptional = (n: string): boolean => !!e.peerDependenciesMeta?.[n]?.optional;
      const edges: [string, boolean][] = [
        ...Object.keys(e.dependencies ?? {}).map((n): [string, boolean] => [n, false]),
        ...Object.keys(e.optionalDependencies ?? {}).map((n): [string, boolean] => [n, true]),
        ...Object.keys(e.peerDependencies ?? {}).map((n): [string, boolean] => [n, peerOptional(n)]),
      ];
      for (const [name, optional] of edges) {
        if (optional && !optionalToo) continue;
        const to = locate(at, name);
        if (!to) {
          if (!optional) throw new Error(`package-lock.json: ${at || 'the root'} needs ${name}, which the lockfile lacks`);
          continue;
        }
        if (!seen.has(to)) {
          seen.add(to);
          todo.push(to);
        }
      }
    }
    return seen;
  };
  const reach = walk(true);
  const required = walk(false);
  const packages: Record<string, LockEntry> = { '': rootEntry };
  for (const at of Object.keys(all).filter((k) => k && reach.has(k))) {
    const e: LockEntry = { ...all[at] };
    delete e.dev;
    delete e.devOptional;
    delete e.optional;
    if (!required.has(at)) e.optional = true;
    packages[at] = e;
  }
  const { dependencies: _npm6, ...rest } = lock;
  return { packageJson: `${JSON.stringify(pkg, null, 2)}\n`, packageLock: `${JSON.stringify({ ...rest, packages }, null, 2)}\n` };
}

/** Files of the package that the bundle carries (relative paths). */
export function packageFiles(root = REPO_ROOT): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    if (statSync(abs).isDirectory()) {
      for (const n of readdirSync(abs)) if (!n.startsWith('.')) walk(path.join(rel, n));
    } else out.push(rel);
  };
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json']) if (existsSync(path.join(root, f))) out.push(f);
  // the key's own submission folder too: its trained networks are what the grader checks a failed item against
  for (const d of ['bin', 'src', path.join('fixtures', 'submissions', 'reference')]) walk(d);
  return out.sort();
}

const EXEC = (0o100755 << 16) >>> 0;
const FILE = (0o100644 << 16) >>> 0;

/** The zip's bytes. */
export function buildBundle(opts: BundleOptions, root = REPO_ROOT): { zip: Uint8Array; files: string[] } {
  const entries: Zippable = {};
  const files: string[] = [];
  const add = (name: string, data: Uint8Array, exec = false): void => {
    entries[name] = [data, { os: 3, attrs: exec ? EXEC : FILE, mtime: new Date('2026-01-01T00:00:00Z') }];
    files.push(name);
  };
  const enc = new TextEncoder();
  add('setup.sh', enc.encode(setupScript(opts)), true);
  add('install.sh', enc.encode(installScript()), true);
  add('run_autograder', enc.encode(runScript(opts)), true);
  if (opts.visibility) add('visibility.json', enc.encode(`${JSON.stringify(opts.visibility, null, 2)}\n`));
  if (opts.cifarTestFile) add(`${BUNDLED_CIFAR_DIR}/test_batch.bin`, readFileSync(opts.cifarTestFile));
  const { packageJson, packageLock } = prunedManifests(root);
  const pruned: Record<string, string> = { 'package.json': packageJson, 'package-lock.json': packageLock };
  for (const f of packageFiles(root)) {
    const name = f.split(path.sep).join('/');
    add(name, name in pruned ? enc.encode(pruned[name]) : readFileSync(path.join(root, f)), f.startsWith(`bin${path.sep}`));
  }
  return { zip: zipSync(entries, { level: 6 }), files };
}
