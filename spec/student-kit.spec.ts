/**
 * The student kit (`dlspec student-kit`): one course's kit is built, searched for every trace of the
 * answer key (the reference.ts files' names and code, the claims' answers), type-checked (its
 * starter), and its checker is run with plain Node from a folder outside the repository on the
 * empty starter (every item fails, saying why: exit 1) and on a copy of the reference submission
 * (every item passes: exit 0).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ts from 'typescript';
import { topics } from '../src/registry.ts';
import type { Course, Evidence } from '../src/claims/types.ts';
import { makeContext, REFERENCE_SEED, runClaim } from '../src/claims/run.ts';
import { loadModule } from '../src/grading/subject.ts';
import { evidenceLine, MISTAKE_WITHHELD } from '../src/grading/kit-check.ts';
import { recognised } from '../src/verify/failure.ts';
import { summarizeEvidence } from '../src/grading/grade.ts';
import { rubricFor, topicMeta } from '../src/grading/rubric.ts';
import { buildStudentKit, isMistakeId, keyModules, mistakeIds, stripClaims, type KitReport } from '../src/grading/student-kit.ts';

const REPO = path.resolve(import.meta.dirname, '..');

/** A message without what names a mistake (the grader's name one, the kit's do not). */
const withoutMistake = (m: string): string =>
  m
    .split('\n')
    .map((l) => (l.includes(recognised('')) ? l.slice(0, l.indexOf(recognised(''))).trimEnd() : l))
    .filter((l) => l.trim())
    .join('\n')
    .replaceAll(` — ${MISTAKE_WITHHELD}`, '');

/** Every sentence of every topic's mistake bank (the strings that are not ids), longest first. */
async function mistakeSentences(): Promise<string[]> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!isMistakeId(v)) out.add(v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const f of keyModules([]).filter((x) => x.endsWith(`${path.sep}misconceptions.ts`))) walk(await import(f));
  return [...out].sort((a, b) => b.length - a.length);
}
// one course's kit in the default suite (≈25 s to build); DLSPEC_KIT_COURSE=ELEG5491 npx vitest run spec/student-kit.spec.ts checks another's
const COURSE = (process.env.DLSPEC_KIT_COURSE ?? 'CSE891') as Course;

