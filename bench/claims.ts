/** Time to check every default-suite claim against the reference, per topic. */
import { topics } from '../src/registry.ts';
import { makeContext, runClaim } from '../src/claims/run.ts';
import { initBackend } from '../src/backend.ts';
import { REFERENCE_SUBMISSION } from '../src/grading/fixtures.ts';

export async function bench(): Promise<void> {
  const info = await initBackend();
  console.log(`backend: ${info.name}`);
  let total = 0;
  for (const t of topics) {
    const t0 = performance.now();
    let n = 0;
    for (const c of t.claims) {
      if (c.tags?.length) continue;
      const r = await runClaim(c, t.reference, t.contract, makeContext({ filesRoot: REFERENCE_SUBMISSION }));
      if (!r.passed) console.log(`  ! ${c.id} failed: ${r.message.split('\n')[0]}`);
      n++;
    }
    const ms = performance.now() - t0;
    total += ms;
    console.log(`  ${t.id.padEnd(14)} ${String(n).padStart(3)} claims  ${(ms / 1000).toFixed(2)} s`);
  }
  console.log(`  all topics: ${(total / 1000).toFixed(2)} s`);
}
