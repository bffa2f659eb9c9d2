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
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeContext, REFERENCE_SEED, runClaim, type ClaimResult } from '../claims/run.ts';
import type { Claim, EvidenceValue, Tag, Topic } from '../claims/types.ts';
import { fmtPts } from './format.ts';
import { refsOf } from './rubric.ts';

export interface KeyOptions {
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
      const excluded = (claim.tags ?? []).filter((x) => !include.has(x));
      let result: ClaimResult | undefined;
      let skipped: string | undefined;
      if (excluded.length) {
        skipped = `not run in this key (${excluded.join(', ')}: run \`npm run test:${excluded[0]}\` or \`dlspec key --tags ${excluded.join(',')}\`)`;
      } else {
        result = await runClaim(claim, t.reference as Partial<unknown>, t.contract, makeContext({ seed: opts.seed ?? REFERENCE_SEED, mode: 'reference' }));
      }
      opts.onClaim?.(claim.id, result);
      entries.push({ topicId: t.id, claim, result, skipped, figures: figuresFor(t.id, claim, result, outDir) });
    }
  }
  return entries;
}

function fmtValue(v: EvidenceValue): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  }
  if (v === null) return '—';
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object' || x === null) ? `[${v.map(fmtValue).join(', ')}]` : JSON.stringify(v);
  return JSON.stringify(v);
}

/** Evidence as a Markdown list (nested objects become nested lists). */
export function evidenceMarkdown(e: Record<string, EvidenceValue>, pad = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(e)) {
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

export function keyMarkdown(topics: Topic<unknown>[], entries: KeyEntry[], opts: { keyPath?: string; seed?: number; backend?: string; date?: string } = {}): string {
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
  out.push(`${ran.length} claims run, ${ran.length - failed.length} hold${failed.length ? `, **${failed.length} FAILED: ${failed.map((e) => e.claim.id).join(', ')}**` : ''}; ${entries.length - ran.length} not run (slow/gpu).`, '');
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
      if (e.skipped) {
        out.push(`**Evidence.** ${e.skipped}.`, '');
      } else if (e.result) {
        const r = e.result;
        out.push(`**Evidence (this run, ${(r.durationMs / 1000).toFixed(2)} s):** ${r.passed ? 'holds' : `**FAILED** — ${r.message}`}`, '');
        out.push(...evidenceMarkdown(r.evidence));
        for (const n of r.notes) out.push(`- note: ${n}`);
        out.push('');
      }
      if (e.figures.length) {
        out.push('**Figures.**', '', ...e.figures.map((f) => `![${path.basename(f)}](${path.relative(base, f).split(path.sep).join('/')})`), '');
      }
    }
  }
  return out.join('\n');
}
