/**
 * `npm run bench`: runs every bench/*.ts module's `bench()` in turn (or only those named on the
 * command line: `npm run bench -- training`).  Benchmarks print numbers; nothing here asserts a
 * time — speed targets are read from this output, compared with a peer measured in the same run.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .filter((f) => !only.length || only.includes(f.replace(/\.ts$/, '')))
  .sort();
console.log(`dlspec bench — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}`);
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { bench?: () => Promise<void> };
  if (typeof mod.bench !== 'function') continue;
  console.log(`\n== ${f.replace(/\.ts$/, '')} ==`);
  const t0 = performance.now();
  await mod.bench();
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
