/**
 * Survivors of the last `npm run mutation`, from reports/mutation/mutation.json, with the source line.
 *
 *   npx tsx scripts/mutation-survivors.mts            # per-file score, then every survivor / no-coverage mutant
 *   npx tsx scripts/mutation-survivors.mts A.json B.json   # several reports merged (a file in a later one replaces it)
 */
import { readFileSync } from 'node:fs';

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
type Report = { files: Record<string, { source: string; mutants: Mutant[] }> };
const paths = process.argv.slice(2).length ? process.argv.slice(2) : ['reports/mutation/mutation.json'];
const report: Report = { files: {} };
for (const p of paths) Object.assign(report.files, (JSON.parse(readFileSync(p, 'utf8')) as Report).files);
const bad = new Set(['Survived', 'NoCoverage']);
let killed = 0,
  total = 0;
for (const [file, f] of Object.entries(report.files)) {
  const counted = f.mutants.filter((m) => !['Ignored', 'CompileError', 'RuntimeError'].includes(m.status));
  const k = counted.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length;
  killed += k;
  total += counted.length;
  console.log(`${file}\t${k}/${counted.length}\t${counted.length ? ((100 * k) / counted.length).toFixed(1) : '-'}%`);
}
console.log(`all\t${killed}/${total}\t${((100 * killed) / total).toFixed(2)}%\n`);
for (const [file, f] of Object.entries(report.files)) {
  const lines = f.source.split('\n');
  for (const m of f.mutants.filter((x) => bad.has(x.status))) {
    const l = m.location.start.line;
    console.log(`${m.status}\t${file}:${l}:${m.location.start.column}\t${m.mutatorName}\t${JSON.stringify(m.replacement ?? '')}\n    ${lines[l - 1].trim().slice(0, 160)}`);
  }
}
