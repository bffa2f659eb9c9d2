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

/** The imports that run back up, by rule, in a tree given as file → the layers it imports. */
function upward(tree: Record<string, string[]>): { ground: string[]; topic: string[]; registry: string[] } {
  const all = Object.keys(tree);
  const topics = [...new Set(all.map(layer))].filter((l) => !GROUND.includes(l) && !TOP.includes(l));
  const arrows = (from: (f: string) => boolean, bad: (t: string) => boolean) => all.filter(from).flatMap((f) => tree[f].filter(bad).map((t) => `${f} → ${t}`));
  return {
    ground: arrows(
      (f) => GROUND.includes(layer(f)),
      (t) => !GROUND.includes(t),
    ),
    topic: arrows(
      (f) => topics.includes(layer(f)),
      (t) => TOP.includes(t),
    ),
    registry: arrows(
      (f) => layer(f) !== 'cli.ts' && layer(f) !== 'grading',
      (t) => t === 'registry.ts',
    ),
  };
}
const tree = Object.fromEntries(files.map((f) => [f, importsOf(f)]));
const found = upward(tree);
const topicFolders = [...new Set(files.map(layer))].filter((l) => !GROUND.includes(l) && !TOP.includes(l));

describe('the source layers: no import runs back up', () => {
  test('the ground floor imports only the ground floor', () => {
    expect(found.ground).toEqual([]);
  });
  test('a topic imports neither the grader, the registry nor the CLI', () => {
    expect(found.topic).toEqual([]);
  });
  test('the registry is imported only by the CLI and the grader', () => {
    expect(found.registry).toEqual([]);
    expect(files.filter((f) => importsOf(f).includes('registry.ts')).length).toBeGreaterThan(0);
  });
  test('the import reader sees imports (it can fail)', () => {
    expect(importsOf('cli.ts')).toContain('registry.ts');
    expect(topicFolders).toEqual(expect.arrayContaining(['rnn', 'lstm', 'infogan', 'cifar']));
  });
  test('a tree whose imports run back up is refused, each arrow named', () => {
    expect(
      upward({
        'verify/compare.ts': ['verify', 'rnn'],
        'claims/run.ts': ['grading'],
        'rnn/claims.ts': ['verify', 'registry.ts'],
        'lstm/topic.ts': ['cli.ts'],
        'grading/grade.ts': ['registry.ts', 'rnn'],
        'cli.ts': ['registry.ts'],
      }),
    ).toEqual({
      ground: ['verify/compare.ts → rnn', 'claims/run.ts → grading'],
      topic: ['rnn/claims.ts → registry.ts', 'lstm/topic.ts → cli.ts'],
      registry: ['rnn/claims.ts → registry.ts'],
    });
  });
});
