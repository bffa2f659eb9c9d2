/**
 * Formula answers: a student answers a counting question with a formula string
 * (`d*n + (L-1)*n^2 + n*c`).  This module grades such a string three ways:
 *
 *  1. parsing by the one formula parser (src/verify/formula.ts): implied products over the declared
 *     variables (`dn`, `n^2(L-1)`), case (`C` read as c, noted), sums with symbolic bounds, LaTeX; a
 *     clear error with a caret for a malformed or ambiguous string (`n^2L`: "write n^2*L or n^(2*L)");
 *  2. numeric agreement with the truth (an instrumented counter, a built model's count, or the
 *     key's formula) at seeded random points — this is the arbiter;
 *  3. symbolic equivalence with the key by nerdamer, reported alongside but never trusted alone
 *     (measured: it keeps every expression until `flush()`, misses `2^L*2^L = 4^L`, and one
 *     `simplify` returned a wrong result; we only ever call `expand((A)-(B))` on our own
 *     canonical text, with variables renamed so that `E`, `e` or `pi` cannot become constants).
 *
 * For complexity questions (`gradeOrder`) the answer must have the key's order: the ratio
 * answer/key must stay bounded as each variable grows alone, probed numerically.  Feedback names
 * what is off: "missing the d·n term", "counts the biases L·n + c twice", "off by a factor n",
 * "grows like n^(L−1) in n; the true cost grows like n^L".
 */
import nerdamer from 'nerdamer';
import 'nerdamer/Algebra.js';
import { Matrix, solve } from 'ml-matrix';
import { makeRng } from './rng.ts';
import { additiveTerms, evaluate, exprText, hasSum, parseFormula, prettyText, tryParse, type Env, type Formula } from './formula.ts';

// ---------------------------------------------------------------------------------------------
// parsing: the one formula parser (src/verify/formula.ts), re-exported for the graders' users

export { additiveTerms, evaluate, exprText, FormulaError, parseFormula, prettyText, readingLine, tryParse, type Env, type Expr, type Formula, type ParseOptions } from './formula.ts';

// ---------------------------------------------------------------------------------------------
// symbolic (nerdamer) — advisory

export type SymbolicVerdict = 'equal' | 'different' | 'unknown';

