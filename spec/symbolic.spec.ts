/**
 * Unit tests of the formula engine (src/verify/symbolic.ts): parsing and its errors, canonical
 * text round trips, nerdamer's advisory verdicts (and the failure cases measured), exact grading
 * with named differences, and order-of-growth grading.
 */
import nerdamer from 'nerdamer';
import { describe, expect, test } from 'vitest';
import { fc } from '../src/verify/property.ts';
import { additiveTerms, evaluate, exprText, FormulaError, gradeExact, gradeOrder, growthIn, parseFormula, prettyText, symbolicEqual, tryParse, type Expr } from '../src/verify/symbolic.ts';

const V = ['d', 'L', 'n', 'c'];
const env = { d: 3, L: 4, n: 5, c: 2 };
const val = (s: string, e: Record<string, number> = env): number => parseFormula(s, V, { allowOrder: true }).evaluate(e);
const err = (s: unknown, opts = {}): string => {
  try {
    parseFormula(s, V, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(FormulaError);
    return (e as Error).message;
  }
  throw new Error(`expected ${String(s)} to be rejected`);
};

describe('parseFormula', () => {
  test('sums, products, powers, unary minus, functions, unicode operators', () => {
    expect(val('d*n + (L-1)*n^2 + n*c')).toBe(3 * 5 + 3 * 25 + 10);
    expect(val('2^3^2')).toBe(2 ** 9); // right-associative
    expect(val('-n^2')).toBe(-25); // ^ binds tighter than unary minus
    expect(val('2^-L')).toBe(1 / 16);
    expect(val('n**2 − d·c × 1')).toBe(25 - 6);
    expect(val('n² + n³')).toBe(25 + 125);
    expect(val('+n - -d')).toBe(8);
    expect(val('[n + {d}]')).toBe(8);
    expect(val('log2(8) + ln(1) + log(1) + log10(100) + exp(0) + sqrt(n*n) + max(d, c) + min(d, c)')).toBe(3 + 0 + 0 + 2 + 1 + 5 + 3 + 2);
    expect(val('1.5e1 + .5')).toBe(15.5);
    expect(val('12 / 4 / 3')).toBe(1);
  });

  test('implicit products of a number or a group are read and noted', () => {
    const f = parseFormula('2n + (L-1)n^2 + n (c)', V);
    expect(f.evaluate(env)).toBe(10 + 75 + 10);
    expect(f.notes.length).toBe(3);
    expect(f.notes[0]).toContain('implicit product');
    expect(f.text).toBe('2*n + (L - 1)*n^2 + n*c');
  });

  test('letters written together are read as products of the declared variables; a number glued after a letter is refused', () => {
    expect(val('nL + 1')).toBe(21);
    expect(parseFormula('dn', V).text).toBe('d*n');
    expect(val('2nL')).toBe(40); // "2" is a number token, then nL
    expect(err('n2L')).toContain('write n*2*L');
  });

  test('malformed strings give a clear error with the position', () => {
    expect(err('(d+n')).toMatch(/expected "\)" to close the "\(" at position 1 but found the end/);
    expect(err('d+*n')).toMatch(/unexpected "\*" at position 3/);
    expect(err('d+')).toContain('ends too early');
    expect(err('d)')).toContain('a ")" without its "("');
    expect(err('d $ n')).toContain('unexpected character "$"');
    expect(err('k*n')).toContain('unknown variable "k"; the formula may use only d, L, n, c');
    expect(err('n^2L')).toContain('ambiguous exponent');
    expect(err('n 2')).toContain('a number right after a factor is ambiguous');
    expect(err('log n')).toContain('log must be followed by "("');
    expect(err('max(n)')).toContain('max takes 2 argument(s), got 1');
    expect(err('')).toContain('empty');
    expect(err('   ')).toContain('empty');
    expect(err(42)).toContain('expected a formula string, got number');
    expect(err(null)).toContain('got null');
    expect(err('1..2')).toContain('a number right after a factor');
    expect(err('.')).toContain('malformed number');
    expect(err('n+'.repeat(1500) + 'n')).toContain('at most 2000 are accepted');
    expect(err('('.repeat(150) + 'n' + ')'.repeat(150))).toContain('nested more than 100 deep');
    expect(parseFormula('-'.repeat(1900) + 'n', V).evaluate(env)).toBe(5); // long unary chains stay within the stack
    expect(parseFormula('1^'.repeat(600) + 'n', V).evaluate(env)).toBe(1);
  });

  test('order wrappers: only with allowOrder, only around the whole answer', () => {
    expect(parseFormula('Θ(d*n)', V, { allowOrder: true }).order).toBe(true);
    expect(parseFormula('O(n^L)', V, { allowOrder: true }).text).toBe('n^L');
    expect(parseFormula('Theta(n)', V, { allowOrder: true }).order).toBe(true);
    expect(err('O(n)')).toContain('asks for an exact count');
    expect(err('d + O(n)', { allowOrder: true })).toContain('may only wrap the whole answer');
    expect(err('O(n) + d', { allowOrder: true })).toContain('may only wrap the whole answer');
  });

  test('tryParse returns the error instead of throwing', () => {
    expect(tryParse('n^2L', V).error).toContain('write n^2*L or n^(2*L)');
    expect(tryParse('n*L', V).formula?.variables).toEqual(['L', 'n']);
  });

  test('evaluate: a variable without a value is an error', () => {
    expect(() => evaluate({ kind: 'var', name: 'q' }, {})).toThrow(/no value for variable q/);
  });

  test('canonical text parses back to the same function (random expression trees)', () => {
    const leaf: fc.Arbitrary<Expr> = fc.oneof(
      fc.integer({ min: 1, max: 5 }).map((value): Expr => ({ kind: 'num', value })),
      fc.constantFrom(...V).map((name): Expr => ({ kind: 'var', name })),
    );
    const tree = fc.letrec<{ e: Expr }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        tie('e').map((a): Expr => ({ kind: 'neg', a })),
        fc
          .record({ op: fc.constantFrom('+', '-', '*', '/', '^'), a: tie('e'), b: tie('e') })
          .map(({ op, a, b }): Expr => ({ kind: 'bin', op: op as '+', a, b: op === '^' ? { kind: 'num', value: 2 } : b })),
      ),
    })).e;
    fc.assert(
      fc.property(tree, (e) => {
        const text = exprText(e);
        const back = parseFormula(text, V);
        const a = evaluate(e, env),
          b = back.evaluate(env);
        if (Number.isFinite(a)) expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
        expect(exprText(back.expr)).toBe(text);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  test('prettyText and additive terms', () => {
    expect(prettyText('(L-1)*n^2 + n^3')).toBe('(L−1)·n² + n³');
    expect(prettyText(parseFormula('d*n', V))).toBe('d·n');
    const terms = additiveTerms(parseFormula('d*n - (L-1)*n^2 + c', V).expr).map((t) => exprText(t));
    expect(terms).toEqual(['d*n', '-((L - 1)*n^2)', 'c']);
  });
});

describe('symbolicEqual (nerdamer, advisory)', () => {
  const P = (s: string) => parseFormula(s, [...V, 'E', 'e', 'pi', 'x']);
  test('equal and different polynomials', () => {
    expect(symbolicEqual(P('d*n + (L-1)*n^2 + n*c'), P('n*(d + c + L*n - n)')).verdict).toBe('equal');
    const r = symbolicEqual(P('d*n + L*n^2'), P('d*n'));
    expect(r.verdict).toBe('different');
    expect(r.detail).toContain('L'); // variables are named back
  });
  test('variables named like constants (E, e, pi) stay variables', () => {
    expect(symbolicEqual(P('E*n + e + pi'), P('n*E + pi + e')).verdict).toBe('equal');
    expect(symbolicEqual(P('E'), P('e')).verdict).toBe('different');
  });
  test('measured failure: nerdamer does not see 2^L*2^L = 4^L (numeric agreement must decide)', () => {
    expect(symbolicEqual(P('2^L*2^L'), P('4^L')).verdict).toBe('different');
    const g = gradeExact('2^L*2^L', { vars: V, key: '4^L', domain: { d: [1, 3], L: [1, 10], n: [1, 3], c: [1, 3] }, points: 10, seed: 1 });
    expect(g.ok).toBe(true);
    expect(g.notes.join()).toContain('numeric agreement at 10 points decides');
  });
  test('measured failure: nerdamer does not see 2^(L+1) = 2*2^L', () => {
    expect(symbolicEqual(P('2^(L+1)'), P('2*2^L')).verdict).toBe('different');
    expect(symbolicEqual(P('n^(L+1)'), P('n*n^L')).verdict).toBe('equal');
  });
  test('nerdamer throwing (division by zero, log(0)) gives the verdict "unknown", not a crash', () => {
    const r = symbolicEqual(P('n/(n-n)'), P('n'));
    expect(r.verdict).toBe('unknown');
    expect(r.detail).toContain('nerdamer failed: Division by zero');
    expect(symbolicEqual(P('log(0)'), P('n')).verdict).toBe('unknown');
  });
  test('measured failure: expand does not cancel (x^2-1)/(x-1) = x+1', () => {
    expect(symbolicEqual(P('(x^2-1)/(x-1)'), P('x+1')).verdict).toBe('different');
  });
  test('log2/log10/ln are translated; max/min are not compared', () => {
    expect(symbolicEqual(P('log2(n)'), P('log(n)/log(2)')).verdict).toBe('equal');
    expect(symbolicEqual(P('log10(n) + ln(n)'), P('log(n)/log(10) + log(n)')).verdict).toBe('equal');
    expect(symbolicEqual(P('max(n, d)'), P('max(d, n)')).verdict).toBe('unknown');
  });
  test('every call is flushed: nerdamer keeps no expressions', () => {
    for (let i = 0; i < 5; i++) symbolicEqual(P(`n^${i}`), P('n'));
    expect(Object.keys(nerdamer.expressions()).length).toBe(0);
  });
});

describe('gradeExact', () => {
  const key = 'd*n + (L-1)*n^2 + n*c + L*n + c';
  const terms = [
    { expr: 'd*n', name: 'd·n term' },
    { expr: '(L-1)*n^2', name: '(L−1)·n² term' },
    { expr: 'n*c', name: 'n·c term' },
    { expr: 'L*n + c', name: 'biases L·n + c' },
  ];
  const o = { vars: V, key, terms, domain: { d: [1, 40], L: [1, 8], n: [1, 30], c: [1, 20] } as Record<string, [number, number]>, points: 24, seed: 3 };
  test('an equivalent form passes, with nerdamer agreeing', () => {
    const g = gradeExact('n*(d + (L-1)*n + c + L) + c', o);
    expect(g).toMatchObject({ ok: true, symbolic: 'equal', worstRelErr: 0, feedback: [] });
    expect(g.cases).toBe(24);
  });
  test('grouped terms: named together when all are off alike, apart otherwise', () => {
    const grouped = [...terms.slice(0, 3), { expr: 'L*n', name: 'hidden-layer biases L·n', group: 'biases L·n + c' }, { expr: 'c', name: 'output biases c', group: 'biases L·n + c' }];
    const og = { ...o, terms: grouped };
    expect(gradeExact('d*n + (L-1)*n^2 + n*c + L*n', og).feedback[0]).toBe('missing the output biases c');
    expect(gradeExact('d*n + (L-1)*n^2 + n*c', og).feedback[0]).toBe('missing the biases L·n + c');
    expect(gradeExact('d*n + (L-1)*n^2 + n*c + 2*(L*n + c)', og).feedback[0]).toBe('counts the biases L·n + c twice');
  });
  test('named differences: missing, twice, wrong sign, k×, extra term', () => {
    expect(gradeExact('c*n + n^2*(L-1) + c*n', o).feedback.slice(0, 3)).toEqual(['missing the d·n term', 'counts the n·c term twice', 'missing the biases L·n + c']);
    expect(gradeExact('d*n + (L-1)*n^2 + n*c + 2*(L*n + c)', o).feedback[0]).toBe('counts the biases L·n + c twice');
    expect(gradeExact('d*n + (L-1)*n^2 + n*c - L*n - c', o).feedback[0]).toBe('has the biases L·n + c with the wrong sign');
    expect(gradeExact('4*d*n + (L-1)*n^2 + n*c + L*n + c', o).feedback[0]).toBe('has 4× the d·n term (the key has it once)');
    const extra = gradeExact('d*n + L*n^2 + n*c + L*n + c + 7*d', o).feedback;
    expect(extra).toContain('has an extra term 7·d that the true count does not have');
    expect(extra.at(-1)).toMatch(/^at d=\d+, L=\d+, n=\d+, c=\d+ the true count is [\d,]+, your formula gives [\d,]+$/);
  });
  test('a factor between answer and truth is named', () => {
    expect(gradeExact(`2*(${key})`, o).feedback[0]).toBe('off by a constant factor 2');
    expect(gradeExact(`n*(${key})`, o).feedback[0]).toBe('off by a factor n');
    expect(gradeExact(`(${key})/c`, o).feedback[0]).toBe('off by a factor 1/c');
    expect(gradeExact(`L^2*(${key})`, o).feedback[0]).toBe('off by a factor L^2');
  });
  test('default terms are the key’s own additive terms', () => {
    const g = gradeExact('(L-1)*n^2 + n*c + L*n + c', { ...o, terms: undefined });
    expect(g.feedback[0]).toBe('missing the d·n term');
  });
  test('unparsable, non-finite and unexplained answers', () => {
    const p = gradeExact('dk + c', o);
    expect(p.ok).toBe(false);
    expect(p.parseError).toContain('unknown variable "k"');
    expect(p.feedback[0]).toContain('the formula does not parse');
    expect(gradeExact('n/(L-1)', { ...o, examples: [{ d: 2, L: 1, n: 2, c: 2 }] }).feedback[0]).toMatch(/not a finite number at .* division by zero/);
    expect(gradeExact('sqrt(d)*n', o).feedback).toContain('has an extra term sqrt(d)·n that the true count does not have');
    const odd = gradeExact('d^n', o).feedback; // too large for a term fit: only the point is reported
    expect(odd.length).toBe(1);
    expect(odd[0]).toMatch(/^at /);
  });
  test('the truth may come from elsewhere (a counter), and fixed examples are always checked', () => {
    const g = gradeExact('d*n', {
      vars: V,
      key: 'd*n',
      truth: (e) => e.d * e.n + (e.L === 1 ? 1 : 0),
      domain: { d: [1, 3], L: [2, 5], n: [1, 3], c: [1, 2] },
      points: 5,
      seed: 1,
      examples: [{ d: 1, L: 1, n: 1, c: 1 }],
    });
    expect(g.ok).toBe(false);
    expect(g.mismatch?.at).toEqual({ d: 1, L: 1, n: 1, c: 1 });
  });
});

describe('gradeOrder', () => {
  const base = { d: 4, L: 3, n: 4, c: 4 };
  const sgd = {
    vars: V,
    key: 'd*n + (L-1)*n^2 + n*c',
    base,
    terms: [
      { expr: 'd*n', name: 'd·n term' },
      { expr: '(L-1)*n^2', name: '(L−1)·n² term' },
      { expr: 'n*c', name: 'n·c term' },
    ],
  };
  const path = {
    vars: V,
    key: 'd*n + c*L*n^L',
    base,
    terms: [
      { expr: 'd*n', name: 'd·n term' },
      { expr: 'c*L*n^L', name: 'c·L·n^L term' },
    ],
  };
  test('same order passes: constants, lower-order terms and Θ(…) do not matter', () => {
    expect(gradeOrder('Θ(d*n + L*n^2 + n*c)', sgd).ok).toBe(true);
    expect(gradeOrder('3*d*n + 4*(L-1)*n^2 + 4*n*c + 3*L*n + c', sgd).ok).toBe(true);
    expect(gradeOrder('c*(L+1)*n^L + (L-1)*n^2 + 3*d*n', path).ok).toBe(true);
  });
  test('a missing term is named by the variable that does not grow', () => {
    const g = gradeOrder('L*n^2 + n*c', sgd);
    expect(g.ok).toBe(false);
    expect(g.feedback.join('\n')).toContain('in d: your formula does not grow with d; the true cost grows like d');
    expect(g.feedback.join('\n')).toContain('missing the d·n term');
  });
  test('exponents that depend on another variable are written symbolically', () => {
    const g = gradeOrder('d*n + c*L*n^(L-1)', path);
    expect(g.feedback).toContain('off by a factor 1/n (asymptotically)');
    expect(g.feedback.join('\n')).toContain('in n: your formula grows like n^(L−1); the true cost grows like n^L');
    expect(gradeOrder('d*n + c*L*n^(L+1)', path).feedback[0]).toBe('off by a factor n (asymptotically)');
    expect(gradeOrder('d*n + c*L*n^(2*L)', path).feedback.join()).toContain('n^(2L)');
  });
  test('exponential against polynomial growth', () => {
    const g = gradeOrder('O(n^L)', sgd).feedback.join('\n');
    expect(g).toContain('in L: your formula grows exponentially in L (×4 per unit of L); the true cost grows like L — too large');
    const h = gradeOrder('d*n + L*n^2', path).feedback.join('\n');
    expect(h).toContain('the true cost grows exponentially in L');
    expect(h).toContain('missing the c·L·n^L term');
  });
  test('non-integer and log growth are shown with decimals', () => {
    expect(gradeOrder('d*n + (L-1)*n^2 + sqrt(c)', sgd).feedback.join()).toContain('c^0.5');
    expect(gradeOrder('d*n*log2(d) + (L-1)*n^2 + n*c', sgd).feedback.join()).toMatch(/d\^1\.0\d/);
  });
  test('bad answers: unparsable, non-positive, overflowing', () => {
    expect(gradeOrder('n^2L', sgd).parseError).toContain('write n^2*L or n^(2*L)');
    expect(gradeOrder('d - n*c', sgd).feedback[0]).toContain('a cost must be a positive number');
    const big = gradeOrder('2^(2^(d))', sgd);
    expect(big.ok).toBe(false);
    expect(big.feedback.join()).toContain('in d');
  });
  test('growthIn: polynomial, exponential, not probeable', () => {
    const f = (e: Record<string, number>) => e.n ** 3;
    expect(growthIn(f, base, 'n')).toMatchObject({ kind: 'poly' });
    expect((growthIn(f, base, 'n') as { exponent: number }).exponent).toBeCloseTo(3, 6);
    expect(growthIn((e) => 3 ** e.L, base, 'L').kind).toBe('exp');
    expect(growthIn((e) => 10 ** (10 ** e.d), base, 'd').kind).toBe('none');
  });
});
