/**
 * The answer key as a document (`dlspec key`): for every problem and part, the answer as an
 * instructor writes it (Markdown + LaTeX), the evidence measured by this very run of the claims
 * against the reference (errors, counts, confidence intervals, accuracies), and links to the
 * figures under `out/` — what an instructor hands out after the deadline.
 *
 * Claims tagged `slow` or `gpu` are listed with their answer and "not run in this key" unless
 * their tag is included (`--tags slow`).  Figures: files under `out/<topic>/`, files under `out/`
 * whose name starts with a claim id, and any evidence string naming an existing image file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeContext, REFERENCE_SEED, runClaim, type ClaimResult } from '../claims/run.ts';
import type { Claim, Course, EvidenceValue, Tag, Topic } from '../claims/types.ts';
import { fmtPts } from './format.ts';
import { REFERENCE_SUBMISSION } from './fixtures.ts';
import { refsOf, rubricFor, topicMeta } from './rubric.ts';
import { fmtNumber } from './text.ts';
import { FIGURES_KEY } from '../verify/failure.ts';

export interface KeyOptions {
  /** one course's key: only the claims graded in it */
  course?: Course;
  includeTags?: Tag[];
  topicIds?: string[];
  seed?: number;
  /** where figures are looked up (default <cwd>/out) */
  outDir?: string;
  /** the key's own path: figure links are made relative to its folder */
  keyPath?: string;
  /** called after each claim (progress) */
  onClaim?: (id: string, r: ClaimResult | undefined) => void;
}

export interface KeyEntry {
  topicId: string;
  claim: Claim<unknown>;
  result?: ClaimResult;
  skipped?: string;
  figures: string[];
}

const IMAGE = /\.(png|svg|jpe?g|gif|webp)$/i;

function listFiles(dir: string, depth = 3): string[] {
  if (!existsSync(dir) || depth < 0) return [];
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = path.join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listFiles(p, depth - 1));
    else out.push(p);
  }
  return out.sort();
}

function evidencePaths(v: EvidenceValue | undefined, acc: string[] = []): string[] {
  if (typeof v === 'string' && IMAGE.test(v)) acc.push(v);
  else if (Array.isArray(v)) v.forEach((x) => evidencePaths(x, acc));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => evidencePaths(x, acc));
  return acc;
}

export function figuresFor(topicId: string, claim: Claim<unknown>, result: ClaimResult | undefined, outDir: string): string[] {
  const all = listFiles(outDir).filter((f) => IMAGE.test(f));
  const mine = all.filter((f) => {
    const rel = path.relative(outDir, f);
    return rel.startsWith(`${topicId}${path.sep}`) || path.basename(f).startsWith(claim.id);
  });
  const fromEvidence = evidencePaths(result?.evidence as EvidenceValue)
    .map((p) => (path.isAbsolute(p) ? p : path.resolve(p)))
    .filter((p) => existsSync(p));
  // a topic-folder figure is listed under the first claim whose id it names, else under every claim of the topic
  return [...new Set([...fromEvidence, ...mine])];
}

export async function buildKey(topics: Topic<unknown>[], opts: KeyOptions = {}): Promise<KeyEntry[]> {
  const include = new Set(opts.includeTags ?? []);
  const outDir = path.resolve(opts.outDir ?? 'out');
  const entries: KeyEntry[] = [];
  for (const t of topics) {
    if (opts.topicIds?.length && !opts.topicIds.includes(t.id)) continue;
    for (const claim of t.claims) {
      if (opts.course && !refsOf(claim).some(({ ref }) => ref.course === opts.course)) continue;
      const excluded = (claim.tags ?? []).filter((x) => !include.has(x));
      let result: ClaimResult | undefined;
      let skipped: string | undefined;
      if (excluded.length) {
        skipped = `not run in this key (${excluded.join(', ')}: run \`npm run test:${excluded[0]}\` or \`dlspec key --tags ${excluded.join(',')}\`)`;
      } else {
        result = await runClaim(claim, t.reference as Partial<unknown>, t.contract, makeContext({ filesRoot: REFERENCE_SUBMISSION, seed: opts.seed ?? REFERENCE_SEED, mode: 'reference' }));
      }
      opts.onClaim?.(claim.id, result);
      entries.push({ topicId: t.id, claim, result, skipped, figures: figuresFor(t.id, claim, result, outDir) });
    }
  }
  return entries;
}

