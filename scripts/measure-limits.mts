/**
 * Measures how long each claim takes on the key's own submission, as the grader runs it (strict
 * sandbox, the grader's case scale), and writes src/grading/limits.json: the grader's per-item time
 * limits are derived from these (see src/grading/limits.ts).  Run on the 2-core machine, quiet:
 *   npx tsx scripts/measure-limits.mts [runs=3]
 * Each claim keeps its slowest of `runs` gradings.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REFERENCE_SUBMISSION } from '../src/grading/fixtures.ts';
import { GRADE_RUN_SCALE, gradeSubmission } from '../src/grading/grade.ts';
import { LIMITS_FILE } from '../src/grading/limits.ts';

const runs = Number(process.argv[2] ?? 3);
const ms: Record<string, number> = {};
for (let i = 0; i < runs; i++) {
  const r = await gradeSubmission(REFERENCE_SUBMISSION, { course: 'all', parallel: 1 });
  const failed = Object.values(r.claims).filter((c) => c.status === 'failed');
  if (failed.length) throw new Error(`the reference failed ${failed.map((c) => c.id).join(', ')}: fix that first`);
  for (const c of Object.values(r.claims)) if (c.status === 'passed') ms[c.id] = Math.max(ms[c.id] ?? 0, Math.ceil(c.durationMs));
  console.error(`run ${i + 1}/${runs}: ${r.executionTime.toFixed(1)} s`);
}
const sorted = Object.fromEntries(Object.entries(ms).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(LIMITS_FILE, `${JSON.stringify({ runScale: GRADE_RUN_SCALE, runs, referenceMs: sorted }, null, 2)}\n`);
console.log(`${Object.keys(sorted).length} claims measured; slowest ${Math.max(...Object.values(sorted))} ms; written to ${path.relative(process.cwd(), LIMITS_FILE)}`);
