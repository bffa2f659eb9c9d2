/**
 * Rendering a grade report: plain text for a terminal, Markdown for an issue or an e-mail, JSON
 * for tools.  Every course's problems are listed with the homework's own points; a failed item
 * shows its message (what was wrong, on which input, expected vs received, the mistake named).
 */
import type { CourseGrade, GradeReport, GradedItem } from './grade.ts';
import { fmtNumber, nestedNote } from './text.ts';

export type ReportFormat = 'text' | 'md' | 'json';

/** Points as printed everywhere (exact: see fmtNumber). */
export const fmtPts = fmtNumber;

const mark = (it: GradedItem): string => (it.status === 'passed' ? 'PASS' : it.status === 'failed' ? 'FAIL' : 'SKIP');

function indent(s: string, pad: string): string {
  return s
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

function header(r: GradeReport): string[] {
  const seed = `seed ${r.seed}${r.studentId ? ` (student id ${r.studentId})` : ''}`;
  return [
    `dlspec grade ${r.submission}`,
    `  module ${r.entry ?? '(none)'} · ${seed} · case scale ${r.runScale} · ${r.executionTime.toFixed(1)} s · ${r.processes} process${r.processes === 1 ? '' : 'es'}`,
    ...(r.confinement ? [`  sandbox: ${r.confinement}`] : []),
    ...(r.nestedIn ? [`  ${nestedNote(r.nestedIn)}`] : []),
    ...(r.loadError ? [`  Your module could not be graded: ${r.loadError}`] : []),
  ];
}

function skippedOf(r: GradeReport): string[] {
  return Object.values(r.claims)
    .filter((c) => c.status === 'skipped')
    .map((c) => `${c.id} — ${c.message}`);
}

function courseTitle(c: CourseGrade): string {
  const hws = [...new Set(c.problems.map((p) => p.hw))].join(', ');
  return `${c.course} ${hws}: ${fmtPts(c.score)} / ${fmtPts(c.possible)}${c.extraPossible ? ` + extra credit ${fmtPts(c.extraScore)} / ${fmtPts(c.extraPossible)}` : ''}`;
}

export function formatText(r: GradeReport, opts: { verbose?: boolean } = {}): string {
  const out = header(r);
  for (const c of r.courses) {
    out.push('', courseTitle(c));
    for (const p of c.problems) {
      out.push(`  Problem ${p.problem}: ${fmtPts(p.score)} / ${fmtPts(p.possible)}${p.extraPossible ? ` (+ ${fmtPts(p.extraScore)} / ${fmtPts(p.extraPossible)} extra credit)` : ''}`);
      for (const it of p.items) {
        const pts = `${fmtPts(it.score)}/${fmtPts(it.maxScore)}`.padStart(7);
        const vis = it.visibility === 'visible' ? '' : ` [${it.visibility}]`;
        out.push(`    ${it.number.padEnd(7)} ${mark(it)} ${pts}  ${it.claimId}${it.part ? ` (part ${it.part})` : ''}${it.extraCredit ? ' [extra credit]' : ''}${vis}`);
        if (it.status === 'failed' || opts.verbose) out.push(indent(it.output, '                     '));
      }
    }
  }
  const skipped = skippedOf(r);
  if (skipped.length) out.push('', 'Not graded in this run:', ...skipped.map((s) => `  ${s}`));
  const faults = Object.values(r.claims).filter((c) => c.graderFault);
  if (faults.length)
    out.push('', "REVIEW NEEDED (for the course staff): these checks also reject the key's own answer here — 0 points until reviewed:", ...faults.map((c) => `  ${c.id}: ${c.graderFault}`));
  out.push('', `Total${r.course === 'all' ? ' (each item once, at its primary course)' : ` (${r.course})`}: ${fmtPts(r.score)} / ${fmtPts(r.possible)}`);
  return out.join('\n');
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

export function formatMarkdown(r: GradeReport): string {
  const out = [`# Grade report`, '', ...header(r).map((l) => l.trim()), ''];
  for (const c of r.courses) {
    out.push(`## ${courseTitle(c)}`, '');
    for (const p of c.problems) {
      out.push(`### Problem ${p.problem} — ${fmtPts(p.score)} / ${fmtPts(p.possible)}${p.extraPossible ? ` (+ ${fmtPts(p.extraScore)} / ${fmtPts(p.extraPossible)} extra credit)` : ''}`, '');
      out.push('| # | item | points | result | feedback |', '|---|---|---:|---|---|');
      for (const it of p.items) {
        out.push(
          `| ${it.number} | \`${it.claimId}\`${it.part ? ` (part ${it.part})` : ''}${it.extraCredit ? ' (extra credit)' : ''}${it.visibility !== 'visible' ? ` (${it.visibility})` : ''} | ${fmtPts(it.score)} / ${fmtPts(it.maxScore)} | ${mark(it)} | ${mdCell(it.output)} |`,
        );
      }
      out.push('');
    }
  }
  const skipped = skippedOf(r);
  if (skipped.length) out.push('Not graded in this run:', '', ...skipped.map((s) => `- ${s}`), '');
  out.push(`**Total${r.course === 'all' ? ' (each item once, at its primary course)' : ` (${r.course})`}: ${fmtPts(r.score)} / ${fmtPts(r.possible)}**`);
  return out.join('\n');
}

export function formatReport(r: GradeReport, format: ReportFormat, opts: { verbose?: boolean } = {}): string {
  if (format === 'json') return JSON.stringify(r, null, 2);
  if (format === 'md') return formatMarkdown(r);
  return formatText(r, opts);
}
