/**
 * Files a check reads from the submission's folder (a trained network, a training log): by a path
 * relative to that folder, never outside it, never through a link, at most `maxBytes`.  Every
 * refusal is a ClaimFailure whose message names the file and what was expected.
 */
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fail } from './failure.ts';

export interface SubmissionFiles {
  /** the folder (absolute, links resolved); the first one when several are searched */
  root: string;
  /** the bytes of `rel` (relative to the folder); `what` names the file in messages */
  read(rel: unknown, what: string, maxBytes: number): Uint8Array;
}

/** No folder: a check that reads files says so (a context made without one). */
export const NO_FILES: SubmissionFiles = {
  root: '',
  read(_rel, what) {
    fail(`${what}: this check reads files handed in with the code, and no submission folder was given to read them from`);
  },
};

const MB = (n: number): string => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 2 : 0)} MB`;

/** The files of `folder`; with several folders (a known-wrong fixture's own, then the key's), a path is
 *  looked for in each in turn. */
export function submissionFiles(folder: string | string[]): SubmissionFiles {
  const folders = Array.isArray(folder) ? folder : [folder];
  let roots: string[] | undefined;
  const rootsOf = (): string[] => (roots ??= folders.map((f) => realpathSync(f)));
  const readIn = (base: string, rel: string, r: string, what: string, maxBytes: number): Uint8Array | undefined => {
    let at = base;
    for (const part of r.split('/').filter((p) => p && p !== '.')) {
      at = path.join(at, part);
      let st;
      try {
        st = lstatSync(at);
      } catch {
        return undefined;
      }
      if (st.isSymbolicLink()) fail(`${what}: "${rel}" goes through a symbolic link (${path.relative(base, at)}); links are not read — hand in the file itself`);
    }
    const st = lstatSync(at);
    if (!st.isFile()) fail(`${what}: "${rel}" is not a file`);
    if (st.size > maxBytes) fail(`${what}: "${rel}" is ${MB(st.size)}, over the ${MB(maxBytes)} this file may have`);
    return new Uint8Array(readFileSync(at));
  };
  return {
    get root() {
      return rootsOf()[0];
    },
    read(rel, what, maxBytes) {
      if (typeof rel !== 'string' || rel === '') fail(`${what}: expected a path relative to your submission's folder (a string), got ${JSON.stringify(rel) ?? typeof rel}`);
      const r = rel.replace(/\\/g, '/');
      if (path.isAbsolute(r) || /^[A-Za-z]:/.test(r) || r.split('/').includes('..')) fail(`${what}: "${rel}" must be a path inside your submission's folder, relative to it (no "..", not absolute)`);
      for (const base of rootsOf()) {
        const bytes = readIn(base, rel, r, what, maxBytes);
        if (bytes) return bytes;
      }
      fail(`${what}: "${rel}" is not in your submission; expected the file your training wrote, handed in with your code at that path`);
    },
  };
}
