/**
 * A student's module loaded into this process as the grader compiles it (`dlspec check --submission`).
 *
 * Importing a student's `.ts` file directly fails outside this repository: no package.json with
 * `"type": "module"` is above it, so Node classifies it as CommonJS; the CLI registers only tsx's
 * ESM hooks, so Node's CommonJS loader meets the file's ESM syntax, loads it with require(esm) and
 * re-enters the ES module it is already importing (ERR_REQUIRE_CYCLE_MODULE, even for a one-file
 * module).  Its package imports (@tensorflow/tfjs, ml-matrix) would not resolve there either.  So
 * the folder is compiled like the grader's: copied, bundled by esbuild into one ES module
 * (strict.ts compileSubmission: same import rules, the allowed packages read from dlspec's own
 * node_modules), and that bundle is imported.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { compileSubmission } from './strict.ts';

/** A submission that does not compile or load; the message names the problem. */
export class SubmissionLoadError extends Error {}

/** The exports of the submission whose entry module is `entry` (its folder is what may be imported). */
export async function importSubmission(entry: string): Promise<Record<string, unknown>> {
  // the compiled copy stays until the process exits (workspace.ts): the student's code may read
  // files beside it whenever the checks call it
  const compiled = await compileSubmission(entry, path.dirname(entry));
  if (compiled.error || !compiled.file) throw new SubmissionLoadError(compiled.error ?? 'your code could not be compiled');
  try {
    return { ...((await import(pathToFileURL(compiled.file).href)) as Record<string, unknown>) };
  } catch (e) {
    throw new SubmissionLoadError(`your module threw while loading: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}
