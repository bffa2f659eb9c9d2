/**
 * `dlspec` command line.
 *   dlspec list                 every claim with its course, problem, part and points
 *   dlspec check [--submission DIR] [--seed S] [--topic ID]
 *                               run the claims in-process against the reference or a submission
 *   dlspec grade DIR [--out results.json] [--course CIE6032|ELEG5491|CSE891|CSC421|all]
 *                    [--format text|md|json] [--seed S | --student-id ID] [--tags slow,gpu]
 *                    [--topic ID[,ID]] [--scale X] [--timeout-ms N] [--memory-mb N] [--parallel N] [--isolation strict|process] [--verbose]
 *                               grade a student's folder in a child process; writes Gradescope's results.json
 *   dlspec key [--out answer-key.md] [--tags slow,gpu] [--topic ID[,ID]] [--out-dir out]
 *                               the answer key: answers, evidence measured by this run, figures
 *   dlspec grade-all FOLDER [--out-dir grades] [--jobs N] [--course C] [--same-seed | --seed S] …
 *                               every sub-folder of FOLDER, in parallel: scores.csv + results.json each
 *   dlspec gradescope-bundle [--out autograder.zip] [--course C] [--tags …] [--topic ID,...]
 *                               the zip Gradescope runs (setup.sh, run_autograder, the package)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Course, Tag, Topic } from './claims/types.ts';

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

const list = (s: string | undefined): string[] | undefined => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

const USAGE = `usage:
  dlspec list
  dlspec check [--submission DIR] [--seed S] [--topic ID]
  dlspec grade DIR [--out results.json] [--course CIE6032|ELEG5491|CSE891|CSC421|all] [--format text|md|json]
                   [--seed S | --student-id ID] [--tags slow,gpu] [--topic ID,...] [--scale X]
                   [--timeout-ms N] [--memory-mb N] [--parallel N] [--isolation strict|process] [--verbose]
  dlspec key [--out answer-key.md] [--tags slow,gpu] [--topic ID,...] [--out-dir out]
  dlspec grade-all FOLDER [--out-dir grades] [--jobs N] [--course C] [--same-seed | --seed S] [--tags …] [--scale X]
  dlspec gradescope-bundle [--out autograder.zip] [--course C] [--tags …] [--topic ID,...]`;

function writeFile(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

async function grade(rest: string[]): Promise<number> {
  const dir = rest[0] && !rest[0].startsWith('--') ? rest[0] : undefined;
  const out = arg(rest, '--out') ?? 'results.json';
  const format = (arg(rest, '--format') ?? 'text') as 'text' | 'md' | 'json';
  const course = (arg(rest, '--course') ?? 'all') as Course | 'all';
  if (!dir || !['text', 'md', 'json'].includes(format) || !['CIE6032', 'ELEG5491', 'CSE891', 'CSC421', 'all'].includes(course)) {
    console.error(USAGE);
    return 2;
  }
  const t0 = performance.now();
  const { gradeSubmission, gradescopeResults, crashResults } = await import('./grading/grade.ts');
  const { formatReport } = await import('./grading/format.ts');
  try {
    const num = (n: string): number | undefined => (arg(rest, n) !== undefined ? Number(arg(rest, n)) : undefined);
    const report = await gradeSubmission(dir, {
      course,
      seed: arg(rest, '--seed'),
      studentId: arg(rest, '--student-id'),
      includeTags: list(arg(rest, '--tags')) as Tag[] | undefined,
      topicIds: list(arg(rest, '--topic')),
      runScale: num('--scale'),
      topicsModule: arg(rest, '--topics-module'),
      parallel: num('--parallel'),
      sandbox: {
        ...(num('--timeout-ms') ? { defaultTimeoutMs: num('--timeout-ms') } : {}),
        ...(num('--memory-mb') ? { memoryMb: num('--memory-mb') } : {}),
        ...(arg(rest, '--isolation') ? { isolation: arg(rest, '--isolation') as 'strict' | 'process' } : {}),
      },
    });
    if (out !== '-') writeFile(out, `${JSON.stringify(gradescopeResults(report), null, 2)}\n`);
    console.log(formatReport(report, format, { verbose: rest.includes('--verbose') }));
    if (out !== '-' && format !== 'json') console.log(`results.json written to ${path.resolve(out)}`);
    return 0;
  } catch (e) {
    // the grader itself failed: still leave a results.json that says so
    if (out !== '-') writeFile(out, `${JSON.stringify(crashResults((e as Error).stack ?? String(e), (performance.now() - t0) / 1000), null, 2)}\n`);
    console.error(`dlspec grade failed: ${(e as Error).stack ?? String(e)}`);
    return 3;
  }
}

async function gradeAllCmd(rest: string[]): Promise<number> {
  const folder = rest[0] && !rest[0].startsWith('--') ? rest[0] : undefined;
  const course = (arg(rest, '--course') ?? 'all') as Course | 'all';
  if (!folder) {
    console.error(USAGE);
    return 2;
  }
  const { gradeAll, progressLine } = await import('./grading/batch.ts');
  const t0 = performance.now();
  let errors = 0;
  const tty = process.stderr.isTTY;
  const res = await gradeAll(folder, {
    course,
    outDir: arg(rest, '--out-dir'),
    jobs: arg(rest, '--jobs') ? Number(arg(rest, '--jobs')) : undefined,
    sameSeed: rest.includes('--same-seed'),
    seed: arg(rest, '--seed'),
    includeTags: list(arg(rest, '--tags')) as Tag[] | undefined,
    topicIds: list(arg(rest, '--topic')),
    runScale: arg(rest, '--scale') ? Number(arg(rest, '--scale')) : undefined,
    topicsModule: arg(rest, '--topics-module'),
    ...(arg(rest, '--isolation') ? { sandbox: { isolation: arg(rest, '--isolation') as 'strict' | 'process' } } : {}),
    onProgress: (done, total, row) => {
      if (row.error) errors++;
      const line = progressLine(done, total, errors, (performance.now() - t0) / 1000);
      if (tty) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
      else console.error(`${line}  ${row.student}: ${row.score} / ${row.possible}${row.error ? ` (${row.error.split('\n')[0]})` : ''}`);
    },
  });
  const perMin = res.rows.length / (res.seconds / 60);
  console.log(`${res.rows.length} submissions graded in ${res.seconds.toFixed(1)} s (${perMin.toFixed(1)} per minute); scores: ${res.csv}; results.json per student under ${res.outDir}`);
  return 0;
}

async function bundleCmd(rest: string[]): Promise<number> {
  const out = arg(rest, '--out') ?? 'autograder.zip';
  const course = (arg(rest, '--course') ?? 'all') as Course | 'all';
  const tags = arg(rest, '--tags');
  const topic = arg(rest, '--topic');
  const { buildBundle } = await import('./grading/gradescope.ts');
  if (topic) {
    // a typo here would give every student 0 / 0 on Gradescope: refuse it now
    const [{ topics }, { badSelection }, { topicMeta }] = await Promise.all([import('./claims/registry.ts'), import('./grading/grade.ts'), import('./grading/rubric.ts')]);
    const bad = badSelection(topics.map(topicMeta), list(topic), undefined, course);
    if (bad) {
      console.error(`dlspec gradescope-bundle: ${bad}`);
      return 2;
    }
  }
  // --topic: one Gradescope assignment per problem set (e.g. --topic rnn,lstm) instead of the whole course
  const { zip, files } = buildBundle({ course, gradeArgs: [...(tags ? ['--tags', tags] : []), ...(topic ? ['--topic', topic] : [])] });
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileSync(out, zip);
  console.log(`Gradescope autograder written to ${path.resolve(out)} (${files.length} files, ${(zip.length / 1024).toFixed(0)} KiB, course ${course})`);
  return 0;
}

async function key(rest: string[], topics: Topic<unknown>[]): Promise<number> {
  const out = arg(rest, '--out') ?? 'answer-key.md';
  const { buildKey, keyMarkdown } = await import('./grading/key.ts');
  const { initBackend } = await import('./backend.ts');
  const backend = await initBackend();
  const entries = await buildKey(topics, {
    includeTags: list(arg(rest, '--tags')) as Tag[] | undefined,
    topicIds: list(arg(rest, '--topic')),
    outDir: arg(rest, '--out-dir'),
    keyPath: out,
    onClaim: (id, r) => console.error(`${r ? (r.passed ? 'holds ' : 'FAILED') : 'not run'} ${id}${r ? ` (${(r.durationMs / 1000).toFixed(2)} s)` : ''}`),
  });
  writeFile(out, keyMarkdown(topics, entries, { keyPath: out, backend: backend.name }));
  const bad = entries.filter((e) => e.result && !e.result.passed);
  console.log(`answer key written to ${path.resolve(out)}: ${entries.length} claims, ${entries.filter((e) => e.result).length} run, ${bad.length} failed`);
  return bad.length ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd = 'help', ...rest] = argv;
  if (cmd === 'grade') return grade(rest);
  if (cmd === 'grade-all') return gradeAllCmd(rest);
  if (cmd === 'gradescope-bundle') return bundleCmd(rest);
  // key with its own topics module: the registry (and tfjs) is not loaded (≈3 s of CPU)
  const own = cmd === 'key' ? arg(rest, '--topics-module') : undefined;
  if (own) return key(rest, (await import(pathToFileURL(path.resolve(own)).href)).topics);
  // the other commands run the claims in this process: load them (and tfjs) only for those
  const { topics } = await import('./claims/registry.ts');
  const { makeContext, runClaim } = await import('./claims/run.ts');
  const { loadModule, submissionEntry } = await import('./grading/subject.ts');
  const { seedFrom } = await import('./verify/rng.ts');
  if (cmd === 'key') return key(rest, topics);
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
  console.log(USAGE);
  return cmd === 'help' || cmd === '--help' ? 0 : 2;
}

