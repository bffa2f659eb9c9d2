/**
 * Does every default-suite claim hold for the key's own answers under students' seeds?  A claim that
 * rejects the key for some seed sends that student's item to staff review (0 points until then).
 * Runs each claim on the key in-process for N student ids at the grader's case scale:
 *   npx tsx scripts/seed-sweep.mts [N=20] [topic,…]
 */
import { topics } from '../src/registry.ts';
import { makeContext, runClaim } from '../src/claims/run.ts';
import { GRADE_RUN_SCALE } from '../src/grading/grade.ts';
import { REFERENCE_SUBMISSION } from '../src/grading/fixtures.ts';
import { seedFrom } from '../src/verify/rng.ts';

const n = Number(process.argv[2] ?? 20);
const only = process.argv[3]?.split(',');
const bad: string[] = [];
for (let i = 0; i < n; i++) {
  const id = `student-${i}`;
  const seed = seedFrom(id);
  for (const t of topics.filter((x) => !only || only.includes(x.id))) {
    for (const c of t.claims) {
      if (c.tags?.length) continue;
      const r = await runClaim(c, t.reference, t.contract, makeContext({ seed, mode: 'reference', runScale: GRADE_RUN_SCALE, filesRoot: REFERENCE_SUBMISSION }));
      if (!r.passed) {
        bad.push(`${c.id} @ ${id} (seed ${seed}): ${r.message.split('\n')[0].slice(0, 200)}`);
        console.error(bad[bad.length - 1]);
      }
    }
  }
  console.error(`${id} done`);
}
console.log(`${n} seeds × the default claims: ${bad.length} rejections of the key${bad.length ? `\n${bad.join('\n')}` : ''}`);
process.exitCode = bad.length ? 1 : 0;