function fmtValue(v: EvidenceValue): string {
  if (typeof v === 'number') return fmtNumber(v);
  if (v === null) return '—';
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object' || x === null) ? `[${v.map(fmtValue).join(', ')}]` : JSON.stringify(v);
  return JSON.stringify(v);
}

/** Evidence as a Markdown list (nested objects become nested lists). */
export function evidenceMarkdown(e: Record<string, EvidenceValue>, pad = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(e)) {
    if (k === FIGURES_KEY) continue; // pictures for a student's feedback, not the key's evidence
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      out.push(`${pad}- ${k}:`, ...evidenceMarkdown(v, `${pad}  `));
    } else {
      out.push(`${pad}- ${k}: ${fmtValue(v)}`);
    }
  }
  return out;
}

function refText(c: Claim<unknown>): string {
  return refsOf(c)
    .map(({ ref }) => `${ref.course} ${ref.hw} P${ref.problem}${ref.part ? `(${ref.part})` : ''}, ${fmtPts(ref.points)} pt${ref.points === 1 ? '' : 's'}`)
    .join('; ');
}

export interface KeyDocOptions {
  keyPath?: string;
  seed?: number;
  backend?: string;
  date?: string;
  /** one course's key, in its homework's order with its points */
  course?: Course;
  /** the hand-out: answers and derivations with figures embedded; the evidence in an appendix */
  answersOnly?: boolean;
}

/** A figure inside the document itself (a data: URI), so the hand-out is one self-contained file. */
function embedded(file: string): string {
  const ext = path.extname(file).slice(1).toLowerCase();
  const mime = ext === 'svg' ? 'image/svg+xml' : ext === 'jpg' ? 'image/jpeg' : `image/${ext}`;
  return `data:${mime};base64,${readFileSync(file).toString('base64')}`;
}

/** Answers as handed to students: references to this project's own documentation become plain words. */
const handOutText = (s: string): string => s.replace(/\s*\(?\b(?:are |is )?in docs\/[\w/.-]*\.md\)?/g, '').replace(/docs\/[\w/.-]*\.md/g, 'the course notes');

/** One course's hand-out: each problem and part in the homework's order, its answer, its figures; the evidence in an appendix. */
function courseKeyMarkdown(topics: Topic<unknown>[], entries: KeyEntry[], course: Course, opts: KeyDocOptions): string {
  const byId = new Map(entries.map((e) => [e.claim.id, e]));
  const items = rubricFor(topics.map(topicMeta), course).filter((r) => byId.has(r.claim.id));
  const hw = [...new Set(items.map((r) => r.ref.hw))].join(', ');
  const base = path.dirname(path.resolve(opts.keyPath ?? 'answer-key.md'));
  const out = [`# ${course} ${hw} — answer key`, ''];
  const ran = items.map((r) => byId.get(r.claim.id)!).filter((e) => e.result);
  const failed = ran.filter((e) => !e.result!.passed);
  if (failed.length) out.push(`**${failed.length} claim(s) FAILED in this run: ${failed.map((e) => e.claim.id).join(', ')}** — do not hand this key out before they hold.`, '');
  let problem: number | undefined;
  for (const r of items) {
    const e = byId.get(r.claim.id)!;
    if (r.ref.problem !== problem) {
      problem = r.ref.problem;
      out.push(`## Problem ${problem}`, '');
    }
    out.push(`### ${r.number}${r.ref.part ? ` (part ${r.ref.part})` : ''} — ${fmtPts(r.ref.points)} pt${r.ref.points === 1 ? '' : 's'}${r.extraCredit ? ', extra credit' : ''}`, '');
    out.push(`*${handOutText(r.claim.statement)}*`, '');
    out.push(opts.answersOnly ? handOutText(e.claim.answer) : e.claim.answer, '');
    for (const f of e.figures) out.push(`![${path.basename(f)}](${opts.answersOnly ? embedded(f) : path.relative(base, f).split(path.sep).join('/')})`, '');
    if (!opts.answersOnly) out.push(...evidenceBlock(e), '');
  }
  if (opts.answersOnly) {
    out.push(
      '## Appendix: the evidence',
      '',
      `Each answer above was checked by \`dlspec key\` against the course's reference implementation (seed ${opts.seed ?? REFERENCE_SEED}${opts.backend ? `, tfjs backend ${opts.backend}` : ''}, ${opts.date ?? new Date().toISOString()}). What it measured:`,
      '',
    );
    for (const r of items) out.push(`### ${r.number} — \`${r.claim.id}\``, '', ...evidenceBlock(byId.get(r.claim.id)!), '');
  }
  return out.join('\n');
}

