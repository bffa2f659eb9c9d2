/**
 * How many known-wrong fixtures each claim rejects (every default-suite claim must reject ≥ 3).
 *
 *   npx tsx scripts/known-wrong-counts.mts          # claim, tags, count; a '<' marks default claims under 3
 *
 * Exits 1 when a default-suite claim (no tags) has fewer than 3, or a fixture names an unknown claim.
 */
import { topics } from '../src/registry.ts';

let bad = 0;
for (const t of topics) {
  for (const c of t.claims) {
    const n = t.knownWrong.filter((w) => w.rejectedBy.includes(c.id)).length;
    const under = !c.tags?.length && n < 3;
    if (under) bad++;
    console.log(`${c.id}\t${(c.tags ?? []).join(',') || '-'}\t${n}${under ? '\t<' : ''}`);
  }
  for (const w of t.knownWrong) {
    for (const id of w.rejectedBy) {
      if (!t.claims.some((c) => c.id === id)) {
        console.log(`unknown claim ${id} in ${w.file}`);
        bad++;
      }
    }
  }
}
process.exitCode = bad ? 1 : 0;