test("a topic's mistakes are declared in its misconceptions.ts (the module the kit withholds), nowhere else", () => {
  const misplaced: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, n.name);
      if (n.isDirectory()) walk(f);
      else if (n.name.endsWith('.ts') && n.name !== 'misconceptions.ts') {
        const src = readFileSync(f, 'utf8');
        // a mistake's name written at the place it is recognised, or a table of them
        for (const m of src.matchAll(/recognised\(\s*['"`]|export const \w*MISTAKES\b/g)) misplaced.push(`${path.relative(REPO, f)}: ${m[0]}`);
      }
    }
  };
  walk(path.join(REPO, 'src'));
  walk(path.join(REPO, 'docs', 'example'));
  expect(misplaced).toEqual([]);
});

describe('stripClaims: what the kit bundles of a claims module', () => {
  const source = `
export const claims = [
  { id: 't.kept', statement: 'kept statement with 12345', answer: 'the kept answer, $x^2$', uses: [], check: () => ({ kept: 1 }) },
  { id: 't.hidden', statement: 'hidden statement', answer: 'hidden answer text', visibility: 'hidden', uses: [], check() { return { hiddenCheckBody: 1 }; } },
  make('other'),
];
function make(n: string) {
  return { id: \`t.\${n}\`, statement: 'made statement', answer: ANSWER, uses: [], check: () => ({}) };
}
const ANSWER = 'a made answer';
`;
  const { code, removed } = stripClaims(source, new Set(['t.kept', 't.other']));

  test('a claim outside the kit is removed whole (its check code too), leaving an inert claim without id', () => {
    expect(removed).toEqual(['t.hidden']);
    expect(code).not.toMatch(/hidden/);
    expect(code).toContain("({ id: '', uses: [] })");
  });
  test('every answer and statement left is blanked; the checks stay', () => {
    for (const s of ['the kept answer', 'kept statement', 'made statement', 'answer: ANSWER']) expect(code).not.toContain(s);
    expect(code).toContain("answer: ''");
    expect(code).toContain('check: () => ({ kept: 1 })');
  });
});

test("the kit's evidence line is the grader's", () => {
  const samples: Evidence[] = [{}, { cases: 3, worstRelErr: 3.1e-12 }, { a: { b: [1, 2, 3, 4, 5, 6, 7] }, ok: true, s: 'x' }, { long: 'y'.repeat(400) }];
  for (const e of samples) {
    expect(evidenceLine(e)).toBe(summarizeEvidence(e));
  }
});

describe(`the ${COURSE} kit`, () => {
  let dir = '';
  let kit: KitReport;
  const outside = mkdtempSync(path.join(tmpdir(), 'dlspec-kit-spec-'));
  beforeAll(async () => {
    dir = path.join(outside, 'kit');
    kit = await buildStudentKit({ course: COURSE, out: dir });
  }, 300_000);
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  const files = (): string[] => {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d, { withFileTypes: true })) {
        if (n.isDirectory()) walk(path.join(d, n.name));
        else out.push(path.join(d, n.name));
      }
    };
    walk(dir);
    return out;
  };
  // the kit's files as text, with the bundler's \u escapes of non-ASCII characters read back
  const text = (): string =>
    files()
      .map((f) => readFileSync(f, 'utf8').replace(/\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})/g, (_m, a?: string, b?: string) => String.fromCodePoint(parseInt(a ?? b!, 16))))
      .join('\n\u0000\n');

  test('holds the README, contract.md, the starter and the checker', () => {
    for (const f of ['README.md', 'contract.md', 'check.mjs', 'starter/index.ts', 'starter/tsconfig.json']) expect(existsSync(path.join(dir, f)), f).toBe(true);
    const contract = readFileSync(path.join(dir, 'contract.md'), 'utf8');
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    const rubric = rubricFor(topics.map(topicMeta), COURSE);
    for (const t of topics.filter((x) => rubric.some((r) => r.topicId === x.id))) {
      for (const name of Object.keys(t.contract)) expect(contract, name).toContain(`### \`${name}\``);
    }
    // every visible item is either checked here or listed as graded on submission only
    for (const r of rubric.filter((x) => x.visibility === 'visible')) expect(readme, r.claim.id).toContain(`\`${r.claim.id}\``);
    expect(readme).toMatch(/node check\.mjs my-submission/);
    expect(kit.kept.length + new Set(kit.leftOut.map((l) => l.id)).size).toBeGreaterThan(0);
  });

  test("contains no module of the key (every reference.ts, and the modules of this course's key): not its name, not its code", async () => {
    const all = text();
    const esbuild = await import('esbuild');
    const refs = readdirSync(path.join(REPO, 'src'))
      .map((d) => path.join(REPO, 'src', d, 'reference.ts'))
      .filter((f) => existsSync(f));
    expect(refs.length).toBeGreaterThan(10);
    const courseTopics = [...new Set(rubricFor(topics.map(topicMeta), COURSE).map((r) => r.topicId))];
    const key = keyModules(courseTopics);
    for (const f of refs) expect(key).toContain(f);
    expect(all).not.toContain('reference.ts');
    for (const f of key) {
      const rel = path.relative(REPO, f);
      expect(all, rel).not.toContain(rel.replace(/\.ts$/, ''));
      const src = readFileSync(f, 'utf8');
      // its code as the kit's bundler prints it (whitespace and syntax minified, names kept): statements
      const printed = (await esbuild.transform(src, { loader: 'ts', format: 'esm', minifyWhitespace: true, minifySyntax: true })).code;
      const statements = printed.split(/[;{}]/).filter((s) => s.length >= 40 && !/^(import|export)\b/.test(s));
      // and its own words: string literals (sentences, not labels such as a mistake's name) and source lines of some length
      const literals = [...src.matchAll(/'([^'\n]{16,})'|`([^`]{16,})`/g)].map((m) => m[1] ?? m[2]).filter((s) => !s.includes('${') && s.includes(' '));
      const lines = src
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length >= 40 && !/^(\*|\/\/|\/\*|import|export \{|export \*)/.test(l));
      expect(statements.length + lines.length, rel).toBeGreaterThan(0);
      for (const s of [...statements, ...literals, ...lines]) expect(all.includes(s), `${rel}: ${s}`).toBe(false);
    }
  });

  test('names no known mistake: no sentence of any mistake bank, only their ids', async () => {
    const all = text();
    const labels = await mistakeSentences();
    expect(labels.length).toBeGreaterThan(50);
    for (const l of labels) expect(all.includes(l), l).toBe(false);
    expect(all).toContain(MISTAKE_WITHHELD);
  });

  test("lists no mistake id (they name their mistakes: 'fbar-uses-c_t'), but those a bundled check's own code names", async () => {
    const all = text();
    const banks = keyModules([]).filter((x) => x.endsWith(`${path.sep}misconceptions.ts`));
    const ids = (await Promise.all(banks.map(async (f) => mistakeIds((await import(f)) as Record<string, unknown>)))).flat();
    // a check that names a mistake by its id in its own code (INFOGAN_MISTAKES['not-one-hot']) carries that id
    const named = readdirSync(path.join(REPO, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !/(misconceptions|topic)\.ts$/.test(f))
      .map((f) => readFileSync(path.join(REPO, 'src', f), 'utf8'))
      .join('\n');
    const telling = ids.filter((id) => /[-_]/.test(id) && id.length >= 6 && !named.includes(`'${id}'`));
    expect(telling.length).toBeGreaterThan(30);
    // as a string of the bundle (a longer id may hold a shorter one: cat-off-by-one)
    for (const id of telling) expect(all.includes(`"${id}"`) || all.includes(`'${id}'`), id).toBe(false);
  });

  test("contains no answer of the course's claims, and no fixture", () => {
    const all = text();
    const rubric = rubricFor(topics.map(topicMeta), COURSE);
    const answers = [...new Set(rubric.map((r) => r.claim.answer))].filter((a) => a.length > 12);
    expect(answers.length).toBeGreaterThan(5);
    for (const a of answers) expect(all.includes(a), a.slice(0, 80)).toBe(false);
    expect(all).not.toMatch(/fixtures\//);
    // the key's own formula answers (string exports of a topic's reference), short as they are; not a
    // choice the contract itself offers ('pre-activation' | 'post-activation')
    const formulas = topics
      .filter((t) => rubric.some((r) => r.topicId === t.id))
      .flatMap((t) =>
        Object.entries(t.reference as Record<string, unknown>)
          .filter(([name, v]) => typeof v === 'string' && !(t.contract as Record<string, { signature: string }>)[name]?.signature.includes(`'${v}'`))
          .map(([, v]) => v as string),
      )
      .filter((v) => v.length >= 6);
    for (const f of formulas) expect(all.includes(f), f).toBe(false);
  });

  test('its starter type-checks', () => {
    const starter = path.join(dir, 'starter');
    const cfg = ts.readConfigFile(path.join(starter, 'tsconfig.json'), ts.sys.readFile).config;
    const parsed = ts.parseJsonConfigFileContent(cfg, ts.sys, starter);
    const program = ts.createProgram(parsed.fileNames, { ...parsed.options, types: [] });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
    expect(diags).toEqual([]);
  });

  // plain Node, from a folder outside the repository: no tsx, no node_modules of the project
  const runKit = (args: string[]): { status: number | null; out: string } => {
    const r = spawnSync(process.execPath, [path.join(dir, 'check.mjs'), ...args], { cwd: outside, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: outside }, timeout: 120_000 });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  test('its checker fails every item of the empty starter, saying why, and exits 1', () => {
    const copy = path.join(outside, 'starter-copy');
    cpSync(path.join(dir, 'starter'), copy, { recursive: true });
    const r = runKit([copy]);
    expect(r.status, r.out).toBe(1);
    for (const it of kit.kept) {
      const line = new RegExp(`^ +${it.number.replace(/\./g, '\\.')} +FAIL .*${it.id}.*\\n {21}(.+)`, 'm').exec(r.out);
      expect(line, `${it.id}\n${r.out}`).not.toBeNull();
      expect(line![1]).toMatch(/not implemented|missing export|should be/);
    }
    expect(r.out).not.toMatch(/\bPASS\b/);
    // the items graded on submission only: their exports are still the starter's stubs
    // (an item that calls none, e.g. a training run of the key's own network, has nothing to check here)
    for (const l of kit.leftOut) {
      const usesNone = rubricFor(topics.map(topicMeta), COURSE).some((r) => r.claim.id === l.id && !(r.claim.uses ?? []).length);
      expect(r.out).toMatch(
        new RegExp(
          usesNone ? `^ +${l.number.replace(/\./g, '\\.')} +ok +${l.id}: none$` : `^ +${l.number.replace(/\./g, '\\.')} +FAIL +${l.id}\\n {21}.*(starter's stub|still empty|still NaN|missing export)`,
          'm',
        ),
      );
    }
  });

  test('its checker passes every item of a copy of the reference submission and exits 0', () => {
    const copy = path.join(outside, 'reference-copy');
    cpSync(path.join(REPO, 'fixtures/submissions/reference'), copy, { recursive: true });
    const r = runKit([copy]);
    expect(r.status, r.out).toBe(0);
    for (const it of kit.kept) expect(r.out).toMatch(new RegExp(`^ +${it.number.replace(/\./g, '\\.')} +PASS .*${it.id}`, 'm'));
    for (const l of kit.leftOut) expect(r.out).toMatch(new RegExp(`^ +${l.number.replace(/\./g, '\\.')} +ok +${l.id}: `, 'm'));
    expect(r.out).not.toMatch(/\bFAIL\b/);
  });

  test("its checker gives the grader's message on every known-wrong fixture of its checks", async () => {
    const wrong = path.join(outside, 'wrong');
    cpSync(path.join(REPO, 'fixtures'), wrong, { recursive: true });
    let compared = 0;
    for (const t of topics) {
      for (const w of t.knownWrong) {
        const items = kit.kept.filter((k) => w.rejectedBy.includes(k.id));
        if (!items.length) continue;
        // an entry module at the top of the copy: a fixture may import the reference submission's files
        const entry = path.join(wrong, `entry-${compared}-${path.basename(w.file)}`);
        writeFileSync(entry, `export * from './${path.relative('fixtures', w.file)}';\n`);
        const r = runKit([entry, '--only', items.map((k) => k.id).join(',')]);
        const mod = await loadModule(path.join(REPO, w.file));
        for (const it of items) {
          const claim = t.claims.find((c) => c.id === it.id)!;
          const want = await runClaim(claim, mod, t.contract, makeContext({ seed: REFERENCE_SEED, mode: 'submission', runScale: 0.5 }));
          // the kit prints the message under the item's line, indented by 21 spaces
          const at = r.out.split('\n').findIndex((l) => new RegExp(`^ +${it.number.replace(/\./g, '\\.')} +FAIL .*${it.id}`).test(l));
          expect(at, `${w.file}: ${it.id}\n${r.out}`).toBeGreaterThan(-1);
          const lines: string[] = [];
          for (const l of r.out.split('\n').slice(at + 1)) {
            if (!l.startsWith(' '.repeat(21))) break;
            lines.push(l.slice(21));
          }
          // the same message, but for the mistake's name: the kit names none
          expect(withoutMistake(lines.join('\n')), `${w.file}: ${it.id}`).toBe(withoutMistake((await mistakeSentences()).reduce((m, l) => m.replaceAll(l, MISTAKE_WITHHELD), want.message)));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  test('its checker refuses a bad command line in one line, exit 2', () => {
    const py = path.join(outside, 'py-sub');
    mkdirSync(py, { recursive: true });
    writeFileSync(path.join(py, 'submission.py'), 'def rnn_bptt(p, xs, ys):\n    return None\n');
    const pythonOnly = 'Python: this checker runs TypeScript and JavaScript only; a Python submission is checked when it is graded';
    for (const [args, line] of [
      [[py], `check.mjs: "${py}" holds submission.py, which is ${pythonOnly}`],
      [[path.join(py, 'submission.py')], `check.mjs: "${path.join(py, 'submission.py')}" is ${pythonOnly}`],
      [[], 'check.mjs: no folder given; expected node check.mjs <folder>'],
      [[path.join(outside, 'nope')], `check.mjs: "${path.join(outside, 'nope')}" not found; expected your submission folder`],
      [[dir, '--frob'], 'check.mjs: unknown option "--frob"; expected --student-id, --seed, --only or --help'],
    ] as [string[], string][]) {
      const r = runKit(args);
      expect(r.status).toBe(2);
      expect(r.out.trim().split('\n')).toHaveLength(1);
      expect(r.out).toContain(line);
    }
  });
});
