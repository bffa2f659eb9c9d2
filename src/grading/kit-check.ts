/**
 * The student kit's checker: the code of the kit's `check.mjs` (student-kit.ts bundles it with the
 * course's visible checks).  It loads a student's folder with Node alone (kit-loader.ts), runs each
 * check in this process at the grader's seed and case scale, and prints the grader's feedback for
 * each item: the same message on a failure, the same measured evidence on a pass.
 *
 * A check of the kit never reads the answer key: the key's modules are stubs in the kit (student-kit.ts)
 * that throw KEY_NEEDED.  Where a student's answer leads a check to one of them (a case the build never
 * met), the item is reported as not checked here, never as a failure.
 */
import { makeContext, missingExports, REFERENCE_SEED, runClaim, type ClaimResult } from '../claims/run.ts';
import type { Claim, ContractSpec } from '../claims/types.ts';
import { KEY_NEEDED } from '../verify/failure.ts';
import { seedFrom } from '../verify/rng.ts';
import { KitLoadError, loadStudentModule } from './kit-loader.ts';
import { fmtNumber, plainText, summarizeEvidence } from './text.ts';

/** The text of the error a stub of the key throws (the kit's checker recognises it in a message). */
export { KEY_NEEDED };
/** What a known mistake's name reads as in the kit (its name is the grader's: many state the right relation). */
export const MISTAKE_WITHHELD = 'a known mistake, which the feedback names when your work is graded';

