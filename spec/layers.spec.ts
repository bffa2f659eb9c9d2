/**
 * The source's layers, as docs/architecture.md draws them: the ground floor (the engines in verify/, the
 * claim model in claims/, training/, data/, plot/ and the backend modules) imports nothing above it;
 * a topic imports no other layer above the ground floor (not the grader, the registry or the CLI);
 * the registry, which imports every topic, is imported only by the CLI and the grader at the top.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');
const GROUND = ['verify', 'claims', 'training', 'data', 'plot', 'backend.ts', 'webgpu.ts', 'wasm-threads.ts'];
const TOP = ['grading', 'registry.ts', 'cli.ts'];

const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => /\.(ts|mts|mjs)$/.test(f)).map((f) => f.split(path.sep).join('/'));
/** the first path segment under src/ of every file this one imports (relative imports only) */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), s)).split(path.sep)[0]).filter((top) => !top.startsWith('..'));
}
const layer = (f: string): string => f.split('/')[0];
const topicFolders = [...new Set(files.map(layer))].filter((l) => !GROUND.includes(l) && !TOP.includes(l));

describe('the source layers: no import runs back up', () => {
  test('the ground floor imports only the ground floor', () => {
    const up = files
      .filter((f) => GROUND.includes(layer(f)))
      .flatMap((f) =>
        importsOf(f)
          .filter((t) => !GROUND.includes(t))
          .map((t) => `${f} → ${t}`),
      );
    expect(up).toEqual([]);
  });
  test('a topic imports neither the grader, the registry nor the CLI', () => {
    const up = files
      .filter((f) => topicFolders.includes(layer(f)))
      .flatMap((f) =>
        importsOf(f)
          .filter((t) => TOP.includes(t))
          .map((t) => `${f} → ${t}`),
      );
    expect(up).toEqual([]);
  });
  test('the registry is imported only by the CLI and the grader', () => {
    const users = files.filter((f) => importsOf(f).includes('registry.ts')).map(layer);
    expect(users.filter((u) => u !== 'cli.ts' && u !== 'grading')).toEqual([]);
    expect(users.length).toBeGreaterThan(0);
  });
  test('the import reader sees imports (it can fail)', () => {
    expect(importsOf('cli.ts')).toContain('registry.ts');
    expect(topicFolders).toEqual(expect.arrayContaining(['rnn', 'lstm', 'infogan', 'cifar']));
  });
});
