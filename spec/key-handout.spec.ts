/**
 * One course's answer key, and the hand-out (`dlspec key --course C --answers-only`): the course's
 * problems in its homework's order with its points, answers and derivations, figures inside the
 * file, the evidence in an appendix, and no pointers into this project's own docs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Topic } from '../src/claims/types.ts';
import { tempFolder } from '../src/grading/fixtures.ts';
import { buildKey, keyMarkdown, type KeyEntry } from '../src/grading/key.ts';
import { resnetTopic } from '../src/resnet/topic.ts';
import { cliInProcess, tempFolders } from './grading-synth.ts';
import { synthTopic } from './grading-topics.ts';

const temp = tempFolders();
const synth = [synthTopic as Topic<unknown>];

describe("one course's key and its hand-out", () => {
  test("--course keeps only that course's items, in its order, with its points", async () => {
    const entries = await buildKey(synth, { course: 'CSC421', outDir: temp(tempFolder()) });
    expect(entries.map((e) => e.claim.id)).toEqual(['synth.square']); // graded in CSC421 through alsoIn
    const md = keyMarkdown(synth, entries, { course: 'CSC421', date: 'D' });
    expect(md).toMatch(/^# CSC421 HW3 — answer key\n/);
    expect(md).toMatch(/## Problem 2\n\n### 2\.a \(part a\) — 2 pts/);
    expect(md).toContain('**Evidence (this run'); // the full key keeps the evidence beside each answer
  }, 60_000);

  test('--answers-only: answers with figures embedded, evidence only in the appendix', async () => {
    const out = temp(tempFolder());
    mkdirSync(path.join(out, 'synth'));
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    writeFileSync(path.join(out, 'synth', 'curve.png'), png);
    const entries = await buildKey(synth, { course: 'CSE891', outDir: out });
    const md = keyMarkdown(synth, entries, { course: 'CSE891', answersOnly: true, date: 'D' });
    const [body, appendix] = md.split('## Appendix: the evidence');
    expect(appendix).toBeDefined();
    expect(body).toMatch(/^# CSE891 HW3 — answer key\n/);
    expect(body.indexOf('## Problem 1')).toBeLessThan(body.indexOf('## Problem 2'));
    expect(body).toContain('$n^2+n$'); // synth.formula's answer
    expect(body).not.toMatch(/Evidence \(this run|worst|cases 10/);
    expect(body).toContain(`](data:image/png;base64,${png.toString('base64')})`);
    expect(body).not.toContain(out);
    expect(appendix).toMatch(/### 1\.1 — `synth\.square`\n\n\*\*Evidence \(this run/);
    expect(appendix).toContain('not run in this key (slow'); // synth.trained
  }, 60_000);

  test('the hand-out speaks of no file of this project', () => {
    const entries: KeyEntry[] = resnetTopic.claims.map((claim) => ({ topicId: 'resnet', claim: claim as KeyEntry['claim'], skipped: 'not run', figures: [] }));
    const full = keyMarkdown([resnetTopic as Topic<unknown>], entries, { course: 'CSE891' });
    expect(full).toMatch(/docs\/topics\/resnet\.md/); // the full key may point at the docs
    const handOut = keyMarkdown([resnetTopic as Topic<unknown>], entries, { course: 'CSE891', answersOnly: true });
    expect(handOut.split('## Appendix')[0]).not.toMatch(/docs\//);
    expect(handOut).toMatch(/several times faster for post-activation/);
  });

  test('--answers-only needs a course: one line, exit 2, nothing run', async () => {
    const r = await cliInProcess(['key', '--answers-only', '--out', path.join(temp(tempFolder()), 'k.md')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("dlspec key: --answers-only needs --course; expected --course <course> (the hand-out is one course's)");
  });
});