export interface KitTopic {
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  contract: ContractSpec<any>;
  /** the topic's claims (those left out of the kit are undefined or filtered out) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  claims: (Claim<any> | undefined)[];
}

/** One rubric item the kit checks. */
export interface KitItem {
  id: string;
  number: string;
  problem: number;
  part?: string;
  points: number;
  extraCredit: boolean;
  /** time limit (ms) of an asynchronous check; a synchronous endless loop cannot be stopped in-process */
  timeoutMs: number;
}

export interface KitMeta {
  course: string;
  title: string;
  runScale: number;
  items: KitItem[];
  /** items graded on submission only: number, id, topic and the exports their check calls */
  leftOut: { number: string; id: string; topicId: string; uses: string[] }[];
  entryNames: string[];
  /** the packages the grader lets a submission import */
  allowed: string[];
}

/** What the checker needs of the world: output and the kit's packages. */
export interface KitIo {
  out(line: string): void;
  err(line: string): void;
  /** package name → URL of the kit's copy */
  packages: Record<string, string>;
}

const HELP = (meta: KitMeta): string =>
  [
    `usage: node check.mjs <folder> [--student-id ID | --seed S] [--only ID[,ID]]`,
    '',
    `Runs the ${meta.items.length} checks of ${meta.title} that need no answer key on your folder (its ${meta.entryNames.join(', ')}),`,
    `with the grader's feedback. --student-id ID checks the variant the grader draws from that id (on Gradescope the id is`,
    `Gradescope's own, not yours to know: --seed S checks other variants).`,
  ].join('\n');

interface Args {
  folder?: string;
  seed: number;
  seedText: string;
  only?: string[];
  help?: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[], meta: KitMeta): Args {
  const a: Args = { seed: REFERENCE_SEED, seedText: `${REFERENCE_SEED} (the key's)` };
  const value = (i: number, flag: string, meta2: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.trim() === '' || v.startsWith('--')) throw new UsageError(`${flag} has no value; expected ${flag} ${meta2}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '-h' || x === '--help') a.help = true;
    else if (x === '--student-id') {
      const v = value(i++, x, 'ID');
      a.seed = seedFrom(v);
      a.seedText = `${a.seed} (student id ${v})`;
    } else if (x === '--seed') {
      const v = value(i++, x, '<number or text>');
      a.seed = /^\d+$/.test(v) ? seedFrom(Number(v)) : seedFrom(v);
      a.seedText = String(a.seed);
    } else if (x === '--only') {
      a.only = value(i++, x, 'ID[,ID]')
        .split(',')
        .map((s) => s.trim());
      const unknown = a.only.filter((id) => !meta.items.some((it) => it.id === id || it.number === id));
      if (unknown.length) throw new UsageError(`--only got ${unknown.map((u) => JSON.stringify(u)).join(', ')}; expected item ids or numbers of this kit: ${meta.items.map((it) => it.id).join(', ')}`);
    } else if (x.startsWith('-')) throw new UsageError(`unknown option ${JSON.stringify(x)}; expected --student-id, --seed, --only or --help`);
    else if (a.folder === undefined) a.folder = x;
    else throw new UsageError(`unexpected argument ${JSON.stringify(x)}; expected one folder: node check.mjs <folder>`);
  }
  return a;
}

/** The student's entry module in `p` (a folder or one module file). */
async function entryOf(p: string, meta: KitMeta): Promise<string> {
  const { existsSync, statSync } = await import('node:fs');
  const path = await import('node:path');
  const abs = path.resolve(p);
  if (!existsSync(abs)) throw new UsageError(`${JSON.stringify(p)} not found; expected your submission folder (with ${meta.entryNames.join(', ')})`);
  const python = (what: string): UsageError =>
    new UsageError(`${what} Python: this checker runs TypeScript and JavaScript only; a Python submission is checked when it is graded (hand it in to read its feedback)`);
  if (statSync(abs).isFile() && abs.endsWith('.py')) throw python(`${JSON.stringify(p)} is`);
  if (statSync(abs).isFile()) {
    if (!/\.(ts|mts|js|mjs)$/.test(abs)) throw new UsageError(`${JSON.stringify(p)} is not a module; expected your submission folder or its .ts/.js module`);
    return abs;
  }
  for (const n of meta.entryNames) {
    if (!existsSync(path.join(abs, n)) || !statSync(path.join(abs, n)).isFile()) continue;
    if (n.endsWith('.py')) throw python(`${JSON.stringify(p)} holds ${n}, which is`);
    return path.join(abs, n);
  }
  throw new UsageError(`${JSON.stringify(p)} has no module; expected a folder with one of ${meta.entryNames.join(', ')}`);
}

/** One line of evidence for a pass, as the grader prints it. */
export const evidenceLine = summarizeEvidence;

export type KitStatus = 'passed' | 'failed' | 'not-checked';

/** A result as the kit reports it: the grader's text, or "not checked here" where a check reached a stub of the key. */
export function kitOutcome(r: ClaimResult): { status: KitStatus; output: string } {
  if (r.passed) {
    const ev = evidenceLine(r.evidence);
    return { status: 'passed', output: ev ? `passed — measured: ${ev}` : 'passed' };
  }
  if (r.message.includes(KEY_NEEDED)) return { status: 'not-checked', output: 'not checked here: for your answer this check needs the answer key; it is graded on submission' };
  return { status: 'failed', output: plainText(r.message) };
}

function claimsById(topics: KitTopic[]): Map<string, { topic: KitTopic; claim: Claim<unknown> }> {
  const m = new Map<string, { topic: KitTopic; claim: Claim<unknown> }>();
  for (const topic of topics) for (const claim of topic.claims) if (claim) m.set(claim.id, { topic, claim });
  return m;
}

/** What is left of the starter in export `name` (its stub, an empty formula, NaN): nothing once it is answered. */
function stubbed(name: string, v: unknown): string[] {
  if (typeof v === 'function' && Function.prototype.toString.call(v).includes(`not implemented: ${name}`)) return [`\`${name}\` is still the starter's stub (it throws "not implemented")`];
  if (v === '') return [`\`${name}\` is still empty: write your formula`];
  if (typeof v === 'number' && Number.isNaN(v)) return [`\`${name}\` is still NaN: write your number`];
  return [];
}

/** Run one item on `impl` at `seed`, as the grader's check runner does. */
async function runItem(found: { topic: KitTopic; claim: Claim<unknown> }, impl: Record<string, unknown>, seed: number, item: KitItem, runScale: number): Promise<ClaimResult> {
  const ctx = makeContext({ seed, mode: 'submission', runScale });
  return runClaim(found.claim, impl, found.topic.contract, ctx, { timeoutMs: item.timeoutMs });
}

const pts = (x: number): string => fmtNumber(Math.round(x * 1000) / 1000);
const indent = (s: string, pad: string): string =>
  s
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

/** The checker's command line: `node check.mjs <folder>`.  Returns the exit code: 0 every item
 *  passed, 1 some did not, 2 a mistake in the command line. */
export async function kitMain(argv: string[], topics: KitTopic[], meta: KitMeta, io: KitIo): Promise<number> {
  let args: Args;
  let entry: string;
  try {
    args = parseArgs(argv, meta);
    if (args.help) {
      io.out(HELP(meta));
      return 0;
    }
    if (args.folder === undefined) throw new UsageError(`no folder given; expected node check.mjs <folder> (your submission folder, with ${meta.entryNames.join(', ')})`);
    entry = await entryOf(args.folder, meta);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`check.mjs: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const t0 = performance.now();
  let impl: Record<string, unknown> | undefined;
  let loadError: string | undefined;
  try {
    impl = await loadStudentModule(entry, { packages: io.packages, allowed: meta.allowed });
  } catch (e) {
    loadError = e instanceof KitLoadError ? e.message : `your module could not be loaded: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
  const byId = claimsById(topics);
  const items = meta.items.filter((it) => !args.only || args.only.includes(it.id) || args.only.includes(it.number));
  io.out(`dlspec student checker: ${meta.title}`);
  io.out(`  module ${entry} · seed ${args.seedText} · case scale ${meta.runScale}`);
  if (loadError) io.out(`  Your module could not be graded: ${plainText(loadError)}`);
  io.out('');
  let passed = 0,
    failed = 0,
    notChecked = 0,
    earned = 0,
    possible = 0;
  let problem: number | undefined;
  for (const it of items) {
    if (it.problem !== problem) {
      problem = it.problem;
      io.out(`  Problem ${problem}`);
    }
    const found = byId.get(it.id);
    let status: KitStatus;
    let output: string;
    if (loadError || !impl || !found) {
      status = 'failed';
      output = plainText(loadError ?? `this check is missing from the kit (${it.id})`);
    } else {
      ({ status, output } = kitOutcome(await runItem(found, impl, args.seed, it, meta.runScale)));
    }
    if (!it.extraCredit) possible += it.points;
    if (status === 'passed') {
      passed++;
      earned += it.points;
    } else if (status === 'failed') failed++;
    else notChecked++;
    const mark = status === 'passed' ? 'PASS' : status === 'failed' ? 'FAIL' : 'N/A ';
    const p = `${pts(status === 'passed' ? it.points : 0)}/${pts(it.points)}`.padStart(7);
    io.out(`    ${it.number.padEnd(7)} ${mark} ${p}  ${it.id}${it.part ? ` (part ${it.part})` : ''}${it.extraCredit ? ' [extra credit]' : ''}`);
    if (status !== 'passed') io.out(indent(output, '                     '));
  }
  // the items graded on submission only: here, only whether the exports their check calls are there
  // (the grader's own message when one is missing or of the wrong kind) and no longer the starter's stubs
  let missing = 0;
  if (meta.leftOut.length && !args.only && impl) {
    io.out('');
    io.out('  Graded on submission only (README.md says why); the exports they call:');
    for (const l of meta.leftOut) {
      const topic = topics.find((t) => t.id === l.topicId);
      const problems = topic ? [...missingExports(impl, topic.contract, l.uses), ...l.uses.flatMap((u) => stubbed(u, impl![u]))] : [];
      if (problems.length) missing++;
      io.out(`    ${l.number.padEnd(7)} ${problems.length ? 'FAIL' : 'ok  '}  ${l.id}${problems.length ? '' : `: ${l.uses.map((u) => `\`${u}\``).join(', ') || 'none'}`}`);
      if (problems.length) io.out(indent(plainText(problems.join('\n')), '                     '));
    }
  }
  io.out('');
  io.out(
    `${passed} of ${items.length} checks passed${failed ? `, ${failed} failed` : ''}${notChecked ? `, ${notChecked} not checked here` : ''} · ${pts(earned)} / ${pts(possible)} points of the items checked here${missing ? ` · ${missing} item(s) graded on submission miss an export` : ''} · ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return failed || missing ? 1 : 0;
}

/** What the kit's build measures of each check on one module. */
export interface ProbeRow {
  input: string;
  id: string;
  passed: boolean;
  message: string;
  seconds: number;
}

/**
 * The build's measurement (student-kit.ts): each check on each module.  The build's stubs of the
 * key end the process at their first use (after `onStart` named the check), so a check that
 * reaches the key is known at once, whatever it would have done with the error.
 */
export async function kitProbe(
  topics: KitTopic[],
  inputs: { name: string; file: string; root: string; ids: string[] }[],
  opts: { seed: number; runScale: number; packages: Record<string, string>; allowed: string[]; cacheDir?: string; onStart(input: string, id: string): void; onRow(row: ProbeRow): void },
): Promise<void> {
  const byId = claimsById(topics);
  for (const input of inputs) {
    if (!input.ids.length) continue;
    let impl: Record<string, unknown> | undefined;
    let loadError = '';
    opts.onStart(input.name, '');
    try {
      impl = await loadStudentModule(input.file, { packages: opts.packages, allowed: opts.allowed, root: input.root, cacheDir: opts.cacheDir });
    } catch (e) {
      loadError = `the module could not be loaded: ${(e as Error).message}`;
    }
    for (const id of input.ids) {
      const found = byId.get(id);
      if (!found || !impl) {
        opts.onRow({ input: input.name, id, passed: false, message: loadError || `no check ${id}`, seconds: 0 });
        continue;
      }
      opts.onStart(input.name, id);
      const t0 = performance.now();
      const r = await runClaim(found.claim, impl, found.topic.contract, makeContext({ seed: opts.seed, mode: 'submission', runScale: opts.runScale }));
      opts.onRow({ input: input.name, id, passed: r.passed, message: r.message, seconds: (performance.now() - t0) / 1000 });
    }
  }
}