/** nerdamer's `expand((A)-(B)) == 0`, variables renamed to safe names; always flushed. */
export function symbolicEqual(a: Formula, b: Formula): { verdict: SymbolicVerdict; detail: string } {
  const names = [...new Set([...a.variables, ...b.variables])];
  const rename = (v: string): string => `q${names.indexOf(v)}x`;
  const hasMinMax = (f: Formula): boolean => /\b(max|min)\(/.test(f.text);
  if (hasMinMax(a) || hasMinMax(b)) return { verdict: 'unknown', detail: 'max/min are not compared symbolically' };
  // nerdamer leaves a sum with symbolic bounds unevaluated: numeric agreement decides alone
  if (hasSum(a.expr) || hasSum(b.expr)) return { verdict: 'unknown', detail: 'sums with symbolic bounds are compared numerically' };
  const toNerd = (f: Formula): string =>
    exprText(f.expr, rename)
      .replace(/\blog2\(/g, 'log2_(')
      .replace(/\blog10\(/g, 'log10_(')
      .replace(/\bln\(/g, 'log(');
  const fix = (s: string): string => s.replace(/log2_\(([^()]*)\)/g, '(log($1)/log(2))').replace(/log10_\(([^()]*)\)/g, '(log($1)/log(10))');
  try {
    const r = nerdamer(`expand((${fix(toNerd(a))})-(${fix(toNerd(b))}))`).toString();
    return r === '0' ? { verdict: 'equal', detail: 'expand(A − B) = 0' } : { verdict: 'different', detail: `expand(A − B) = ${r.replace(/q(\d+)x/g, (_, i: string) => names[Number(i)])}` };
  } catch (e) {
    return { verdict: 'unknown', detail: `nerdamer failed: ${(e as Error).message}` };
  } finally {
    nerdamer.flush();
  }
}

// ---------------------------------------------------------------------------------------------
// exact answers: numeric agreement (arbiter) + symbolic + named differences

/** Integer range per variable for random points. */
export type Domain = Record<string, [lo: number, hi: number]>;

export interface NamedTerm {
  /** the term as a formula in the same variables */
  expr: string;
  /** how feedback names it, e.g. "d·n term (input → first hidden weights)" */
  name: string;
  /** how feedback names this term together with the others of the same group when an answer has all of them
   *  the same wrong number of times (e.g. "biases L·n + c": both bias terms missing); otherwise each by its name */
  group?: string;
}

export interface ExactOptions {
  vars: string[];
  /** the key's formula */
  key: string;
  /** the truth at a point, when it comes from elsewhere (an instrumented counter, a built model); default: the key */
  truth?: (env: Env) => number;
  /** the key's terms for naming differences (they must sum to the key) */
  terms?: NamedTerm[];
  domain: Domain;
  points: number;
  seed: number;
  /** relative tolerance of the numeric agreement (default 1e-9) */
  tol?: number;
  /** extra points always checked (e.g. L = 1) */
  examples?: Env[];
}

export interface FormulaGrade {
  ok: boolean;
  /** set when the string did not parse: the parse error, for the student */
  parseError?: string;
  answer?: string;
  symbolic: SymbolicVerdict;
  symbolicDetail: string;
  /** points checked and the worst relative error there */
  cases: number;
  worstRelErr: number;
  /** the first point where answer and truth differ */
  mismatch?: { at: Env; expected: number; got: number };
  /** what is off, in words ("missing the d·n term") */
  feedback: string[];
  notes: string[];
}

const fmtEnv = (env: Env): string =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
const fmtNum = (x: number): string => (Number.isInteger(x) && Math.abs(x) < 1e15 ? x.toLocaleString('en-US') : x.toPrecision(6));

function randomPoints(domain: Domain, vars: string[], count: number, seed: number): Env[] {
  const rng = makeRng(seed);
  return Array.from({ length: count }, () => Object.fromEntries(vars.map((v) => [v, rng.int(domain[v][0], domain[v][1])])));
}

const relErr = (got: number, want: number): number => (got === want ? 0 : Math.abs(got - want) / Math.max(Math.abs(want), Math.abs(got), 1));

/** Is `f(x)/g(x)` the same constant or the same variable (power) at all points?  Names a factor. */
function factorBetween(num: number[], den: number[], pts: Env[], vars: string[]): string | undefined {
  const r = num.map((x, i) => x / den[i]);
  if (r.some((x) => !Number.isFinite(x) || x === 0)) return undefined;
  if (r.every((x) => relErr(x, r[0]) < 1e-9)) return relErr(r[0], 1) < 1e-9 ? undefined : `a constant factor ${+r[0].toPrecision(6)}`;
  for (const v of vars) {
    for (const p of [1, 2, -1, -2]) {
      if (r.every((x, i) => relErr(x, pts[i][v] ** p) < 1e-9)) return `a factor ${p === 1 ? v : p === -1 ? `1/${v}` : p > 0 ? `${v}^${p}` : `1/${v}^${-p}`}`;
    }
  }
  return undefined;
}

/** Explain answer − key as an integer combination of the key's named terms and the answer's own terms. */
function explainDifference(answer: Formula, key: Formula, terms: { f: Formula; name: string; group?: string }[], pts: Env[]): string[] | undefined {
  const own = additiveTerms(answer.expr).map((e) => ({ f: { ...answer, expr: e, text: exprText(e), evaluate: (env: Env) => evaluate(e, env) }, name: '' }));
  const colsOf = (fs: { f: Formula }[]) => fs.map(({ f }) => pts.map((p) => f.evaluate(p)));
  const keyCols = colsOf(terms);
  // the answer's own terms that are not a multiple of a key term become extra basis columns
  const extra = own.filter(({ f }) => {
    const c = pts.map((p) => f.evaluate(p));
    return !keyCols.some((k) => factorBetween(c, k, pts, []) !== undefined || c.every((x, i) => relErr(x, k[i]) < 1e-12));
  });
  const diff = pts.map((p) => answer.evaluate(p) - key.evaluate(p));
  // the key's terms alone first (a unique explanation when it exists), then with the answer's extra terms
  return fitTerms(terms, keyCols, diff, pts, key) ?? (extra.length ? fitTerms([...terms, ...extra], [...keyCols, ...colsOf(extra)], diff, pts, key, terms.length) : undefined);
}

function fitTerms(basis: { f: Formula; name: string; group?: string }[], cols: number[][], diff: number[], pts: Env[], key: Formula, nKey = basis.length): string[] | undefined {
  const terms = basis.slice(0, nKey);
  if (cols.some((c) => c.some((x) => !Number.isFinite(x)))) return undefined;
  const scale = cols.map((c) => Math.max(...c.map(Math.abs), 1e-300));
  const A = new Matrix(pts.map((_, i) => cols.map((c, j) => c[i] / scale[j])));
  let coef: number[];
  try {
    coef = solve(A, Matrix.columnVector(diff), true)
      .getColumn(0)
      .map((x, j) => x / scale[j]);
  } catch {
    return undefined;
  }
  const rounded = coef.map((x) => Math.round(x * 2) / 2);
  const resid = pts.map((_, i) => diff[i] - rounded.reduce((s, a, j) => s + a * cols[j][i], 0));
  const maxRef = Math.max(...pts.map((p) => Math.abs(key.evaluate(p))), 1);
  if (resid.some((x) => Math.abs(x) > 1e-9 * maxRef)) return undefined;
  const out: string[] = [];
  rounded.forEach((a, j) => {
    if (a === 0) return;
    const b = basis[j];
    if (j < terms.length) {
      const have = 1 + a;
      // a group whose members are all off by the same count is named once, by its group name
      const members = b.group === undefined ? [] : terms.map((t, k) => (t.group === b.group ? k : -1)).filter((k) => k >= 0);
      const whole = members.length > 1 && members.every((k) => rounded[k] === a);
      if (whole && members[0] !== j) return;
      const name = whole ? b.group! : b.name;
      if (have === 0) out.push(`missing the ${name}`);
      else if (have === 2) out.push(`counts the ${name} twice`);
      else if (have === -1) out.push(`has the ${name} with the wrong sign`);
      else out.push(`has ${have}× the ${name} (the key has it once)`);
    } else out.push(`has an extra term ${a === 1 ? '' : `${a}·`}${prettyText(b.f)} that the true count does not have`);
  });
  return out.length ? out : undefined;
}

/**
 * Grade an exact formula answer: the numeric truth at `points` random points (plus examples)
 * decides; nerdamer's verdict and a named explanation of the difference are reported with it.
 */
export function gradeExact(source: unknown, o: ExactOptions): FormulaGrade {
  const key = parseFormula(o.key, o.vars);
  const base: FormulaGrade = { ok: false, symbolic: 'unknown', symbolicDetail: '', cases: 0, worstRelErr: Infinity, feedback: [], notes: [] };
  const parsed = tryParse(source, o.vars);
  if (!parsed.formula) return { ...base, parseError: parsed.error, feedback: [`the formula does not parse: ${parsed.error}`] };
  const f = parsed.formula;
  const truth = o.truth ?? ((env: Env) => key.evaluate(env));
  const pts = [...(o.examples ?? []), ...randomPoints(o.domain, o.vars, o.points, o.seed)];
  let worst = 0;
  let mismatch: FormulaGrade['mismatch'];
  const got: number[] = [],
    want: number[] = [];
  for (const p of pts) {
    const g = f.evaluate(p),
      w = truth(p);
    got.push(g);
    want.push(w);
    const e = Number.isFinite(g) ? relErr(g, w) : Infinity;
    if (e > worst) worst = e;
    if (e > (o.tol ?? 1e-9) && (!mismatch || (Number.isFinite(mismatch.got) && !Number.isFinite(g)))) mismatch = { at: p, expected: w, got: g };
  }
  const sym = symbolicEqual(f, key);
  const feedback: string[] = [];
  const notes = [...f.notes];
  if (!mismatch && sym.verdict === 'different') notes.push(`nerdamer could not show the answer equals the key (${sym.detail}); numeric agreement at ${pts.length} points decides`);
  if (mismatch) {
    if (!Number.isFinite(mismatch.got)) feedback.push(`your formula is not a finite number at ${fmtEnv(mismatch.at)} (a division by zero?)`);
    else {
      const factor = factorBetween(got, want, pts, o.vars);
      if (factor) feedback.push(`off by ${factor}`);
      else {
        const named: NamedTerm[] = o.terms ?? additiveTerms(key.expr).map((e) => ({ expr: exprText(e), name: `${prettyText(exprText(e))} term` }));
        const terms = named.map((t) => ({ f: parseFormula(t.expr, o.vars), name: t.name, group: t.group }));
        const explained = explainDifference(f, key, terms, pts.slice(0, Math.max(12, terms.length + 8)));
        if (explained) feedback.push(...explained);
      }
      feedback.push(`at ${fmtEnv(mismatch.at)} the true count is ${fmtNum(mismatch.expected)}, your formula gives ${fmtNum(mismatch.got)}`);
    }
  }
  return { ok: !mismatch, answer: f.text, symbolic: sym.verdict, symbolicDetail: sym.detail, cases: pts.length, worstRelErr: worst, mismatch, feedback, notes };
}

// ---------------------------------------------------------------------------------------------
// orders of growth

export interface OrderOptions {
  vars: string[];
  /** the key's order formula, e.g. `d*n + (L-1)*n^2 + n*c` */
  key: string;
  /** the point every variable grows from (others held there); use values ≥ 2 */
  base: Env;
  /** the key's terms, named, to say which one a wrong answer misses */
  terms?: NamedTerm[];
  /** largest factor a variable is grown by (default 2^20) */
  maxGrowth?: number;
}

export interface GrowthProbe {
  variable: string;
  /** log2(answer/key) at the largest probe minus at the previous one: ≈ 0 when bounded */
  ratioSlope: number;
  /** answer/key at the probes (powers of two times the base value) */
  ratios: number[];
  answerGrowth: string;
  keyGrowth: string;
  ok: boolean;
}

export interface OrderGrade {
  ok: boolean;
  parseError?: string;
  answer?: string;
  probes: GrowthProbe[];
  feedback: string[];
  notes: string[];
}

/** f at `base` with `v` set to x. */
const at = (f: (e: Env) => number, base: Env, v: string, x: number): number => f({ ...base, [v]: x });

/** The growth of f in v from `base`: 'v^e' by the log-log slope at the largest finite probe, or exponential. */
export function growthIn(f: (e: Env) => number, base: Env, v: string, maxGrowth = 2 ** 20): { kind: 'poly'; exponent: number } | { kind: 'exp'; perUnit: number } | { kind: 'none' } {
  const x0 = Math.max(base[v], 1);
  const xs: number[] = [];
  for (let x = x0; x <= x0 * maxGrowth; x *= 2) {
    const y = at(f, base, v, x);
    if (!Number.isFinite(y) || !Number.isFinite(at(f, base, v, x + 1))) break;
    xs.push(x);
  }
  if (xs.length < 3) return { kind: 'none' };
  const slope = (a: number, b: number): number => Math.log2(Math.abs(at(f, base, v, b)) / Math.abs(at(f, base, v, a))) / Math.log2(b / a);
  const n = xs.length;
  const s1 = slope(xs[n - 3], xs[n - 2]),
    s2 = slope(xs[n - 2], xs[n - 1]);
  // exponential: the log-log slope keeps growing like x (doubling x doubles the slope)
  if (s2 > 3 && s2 > 1.6 * s1) {
    const x = xs[n - 1];
    return { kind: 'exp', perUnit: Math.abs(at(f, base, v, x + 1) / at(f, base, v, x)) };
  }
  return { kind: 'poly', exponent: s2 };
}

const roundHalf = (x: number): number => Math.round(x * 2) / 2;
const near = (x: number, tol = 0.05): boolean => Math.abs(x - roundHalf(x)) < tol;

function fmtExponent(a: number, u: string | undefined, b: number): string {
  // exponent a·u + b
  const parts: string[] = [];
  if (u && a !== 0) parts.push(a === 1 ? u : a === -1 ? `−${u}` : `${a}${u}`);
  if (b !== 0 || !parts.length) parts.push(parts.length ? (b > 0 ? `+${b}` : `−${-b}`) : String(b));
  return parts.join('');
}

/** "n^(L−1)", "d", "a constant in c", "exponentially in L (×8 per unit)". */
function describeGrowth(f: (e: Env) => number, base: Env, v: string, vars: string[], maxGrowth: number): string {
  const g = growthIn(f, base, v, maxGrowth);
  if (g.kind === 'none') return `(could not be probed in ${v})`;
  if (g.kind === 'exp') return `exponentially in ${v} (×${+g.perUnit.toPrecision(3)} per unit of ${v})`;
  const e = g.exponent;
  // does the exponent depend on another variable (n^L)?  affine in u: e(u+1) − e(u)
  for (const u of vars) {
    if (u === v) continue;
    const g2 = growthIn(f, { ...base, [u]: base[u] + 1 }, v, maxGrowth);
    if (g2.kind !== 'poly') continue;
    const a = g2.exponent - e;
    if (Math.abs(a) > 0.5 && near(a) && near(e)) {
      const A = roundHalf(a),
        B = roundHalf(e) - A * base[u];
      const ex = fmtExponent(A, u, B);
      return ex.length === 1 ? `${v}^${ex}` : `${v}^(${ex})`;
    }
  }
  if (near(e, 0.03)) {
    const r = roundHalf(e);
    if (r === 0) return `1 (does not grow with ${v})`;
    return r === 1 ? v : `${v}^${r}`;
  }
  return `${v}^${e.toFixed(2)}${e > Math.round(e) && e - Math.round(e) < 0.2 ? ' (a log factor?)' : ''}`;
}

/**
 * Grade an order-of-growth answer: for each variable grown alone from `base` (×2 steps up to
 * `maxGrowth`), the ratio answer/key must stop changing (|Δlog2 ratio| per doubling < 0.1 at the
 * end) and stay positive and finite.
 */
export function gradeOrder(source: unknown, o: OrderOptions): OrderGrade {
  const key = parseFormula(o.key, o.vars, { allowOrder: true });
  const parsed = tryParse(source, o.vars, { allowOrder: true });
  if (!parsed.formula) return { ok: false, parseError: parsed.error, probes: [], feedback: [`the formula does not parse: ${parsed.error}`], notes: [] };
  const f = parsed.formula;
  const maxGrowth = o.maxGrowth ?? 2 ** 20;
  const probes: GrowthProbe[] = [];
  const feedback: string[] = [];
  const f0 = f.evaluate(o.base);
  if (!Number.isFinite(f0) || f0 <= 0) {
    feedback.push(`your formula is ${fmtNum(f0)} at ${fmtEnv(o.base)}: a cost must be a positive number`);
    return { ok: false, answer: f.text, probes, feedback, notes: f.notes };
  }
  const terms = (o.terms ?? []).map((t) => ({ f: parseFormula(t.expr, o.vars), name: t.name }));
  for (const v of o.vars) {
    const x0 = Math.max(o.base[v], 1);
    const ratios: number[] = [];
    for (let x = x0; x <= x0 * maxGrowth; x *= 2) {
      const a = at(f.evaluate, o.base, v, x),
        b = at(key.evaluate, o.base, v, x);
      if (!Number.isFinite(a) || !Number.isFinite(b)) {
        if (Number.isFinite(b)) ratios.push(Infinity);
        break;
      }
      ratios.push(a / b);
    }
    const n = ratios.length;
    const last = ratios[n - 1];
    const slope = n >= 2 ? Math.log2(Math.abs(ratios[n - 1] / ratios[n - 2])) : 0;
    // bounded: the ratio stops changing at the end (last doubling) and over the second half of the range
    // (a log factor changes it by a factor ≈ 2 between x = 2^10 and 2^20)
    const mid = ratios[Math.floor((n - 1) / 2)];
    const ok = n >= 3 && Number.isFinite(last) && last > 0 && Math.abs(slope) < 0.1 && Math.abs(Math.log2(last / mid)) < 0.25;
    const probe: GrowthProbe = {
      variable: v,
      ratioSlope: Number.isFinite(slope) ? slope : 99,
      ratios,
      answerGrowth: describeGrowth(f.evaluate, o.base, v, o.vars, maxGrowth),
      keyGrowth: describeGrowth(key.evaluate, o.base, v, o.vars, maxGrowth),
      ok,
    };
    probes.push(probe);
    if (!ok) {
      const grows = (g: string): string => (g.startsWith('exponentially') ? `grows ${g}` : g.startsWith('1 (') ? g.slice(3, -1) : `grows like ${g}`);
      let line = `in ${v}: your formula ${grows(probe.answerGrowth)}; the true cost ${grows(probe.keyGrowth)}`;
      const s = roundHalf(slope);
      const poly = !probe.answerGrowth.startsWith('exponentially') && !probe.keyGrowth.startsWith('exponentially');
      const ratioNote = (poly || probe.answerGrowth.slice(0, 20) === probe.keyGrowth.slice(0, 20)) && Math.abs(s) <= 4;
      if (Number.isFinite(slope) && Math.abs(slope - s) < 0.1 && Number.isInteger(s) && ratioNote) line += ` (your formula / true cost ~ ${v}^${s})`;
      if (slope < 0 && terms.length) {
        // name the key term that grows fastest in v
        const best = terms
          .map((t) => ({ t, g: growthIn(t.f.evaluate, o.base, v, maxGrowth) }))
          .map(({ t, g }) => ({ t, s: g.kind === 'exp' ? 1e9 : g.kind === 'poly' ? g.exponent : -1 }))
          .sort((a, b) => b.s - a.s)[0];
        if (best && best.s > 0.5) line += ` — missing the ${best.t.name}`;
      } else if (slope > 0) line += ' — too large';
      feedback.push(line);
    }
  }
  // a factor in one variable only (answer/key grows like v or 1/v, bounded in the others) is worth naming
  if (feedback.length) {
    const bad = probes.filter((p) => !p.ok);
    if (bad.length === 1 && probes.every((p) => p.ok || p.ratios.length >= 3)) {
      const s = roundHalf(bad[0].ratioSlope);
      if (Math.abs(bad[0].ratioSlope - s) < 0.1 && s !== 0 && Number.isInteger(s) && !bad[0].answerGrowth.startsWith('1 (')) {
        const v = bad[0].variable;
        feedback.unshift(`off by a factor ${s === 1 ? v : s === -1 ? `1/${v}` : s > 0 ? `${v}^${s}` : `1/${v}^${-s}`} (asymptotically)`);
      }
    }
  }
  return { ok: feedback.length === 0, answer: f.text, probes, feedback, notes: f.notes };
}
