/**
 * `dlspec` command line.
 *   dlspec list                 every claim with its course, problem, part and points
 *   dlspec check [--submission DIR] [--seed S] [--topic ID]
 *                               run the claims in-process against the reference or a submission
 */
import { topics } from './claims/registry.ts';
import { makeContext, runClaim } from './claims/run.ts';
import { loadModule, submissionEntry } from './grading/subject.ts';
import { seedFrom } from './verify/rng.ts';

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd = 'help', ...rest] = argv;
  if (cmd === 'list') {
    for (const t of topics) {
      console.log(`${t.title}`);
      for (const c of t.claims) {
        console.log(`  ${c.id.padEnd(28)} ${c.course} ${c.hw} P${c.problem}${c.part ? `.${c.part}` : ''}  ${String(c.points).padStart(4)} pt  ${c.statement}`);
      }
    }
    return 0;
  }
  if (cmd === 'check') {
    const sub = arg(rest, '--submission');
    const seedArg = arg(rest, '--seed');
    const only = arg(rest, '--topic');
    const mod = sub ? await loadModule(submissionEntry(sub)) : undefined;
    let earned = 0, possible = 0, failed = 0;
    for (const t of topics.filter((x) => !only || x.id === only)) {
      for (const c of t.claims) {
        if (c.tags?.length) continue;
        const ctx = makeContext({ seed: seedArg ? seedFrom(seedArg) : undefined, mode: sub ? 'submission' : 'reference' });
        const r = await runClaim(c, mod ?? t.reference, t.contract, ctx);
        earned += r.points;
        possible += r.maxPoints;
        if (!r.passed) failed++;
        console.log(`${r.passed ? 'PASS' : 'FAIL'} ${c.id} ${r.points}/${r.maxPoints}${r.passed ? '' : `\n  ${r.message.replace(/\n/g, '\n  ')}`}`);
      }
    }
    console.log(`${earned}/${possible} points`);
    return failed ? 1 : 0;
  }
  console.log('usage: dlspec list | dlspec check [--submission DIR] [--seed S] [--topic ID]');
  return cmd === 'help' || cmd === '--help' ? 0 : 2;
}

