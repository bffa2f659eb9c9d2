/**
 * The Gradescope autograder bundle (`dlspec gradescope-bundle`).  Gradescope unzips the bundle
 * into /autograder/source, runs `setup.sh` once when it builds the image, then
 * `/autograder/run_autograder` for every submission (the student's files are in
 * /autograder/submission; the results go to /autograder/results/results.json).
 *
 * The zip holds the package itself (package.json, package-lock.json, tsconfig.json, bin/, src/)
 * plus the two scripts.  `AUTOGRADER_ROOT` (default /autograder) lets the scripts run against a
 * fake layout: the spec unzips the bundle into a temporary folder and runs run_autograder there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { Course } from '../claims/types.ts';
import { REPO_ROOT } from './sandbox.ts';

export interface BundleOptions {
  course: Course | 'all';
  /** extra `dlspec grade` options, e.g. ['--tags', 'slow'] */
  gradeArgs?: string[];
  /** Node major version setup.sh installs */
  nodeMajor?: number;
}

export function setupScript(opts: BundleOptions): string {
  return `#!/usr/bin/env bash
# Gradescope: run once when the autograder image is built (Ubuntu base image).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends curl ca-certificates gnupg util-linux
curl -fsSL https://deb.nodesource.com/setup_${opts.nodeMajor ?? 20}.x | bash -
apt-get install -y nodejs
cd "\${AUTOGRADER_ROOT:-/autograder}/source"
# runtime dependencies only (tsx runs the TypeScript; no GPU packages on Gradescope)
npm ci --omit=dev --omit=optional --no-audit --no-fund
`;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function runScript(opts: BundleOptions): string {
  const extra = (opts.gradeArgs ?? []).map(shellQuote).join(' ');
  return `#!/usr/bin/env bash
# Gradescope: run for every submission.  Writes /autograder/results/results.json — always: dlspec
# writes it even when the submission crashes; if node itself cannot start, the fallback below does.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
mkdir -p "$ROOT/results"
rm -f "$ROOT/results/results.json"
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
  for (const d of ['bin', 'src']) walk(d);
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
  add('run_autograder', enc.encode(runScript(opts)), true);
  for (const f of packageFiles(root)) add(f.split(path.sep).join('/'), readFileSync(path.join(root, f)), f.startsWith(`bin${path.sep}`));
  return { zip: zipSync(entries, { level: 6 }), files };
}
