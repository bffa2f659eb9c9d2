/**
 * Shared by the grader's integration specs on the synthetic topics (spec/grading-topics.ts):
 * a submission folder from source, a grading run of the synthetic topic, temporary folders.
 */
import path from 'node:path';
import { afterAll, vi } from 'vitest';
import { main } from '../src/cli.ts';
import { cleanup } from '../src/grading/fixtures.ts';
import { gradeSubmission, type GradeReport } from '../src/grading/grade.ts';

export const SYNTH = path.resolve('spec/grading-topics.ts');

/** Temporary folders of one spec file, removed after it (call at the file's top level). */
export function tempFolders(): (d: string) => string {
  const temps: string[] = [];
  afterAll(() => temps.forEach(cleanup));
  return (d: string): string => (temps.push(d), d);
}

export const SYNTH_REF = `
export const synthSquare = (x: number): number => x * x;
export const synthParamCount = 'n^2 + n';
export function synthSpin(): number { return 42; }
`;
// one check runner unless a test asks for more: the process counts in the specs are those of one runner
export const gradeSynth = (dir: string, opts: Parameters<typeof gradeSubmission>[1] = {}) => gradeSubmission(dir, { topicsModule: SYNTH, course: 'CSE891', topicIds: ['synth'], parallel: 1, ...opts });
export const status = (r: GradeReport) => Object.fromEntries(Object.values(r.claims).map((c) => [c.id, c.status]));

/** `dlspec …` in this process (cli.ts's main; a spawned dlspec pays node + tsx + its imports again):
 *  exit code and what it printed */
export async function cliInProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [],
    err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(argv), stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
