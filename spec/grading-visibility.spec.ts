/**
 * The instructor decides when students see each item (Gradescope's visible / hidden /
 * after_due_date / after_published), per claim, per topic or for every item: results.json carries
 * it, and what a student sees before the due date — the top-level output and the visible tests —
 * holds nothing of a held-back item, not even its share of the score.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { writeSubmission } from '../src/grading/fixtures.ts';
import { gradescopeResults } from '../src/grading/grade.ts';
import { buildBundle, runScript } from '../src/grading/gradescope.ts';
import { cliInProcess, gradeSynth, SYNTH, SYNTH_REF, tempFolders } from './grading-synth.ts';

const temp = tempFolders();
interface Results {
  score: number;
  output: string;
  tests: { name: string; output: string; visibility: string; score: number }[];
}
/** What Gradescope shows a student before the due date: the top-level output and the visible tests. */
const beforeDueDate = (r: Results): string => JSON.stringify({ output: r.output, tests: r.tests.filter((t) => t.visibility === 'visible') });

describe('visibility set by the instructor', () => {
  // a wrong formula: its feedback names the mistake ("your formula "n^2" gives …")
  const wrongFormula = () => temp(writeSubmission({ 'index.ts': SYNTH_REF.replace("'n^2 + n'", "'n^2'") }));

  test('an item held back until the due date: in results.json with its visibility, absent from what the student sees before', async () => {
    const r = await gradeSynth(wrongFormula(), { visibility: { 'synth.formula': 'after_due_date' } });
    const results = gradescopeResults(r) as unknown as Results;
    const formula = results.tests.find((t) => t.name.includes('synth.formula'))!;
    expect(formula.visibility).toBe('after_due_date');
    expect(formula.output).toMatch(/your formula "n\^2" gives/);
    const seen = beforeDueDate(results);
    expect(seen).not.toMatch(/your formula|synth\.formula|n\^2/);
    // the total would give the held-back item away: the output speaks of the items shown now
    // (synth.hidden is held back by its claim's own setting: shown now are synth.square and the extra-credit synth.spin)
    expect(results.output).toMatch(/score of the items shown now 1\.5 \/ 1; 2 more item\(s\) are shown later/);
    expect(results.output).not.toMatch(/score 2\.5 \/ 3\.5/);
    // and without the setting, everything is shown (the claim's own hidden check aside)
    const plain = gradescopeResults(await gradeSynth(wrongFormula())) as unknown as Results;
    expect(beforeDueDate(plain)).toMatch(/your formula \\"n\^2\\" gives/);
  }, 60_000);

  test("per topic, for every item, and a claim's own setting over its topic's", async () => {
    const r = await gradeSynth(wrongFormula(), { visibility: { synth: 'hidden', 'synth.spin': 'visible' } });
    const vis = Object.fromEntries(r.tests.map((t) => [t.claimId, t.visibility]));
    expect(vis).toEqual({ 'synth.square': 'hidden', 'synth.formula': 'hidden', 'synth.spin': 'visible', 'synth.hidden': 'hidden' });
    const all = await gradeSynth(wrongFormula(), { visibility: { '*': 'after_published' } });
    expect(new Set(all.tests.map((t) => t.visibility))).toEqual(new Set(['after_published']));
  }, 60_000);

  test('the CLI reads a visibility file; a bad one is one line and exit 2, before any grading', async () => {
    const dir = temp(writeSubmission({ 'index.ts': SYNTH_REF }));
    const file = (name: string, text: string): string => {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const args = (f: string) => ['grade', dir, '--topics-module', SYNTH, '--topic', 'synth', '--course', 'CSE891', '--out', path.join(dir, 'r.json'), '--visibility', f];
    const ok = await cliInProcess(args(file('ok.json', '{"synth.formula": "hidden"}')));
    expect(ok.code).toBe(0);
    for (const [f, msg] of [
      [
        file('bad.json', '{"synth.formula": "later"}'),
        /^dlspec grade: --visibility ".*bad\.json": "synth\.formula" is set to "later"; expected a JSON object of claim ids, topic ids or "\*" to one of visible, hidden, after_due_date, after_published$/,
      ],
      [file('notjson.json', 'synth.formula: hidden'), /^dlspec grade: --visibility ".*notjson\.json" could not be read \(.*\); expected a JSON object/],
      [file('list.json', '["synth.formula"]'), /^dlspec grade: --visibility ".*list\.json" is not a JSON object; expected/],
      [
        file('typo.json', '{"synth.formla": "hidden"}'),
        /^dlspec grade: the visibility settings name 'synth\.formla', which is no topic or item; expected topic ids \(synth, flaky\), claim ids \(dlspec list\) or "\*"$/,
      ],
      [path.join(dir, 'missing.json'), /^dlspec grade: --visibility ".*missing\.json" could not be read/],
    ] as const) {
      const r = await cliInProcess(args(f));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.split('\n')).toHaveLength(1);
    }
  }, 60_000);

  test('the Gradescope bundle carries the settings and passes them to every grade', () => {
    const { zip, files } = buildBundle({ course: 'CSE891', visibility: { lstm: 'after_due_date' } });
    expect(files).toContain('visibility.json');
    expect(JSON.parse(strFromU8(unzipSync(zip)['visibility.json']))).toEqual({ lstm: 'after_due_date' });
    expect(strFromU8(unzipSync(zip).run_autograder)).toContain("'--visibility' 'visibility.json'");
    expect(runScript({ course: 'CSE891' })).not.toContain('--visibility');
  });
});
