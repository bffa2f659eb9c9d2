/**
 * Formula answers as students type them (spec/formula-corpus.ts), each run through the claim that
 * grades it: the verdict and the words of its message or notes.  Then what the one parser
 * (src/verify/formula.ts) promises beyond the corpus: both entry points read alike, multi-letter names,
 * sums evaluated exactly or to 1e-9, and the MDRNN operation count answered by its order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { makeContext, runClaim } from '../src/claims/run.ts';
import type { Topic } from '../src/claims/types.ts';
import { mdrnnTopic } from '../src/mdrnn/topic.ts';
import { mdrnnReference } from '../src/mdrnn/reference.ts';
import { mlpTopic } from '../src/mlp/topic.ts';
import { pixelcnnTopic } from '../src/pixelcnn/topic.ts';
import { parseExpr, readBigO } from '../src/pixelcnn/bigo.ts';
import { FormulaError, parseFormula, tryParse } from '../src/verify/formula.ts';
import { gradeOrder } from '../src/verify/symbolic.ts';
import { CORPUS, FORMULA_EXPORT, FORMULA_VARS } from './formula-corpus.ts';

const TOPICS: Record<string, Topic<unknown>> = { mlp: mlpTopic as Topic<unknown>, pixelcnn: pixelcnnTopic as Topic<unknown>, mdrnn: mdrnnTopic as Topic<unknown> };

/** Grade `answer` by claim `claimId`: the reference with the formula export replaced (mdrnn.ops: the formula alone). */
async function grade(claimId: string, answer: string, extra: Record<string, unknown> = {}) {
  const topic = TOPICS[claimId.split('.')[0]];
  const claim = topic.claims.find((c) => c.id === claimId)!;
  const name = FORMULA_EXPORT[claimId];
  const impl = claimId === 'mdrnn.ops' ? { [name]: answer, ...extra } : { ...(topic.reference as object), [name]: answer, ...extra };
  return runClaim(claim, impl, topic.contract, makeContext());
}

const REFUSED = /does not parse|cannot read/;

describe('formula corpus: answers as students type them, graded by their claims', () => {
  test('the corpus has at least 60 formulas of every kind', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    for (const v of ['pass', 'wrong', 'refused']) expect(CORPUS.filter((e) => e.verdict === v).length).toBeGreaterThanOrEqual(10);
    const kinds = {
      latex: CORPUS.filter((e) => /[\\$]/.test(e.answer)).length,
      sums: CORPUS.filter((e) => /sum|Σ/.test(e.answer)).length,
      upperCase: CORPUS.filter((e) => /read [A-Za-z] as/.test(String(e.says))).length,
      bigO: CORPUS.filter((e) => /^\W*(O|Θ|\\mathcal\{O\}|\\Theta)/.test(e.answer)).length,
    };
    for (const [kind, n] of Object.entries(kinds)) expect(n, kind).toBeGreaterThanOrEqual(5);
  });

  for (const e of CORPUS) {
    test(`${e.claim} — ${e.verdict}: ${e.answer}`, async () => {
      const r = await grade(e.claim, e.answer);
      if (e.verdict === 'pass') {
        expect(r.passed, r.message).toBe(true);
        if (e.says) expect(r.notes.join('\n')).toMatch(e.says);
        return;
      }
      expect(r.passed, `${e.answer} must be rejected`).toBe(false);
      expect(r.outcome).toBe('failed');
      if (e.verdict === 'refused') expect(r.message).toMatch(REFUSED);
      else expect(r.message).not.toMatch(REFUSED);
      if (e.says) expect(r.message).toMatch(e.says);
    });
  }
});

