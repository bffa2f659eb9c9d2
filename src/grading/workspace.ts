/**
 * The grader's temporary folders, and the copy of a submission its sandbox reads.
 *
 * Every folder a grading run makes lives under one root per grader process (passed on to its
 * check runners in DLSPEC_TMP_ROOT: see sandbox.ts), so a grader stopped by SIGINT/SIGTERM removes them all.
 * The sandbox never reads the student's folder itself: it reads a copy holding only regular
 * files and folders, so no link it could follow leads anywhere else.
 */
import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let root: string | undefined;
let owned = false;

/** This process's root for temporary folders (made on first use, removed at exit). */
export function tempRoot(): string {
  if (root) return root;
  const inherited = process.env.DLSPEC_TMP_ROOT;
  if (inherited && path.isAbsolute(inherited)) {
    mkdirSync(inherited, { recursive: true });
    root = inherited;
    return root;
  }
  root = mkdtempSync(path.join(tmpdir(), `dlspec-grade-${process.pid}-`));
  chmodSync(root, 0o755); // the sandbox may run as an unprivileged user: it must reach its copy inside
  owned = true;
  const made = root;
  process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  return root;
}

/** A fresh temporary folder under this process's root. */
export function gradingTemp(prefix: string): string {
  const dir = mkdtempSync(path.join(tempRoot(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Remove every temporary folder of this process now (on a signal, before exiting). */
export function removeTempRoot(): void {
  if (root && owned) rmSync(root, { recursive: true, force: true });
}

/** Folders skipped when copying a submission: installed packages and version control. */
const SKIPPED = new Set(['node_modules', '.git', '__pycache__']);

export const SUBMISSION_LIMITS = { files: 5000, bytes: 512 * 2 ** 20 };

/** What is wrong with a submission's files, for the student; thrown by copySubmission. */
export class SubmissionFilesError extends Error {}

/**
 * Copy the submission folder `from` into `to`: regular files and folders only.  A symbolic link,
 * a device, a socket or a pipe anywhere in it refuses the whole submission (a link could lead the
 * sandbox out of its folder), as do more than SUBMISSION_LIMITS files or bytes.
 */
export function copySubmission(from: string, to: string): void {
  const links: string[] = [];
  const odd: string[] = [];
  let files = 0;
  let bytes = 0;
  const walk = (rel: string): void => {
    const src = path.join(from, rel);
    const st = lstatSync(src);
    if (st.isSymbolicLink()) {
      links.push(rel || '.');
      return;
    }
    if (st.isDirectory()) {
      if (rel && SKIPPED.has(path.basename(rel))) return;
      mkdirSync(path.join(to, rel), { recursive: true });
      chmodSync(path.join(to, rel), 0o755); // readable by the sandbox's unprivileged user, whatever the upload's modes
      for (const n of readdirSync(src).sort()) walk(path.join(rel, n));
      return;
    }
    if (!st.isFile()) {
      odd.push(rel);
      return;
    }
    files++;
    bytes += st.size;
    if (files > SUBMISSION_LIMITS.files) throw new SubmissionFilesError(`your submission has more than ${SUBMISSION_LIMITS.files} files: hand in only your code and the files it reads`);
    if (bytes > SUBMISSION_LIMITS.bytes) throw new SubmissionFilesError(`your submission is larger than ${SUBMISSION_LIMITS.bytes / 2 ** 20} MB: hand in only your code and the files it reads`);
    copyFileSync(src, path.join(to, rel));
    chmodSync(path.join(to, rel), 0o644);
  };
  walk('');
  const show = (xs: string[]): string => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? `, … (${xs.length} in all)` : ''}`;
  if (links.length) throw new SubmissionFilesError(`your submission contains symbolic links (${show(links)}); links are not graded: replace each with the file itself`);
  if (odd.length) throw new SubmissionFilesError(`your submission contains entries that are not regular files or folders (${show(odd)}): remove them`);
}