/** The evidence of one entry: measured (holds / FAILED, the numbers, the notes), or why it was not run. */
function evidenceBlock(e: KeyEntry): string[] {
  if (e.skipped) return [`**Evidence.** ${e.skipped}.`];
  if (!e.result) return [];
  const r = e.result;
  return [
    `**Evidence (this run, ${(r.durationMs / 1000).toFixed(2)} s):** ${r.passed ? 'holds' : `**FAILED** — ${r.message}`}`,
    '',
    ...evidenceMarkdown(r.evidence),
    ...r.notes.map((n) => `- note: ${n}`),
  ];
}

export function keyMarkdown(topics: Topic<unknown>[], entries: KeyEntry[], opts: KeyDocOptions = {}): string {
  if (opts.course) return courseKeyMarkdown(topics, entries, opts.course, opts);
  const base = path.dirname(path.resolve(opts.keyPath ?? 'answer-key.md'));
  const out = [
    '# Answer key',
    '',
    `Generated ${opts.date ?? new Date().toISOString()} by \`dlspec key\`. Every number under "Evidence" was measured by this run: the claims ` +
      `were checked against the reference implementation (seed ${opts.seed ?? REFERENCE_SEED}${opts.backend ? `, tfjs backend ${opts.backend}` : ''}).`,
    '',
  ];
  const ran = entries.filter((e) => e.result);
  const failed = ran.filter((e) => !e.result!.passed);
  out.push(
    `${ran.length} claims run, ${ran.length - failed.length} hold${failed.length ? `, **${failed.length} FAILED: ${failed.map((e) => e.claim.id).join(', ')}**` : ''}; ${entries.length - ran.length} not run (slow/gpu).`,
    '',
  );
  for (const t of topics) {
    const es = entries.filter((e) => e.topicId === t.id);
    if (!es.length) continue;
    out.push(`## ${t.title}`, '');
    for (const e of es) {
      const c = e.claim;
      out.push(`### ${c.course} ${c.hw} Problem ${c.problem}${c.part ? ` part ${c.part}` : ''} — \`${c.id}\``, '');
      out.push(`*Points:* ${refText(c)}${c.tags?.length ? ` · *tags:* ${c.tags.join(', ')}` : ''}${c.visibility && c.visibility !== 'visible' ? ` · *visibility:* ${c.visibility}` : ''}`, '');
      out.push(`**Claim.** ${c.statement}`, '');
      out.push(`**Answer.** ${c.answer}`, '');
      if (e.skipped || e.result) out.push(...evidenceBlock(e), '');
      if (e.figures.length) {
        out.push('**Figures.**', '', ...e.figures.map((f) => `![${path.basename(f)}](${path.relative(base, f).split(path.sep).join('/')})`), '');
      }
    }
  }
  return out.join('\n');
}