describe('one parser for counting and big-O answers', () => {
  test('both entry points read every corpus formula alike', () => {
    for (const e of CORPUS) {
      const vars = FORMULA_VARS[e.claim.split('.')[0]];
      const env = Object.fromEntries(vars.map((v, i) => [v, 3 + i]));
      const a = tryParse(e.answer, vars, { allowOrder: true });
      let b: number | string;
      try {
        b = parseExpr(e.answer, vars)(env);
      } catch (err) {
        b = (err as Error).message;
      }
      if (a.formula) expect(b, e.answer).toBe(a.formula.evaluate(env));
      else expect(String(b), e.answer).toContain(a.error!.split('\n')[0]);
    }
  });

  test('the parser is the engine floor: it imports no claim and no topic', () => {
    const src = readFileSync(new URL('../src/verify/formula.ts', import.meta.url), 'utf8');
    expect([...src.matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1])).toEqual([]);
    for (const [f, from] of [
      ['verify/symbolic.ts', './formula.ts'],
      ['pixelcnn/bigo.ts', '../verify/formula.ts'],
    ]) {
      const text = readFileSync(new URL(`../src/${f}`, import.meta.url), 'utf8');
      expect(text, f).toContain(`from '${from}'`);
      expect(text, f).not.toMatch(/function (tokenize|primary|power)\b/);
    }
  });

  test('a declared multi-letter name that is also a product is refused with both readings', () => {
    const V = ['n', 'L', 'nL', 'c'];
    const err = (s: string): string => {
      try {
        parseFormula(s, V);
      } catch (e) {
        expect(e).toBeInstanceOf(FormulaError);
        return (e as Error).message;
      }
      throw new Error(`${s} should be refused`);
    };
    expect(err('nL')).toContain('"nL" can be read two ways: the variable nL or the product n·L; write \\mathrm{nL} or n*L');
    expect(err('2nLc')).toContain('the product nL·c or the product n·L·c');
    expect(parseFormula('\\mathrm{nL} c + n L', V).evaluate({ n: 2, L: 3, nL: 10, c: 5 })).toBe(56);
    // a multi-letter name no other cut explains is simply that variable
    expect(parseFormula('in + d', ['in', 'd']).text).toBe('in + d');
  });

  test('the ambiguous-exponent hint uses the student’s own symbols; LaTeX and spaces are not ambiguous', () => {
    expect(tryParse('O(d k^2H)', FORMULA_VARS.pixelcnn, { allowOrder: true }).error).toContain('write k^2*H or k^(2*H), not k^2H');
    expect(tryParse('2^Ln', FORMULA_VARS.mlp).error).toContain('write 2^L*n or 2^(L*n), not 2^Ln');
    expect(parseFormula('$n^2L$', FORMULA_VARS.mlp).text).toBe('n^2*L');
    expect(parseFormula('n^2 L', FORMULA_VARS.mlp).text).toBe('n^2*L');
    expect(parseFormula('n^2(L-1)', FORMULA_VARS.mlp).text).toBe('n^2*(L - 1)');
  });

  test('sums: exact integers for the sampled sizes, long ranges to 1e-9, read back from their text', () => {
    const f = parseFormula('c sum_{m=1}^{L} m n^m', FORMULA_VARS.mlp);
    // Σ m n^m = n(1 − (L+1)n^L + L n^(L+1))/(n−1)²
    for (const [L, n] of [
      [1, 2],
      [5, 3],
      [8, 9],
      [12, 7],
    ])
      expect(f.evaluate({ L, n, c: 3, d: 1 })).toBe((3 * n * (1 - (L + 1) * n ** L + L * n ** (L + 1))) / (n - 1) ** 2);
    expect(parseFormula(f.text, FORMULA_VARS.mlp).text).toBe(f.text);
    const big = parseFormula('sum_{i=1}^{n} i^2 + sum(i, 1, n, i)', FORMULA_VARS.mlp);
    const n = 3_000_001;
    const want = (n * (n + 1) * (2 * n + 1)) / 6 + (n * (n + 1)) / 2;
    expect(Math.abs(big.evaluate({ n, d: 1, L: 1, c: 1 }) - want) / want).toBeLessThan(1e-9);
    expect(parseFormula('sum_{i=3}^{2} n', FORMULA_VARS.mlp).evaluate({ n: 5, d: 1, L: 1, c: 1 })).toBe(0); // empty
    expect(parseFormula('Σ_{k=1}^{d} k', FORMULA_VARS.pixelcnn).variables).toEqual(['d']); // the index hides k inside
  });

  test('the order of a sum is read for big-O answers', () => {
    const o = { vars: FORMULA_VARS.mlp, key: 'd*n + c*L*n^L', base: { d: 4, L: 3, n: 4, c: 4 } };
    expect(gradeOrder('dn + c\\sum_{m=1}^{L} m\\,n^m', o).ok).toBe(true);
    const g = gradeOrder('dn + c\\sum_{m=1}^{L} n^m', o);
    expect(g.feedback).toContain('off by a factor 1/L (asymptotically)');
  });

  test('readBigO keeps how an answer was read', () => {
    const r = readBigO('O(D K^2 h w)', FORMULA_VARS.pixelcnn);
    expect(r.text).toBe('d*k^2*H*W');
    expect(r.notes).toEqual(expect.arrayContaining(['read D as d', 'read K as k', 'read h as H', 'read w as W']));
  });
});

describe('mdrnn.ops: big-O is enough, an exact count is still accepted', () => {
  const ops = mdrnnTopic.claims.find((c) => c.id === 'mdrnn.ops')!;
  const run = (impl: Record<string, unknown>) => runClaim(ops, impl, mdrnnTopic.contract, makeContext());
  const exact = { mdrnnOpCount: mdrnnReference.mdrnnOpCount };
  const multsOnly = { mdrnnOpCount: (G: number, D: number, H: number) => G * G * H * (D + 2 * H) };
  test('the counting function alone', async () => {
    const r = await run(exact);
    expect(r.passed, r.message).toBe(true);
    expect(r.evidence.answeredBy).toBe('mdrnnOpCount');
  });
  test('neither export: the message names both', async () => {
    const r = await run({});
    expect(r.outcome).toBe('missing-export');
    expect(r.message).toMatch(/missing export `mdrnnOpCount`: expected/);
    expect(r.message).toContain('or instead export `mdrnnOpCountOrder`');
  });
  test('a right order earns the points even beside a wrong (or unwritten) counting function', async () => {
    const r = await run({ ...multsOnly, mdrnnOpCountOrder: 'O(G^2 H (D + H))' });
    expect(r.passed, r.message).toBe(true);
    expect(r.notes.join('\n')).toContain('mdrnnOpCount is not right');
    const stub = await run({
      mdrnnOpCount: () => {
        throw new Error('not implemented');
      },
      mdrnnOpCountOrder: 'O(G^2 H (D + H))',
    });
    expect(stub.passed, stub.message).toBe(true);
  });
  test('a wrong order beside a right counting function passes; beside a wrong one both are named', async () => {
    expect((await run({ ...exact, mdrnnOpCountOrder: 'O(G^2 H^2)' })).passed).toBe(true);
    const r = await run({ ...multsOnly, mdrnnOpCountOrder: 'O(G^2 H^2)' });
    expect(r.passed).toBe(false);
    expect(r.message).toContain('missing the G²·H·D term');
    expect(r.message).toContain('only multiplications are counted');
  });
  test('an empty string (the starter) is no answer: the counting function is graded', async () => {
    const r = await run({ ...multsOnly, mdrnnOpCountOrder: '' });
    expect(r.passed).toBe(false);
    expect(r.message).toContain('only multiplications are counted');
  });
});
