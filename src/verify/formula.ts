/**
 * The one parser of formula answers (counting formulas and O(·) answers alike), over the variables a
 * contract declares.  It reads formulas as students type them:
 *
 *  - implied products: `2n`, `dn`, `2nd`, `n^2(L-1)`, `G^2 H (D+H)`, `d k^2 H W` — a run of letters is
 *    cut into declared variables; a cut that is not unique (a declared multi-letter name that is also a
 *    product of others) is refused with both readings named;
 *  - case: a letter whose other case is the only declared match is read as it (`C` → c), noted;
 *  - sums with symbolic bounds: `sum_{i=1}^{L-1} (…)`, `Σ_{i=1}^{L-1} …`, `sum(i, 1, L-1, …)`; the body is
 *    the product that follows, as in written mathematics;
 *  - LaTeX as in a write-up: `$…$`, `\mathcal{O}(…)`, `\cdot`, `\times`, `\frac{a}{b}`, `\left(`/`\right)`,
 *    `{}` groups, `\sum`, `\log`, spacing commands;
 *  - order wrappers O(…), Θ(…), Ω(…) around the whole answer, where the caller allows them.
 *
 * What stays refused, with a message in the student's own symbols and a caret: unknown variables, a number
 * glued after a factor (`n2`, `n 2`), and a bare exponent followed by one glued variable (`n^2L`: n^2·L or
 * n^(2L)?).  Several glued factors after it (`k^2HW`, `G^2H(D+H)`) can only be factors, and in LaTeX
 * (`$n^2L$`) `^` takes one token, so neither is ambiguous.
 */

export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: string }
  | { kind: 'neg'; a: Expr }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/' | '^'; a: Expr; b: Expr }
  | { kind: 'call'; fn: string; args: Expr[] }
  | { kind: 'sum'; index: string; from: Expr; to: Expr; body: Expr };

export type Env = Record<string, number>;

const caret = (src: string, p: number): string => `\n    ${src}\n    ${' '.repeat(Math.max(0, p))}^`;

/** A malformed or ambiguous formula string; `message` is written for a student (with a caret line when the place is known). */
export class FormulaError extends Error {
  /** the message without the caret lines */
  readonly brief: string;
  constructor(
    brief: string,
    readonly position?: number,
    source?: string,
  ) {
    super(position !== undefined && source !== undefined ? `${brief}${caret(source, position)}` : brief);
    this.brief = brief;
    this.name = 'FormulaError';
  }
}

export interface Formula {
  source: string;
  expr: Expr;
  /** the declared variables it uses, in the declared order */
  variables: string[];
  /** wrapped in O(…), Θ(…) or Ω(…) */
  order: boolean;
  /** how the string was read where it was not explicit: implied products, case, LaTeX functions */
  notes: string[];
  /** canonical text with explicit `*` (what we show back and what nerdamer receives) */
  text: string;
  evaluate(env: Env): number;
}

export interface ParseOptions {
  /** accept an outer O(…)/Θ(…) (complexity answers); otherwise it is an error */
  allowOrder?: boolean;
}

export const FUNCTIONS: Record<string, { arity: number; f: (...x: number[]) => number }> = {
  log: { arity: 1, f: Math.log },
  ln: { arity: 1, f: Math.log },
  log2: { arity: 1, f: Math.log2 },
  log10: { arity: 1, f: Math.log10 },
  exp: { arity: 1, f: Math.exp },
  sqrt: { arity: 1, f: Math.sqrt },
  max: { arity: 2, f: Math.max },
  min: { arity: 2, f: Math.min },
};
const MAX_LENGTH = 2000;
const MAX_DEPTH = 100;
const ORDER_WRAPPERS = new Set(['O', 'Θ', 'Theta', 'theta', 'Ω', 'Omega', 'o']);
const SUM_WORDS = new Set(['sum', 'Sum', 'Σ', '∑']);

// ---------------------------------------------------------------------------------------------
// tokens

type Tok =
  | { t: 'num'; v: number; s: string; p: number; end: number }
  /** `run`: the letter run it was cut from (pieces of one run are one implied product); `cmd`: a LaTeX command;
   *  `exact`: a name from \mathrm{…} or \text{…}, never cut */
  | { t: 'id'; v: string; p: number; end: number; run?: number; cmd?: boolean; exact?: boolean }
  | { t: 'op'; v: string; s: string; p: number; end: number }
  | { t: 'frac'; p: number; end: number }
  | { t: 'end'; p: number; end: number };

const CHAR_OPS: Record<string, string> = {
  '+': '+',
  '-': '-',
  '−': '-',
  '–': '-',
  '*': '*',
  '·': '*',
  '⋅': '*',
  '×': '*',
  '∗': '*',
  '/': '/',
  '÷': '/',
  '^': '^',
  '(': '(',
  '[': '(',
  '{': '(',
  ')': ')',
  ']': ')',
  '}': ')',
  ',': ',',
  '=': '=',
  _: '_',
};
/** LaTeX commands that only space or size things */
const LATEX_SKIP = new Set([
  ',',
  ';',
  ':',
  '!',
  ' ',
  'quad',
  'qquad',
  'left',
  'right',
  'big',
  'Big',
  'bigg',
  'Bigg',
  'bigl',
  'bigr',
  'Bigl',
  'Bigr',
  'biggl',
  'biggr',
  'Biggl',
  'Biggr',
  'displaystyle',
  'textstyle',
  'limits',
  'nolimits',
]);
const LATEX_OPS: Record<string, string> = { cdot: '*', times: '*', ast: '*', div: '/', '{': '(', '}': ')' };
const LATEX_NAMES: Record<string, string> = { sum: 'sum', Sigma: 'sum', log: 'log', ln: 'ln', exp: 'exp', sqrt: 'sqrt', max: 'max', min: 'min', Theta: 'Θ', Omega: 'Ω' };
const LATEX_NAME_WRAPPERS = new Set(['mathcal', 'mathrm', 'mathit', 'mathbf', 'text', 'textrm', 'textit', 'operatorname']);

/** `$…$`, `$$…$$`, `\(…\)`, `\[…\]` around the whole formula become spaces (positions kept for the caret). */
function stripMathDelimiters(src: string): string {
  for (const [open, close] of [
    ['$$', '$$'],
    ['$', '$'],
    ['\\(', '\\)'],
    ['\\[', '\\]'],
  ]) {
    if (src.length >= open.length + close.length && src.startsWith(open) && src.endsWith(close)) {
      return ' '.repeat(open.length) + src.slice(open.length, src.length - close.length) + ' '.repeat(close.length);
    }
  }
  return src;
}

function tokenize(raw: string): Tok[] {
  const src = stripMathDelimiters(raw);
  const out: Tok[] = [];
  const err = (msg: string, p: number): never => {
    throw new FormulaError(msg, p, raw);
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch) || ch === '~') {
      i++;
      continue;
    }
    if (/[0-9.]/.test(ch)) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) err(`malformed number at position ${i + 1}:`, i);
      out.push({ t: 'num', v: Number(m![0]), s: m![0], p: i, end: i + m![0].length });
      i += m![0].length;
      continue;
    }
    if (/[A-Za-zΘΩ]/.test(ch)) {
      const m = /^[A-Za-zΘΩ][A-Za-z0-9]*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0], p: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    if (ch === 'Σ' || ch === '∑') {
      out.push({ t: 'id', v: 'sum', p: i, end: i + 1, cmd: true });
      i++;
      continue;
    }
    if (ch === '*' && src[i + 1] === '*') {
      out.push({ t: 'op', v: '^', s: '**', p: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (ch === '²' || ch === '³') {
      out.push({ t: 'op', v: '^', s: ch, p: i, end: i + 1 }, { t: 'num', v: ch === '²' ? 2 : 3, s: ch === '²' ? '2' : '3', p: i, end: i + 1 });
      i++;
      continue;
    }
    if (ch === '\\') {
      const m = /^\\([A-Za-z]+|.)/.exec(src.slice(i));
      if (!m) err('a "\\" at the end of the formula', i);
      const name = m![1],
        end = i + m![0].length;
      if (LATEX_SKIP.has(name)) {
        i = end;
        // \left. and \right. are invisible delimiters
        if ((name === 'left' || name === 'right') && src[i] === '.') i++;
        continue;
      }
      if (LATEX_OPS[name]) {
        const v = LATEX_OPS[name];
        out.push({ t: 'op', v, s: m![0], p: i, end });
        i = end;
        continue;
      }
      if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
        out.push({ t: 'frac', p: i, end });
        i = end;
        continue;
      }
      if (LATEX_NAMES[name]) {
        out.push({ t: 'id', v: LATEX_NAMES[name], p: i, end, cmd: true });
        i = end;
        continue;
      }
      if (LATEX_NAME_WRAPPERS.has(name)) {
        // \mathcal{O}, \mathcal O, \mathrm{nL}: the content is one name
        const g = /^\s*(?:\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}|([A-Za-z]))/.exec(src.slice(end));
        if (!g) err(`\\${name} must be followed by a name in braces, e.g. \\${name}{O}`, i);
        const content = g![1] ?? g![2];
        out.push({ t: 'id', v: content, p: i, end: end + g![0].length, cmd: true, exact: true });
        i = end + g![0].length;
        continue;
      }
      if (['cdots', 'ldots', 'dots', 'dotsb', 'dotsc', 'vdots'].includes(name)) {
        err(`"\\${name}" cannot be evaluated: write the sum as sum_{i=1}^{L} (…) or in closed form`, i);
      }
      err(`unknown LaTeX command "\\${name}" at position ${i + 1}`, i);
    }
    const op = CHAR_OPS[ch];
    if (op) {
      out.push({ t: 'op', v: op, s: ch, p: i, end: i + 1 });
      i++;
      continue;
    }
    err(`unexpected character "${ch}" at position ${i + 1}:`, i);
  }
  out.push({ t: 'end', p: src.length, end: src.length });
  return out;
}

// ---------------------------------------------------------------------------------------------
// cutting a run of letters into declared names

interface Piece {
  /** a declared or bound name, a number, or a function name (last, before "(") */
  kind: 'name' | 'num' | 'fn';
  v: string;
  /** offset in the run and length */
  at: number;
  len: number;
  /** the letter as typed when its case was changed */
  typed?: string;
}

/** Every cut of `run` into names, digit groups and (last, when `fnLast`) a function name; at most `limit`. */
function cuts(run: string, names: string[], fold: Map<string, string> | undefined, fnLast: boolean, limit = 4): Piece[][] {
  const out: Piece[][] = [];
  // positions from which no cut reaches the end: each is explored once
  const dead = new Set<number>();
  const go = (at: number, acc: Piece[]): void => {
    if (out.length >= limit || dead.has(at)) return;
    if (at === run.length) {
      out.push(acc);
      return;
    }
    const before = out.length;
    step(at, acc);
    if (out.length === before) dead.add(at);
  };
  const step = (at: number, acc: Piece[]): void => {
    const rest = run.slice(at);
    if (fnLast && FUNCTIONS[rest] && acc.length) out.push([...acc, { kind: 'fn', v: rest, at, len: rest.length }]);
    const digits = /^\d+/.exec(rest);
    if (digits) return go(at + digits[0].length, [...acc, { kind: 'num', v: digits[0], at, len: digits[0].length }]);
    for (const n of names) if (rest.startsWith(n)) go(at + n.length, [...acc, { kind: 'name', v: n, at, len: n.length }]);
    const f = fold?.get(rest[0]);
    if (f) go(at + 1, [...acc, { kind: 'name', v: f, at, len: 1, typed: rest[0] }]);
  };
  go(0, []);
  return out;
}

const joinPieces = (ps: Piece[], sep = '*'): string => ps.map((p) => (p.kind === 'fn' ? `${p.v}(…)` : p.v)).join(sep);

// ---------------------------------------------------------------------------------------------
// parsing

/**
 * Parse a formula in the declared variables `vars`.  Grammar: sums of products of powers; `^` and `**` are
 * powers (right-associative, binding tighter than a unary minus); implied products as described above;
 * functions log/ln/log2/log10/exp/sqrt/max/min; sums with bounds.  Throws FormulaError with a caret for
 * malformed or ambiguous strings.
 */
export function parseFormula(source: unknown, vars: string[], opts: ParseOptions = {}): Formula {
  if (typeof source !== 'string') throw new FormulaError(`expected a formula string, got ${source === null ? 'null' : typeof source}`);
  const src = source.trim();
  if (src === '') throw new FormulaError('the formula is empty');
  if (src.length > MAX_LENGTH) throw new FormulaError(`the formula is ${src.length} characters long; at most ${MAX_LENGTH} are accepted`);
  const toks = tokenize(src);
  // in LaTeX `^` takes one token: `$n^2L$` is n²·L
  const latex = /[\\${}]/.test(src);
  const notes: string[] = [];
  const bound: string[] = [];
  let k = 0;
  let runs = 0;
  let order = false;
  let depth = 0;
  const fail = (msg: string, p: number): never => {
    throw new FormulaError(msg, p, src);
  };
  const peek = (): Tok => toks[k];
  const isOp = (t: Tok, v: string): boolean => t.t === 'op' && t.v === v;
  const shown = (t: Tok): string => (t.t === 'op' ? t.s : t.t === 'num' ? t.s : t.t === 'id' ? t.v : t.t === 'frac' ? '\\frac' : '');
  const text = (from: number, to: number): string => src.slice(toks[from].p, toks[to - 1].end);
  const glued = (i: number): boolean => i > 0 && toks[i].p === toks[i - 1].end;
  const closer = (open: Tok): string => (open.t === 'op' && (open.s === '{' || open.s === '\\{') ? '}' : open.t === 'op' && open.s === '[' ? ']' : ')');
  const expect = (v: string, open?: Tok): void => {
    const t = peek();
    if (!isOp(t, v)) {
      const what = t.t === 'end' ? 'the end of the formula' : `"${shown(t)}"`;
      const want = v === ')' && open ? closer(open) : v;
      const why = v === ')' && open ? ` to close the "${open.t === 'op' ? open.s : '('}" at position ${open.p + 1}` : '';
      const unbalanced = v === ')' && t.t === 'end' ? 'unbalanced parentheses: ' : '';
      fail(`${unbalanced}expected "${want}"${why} but found ${what} at position ${t.p + 1}:`, t.p);
    }
    k++;
  };
  const declared = (): string[] => [...new Set([...bound.slice().reverse(), ...vars])].sort((a, b) => b.length - a.length);
  const foldMap = (): Map<string, string> => {
    // a letter whose other case is the only declared (or bound) name of that letter
    const names = new Set([...vars, ...bound]);
    const m = new Map<string, string>();
    for (const v of names) {
      if (v.length !== 1) continue;
      const other = v === v.toLowerCase() ? v.toUpperCase() : v.toLowerCase();
      if (other !== v && !names.has(other)) m.set(other, v);
    }
    return m;
  };

  /** Replace the letter run at `i` by its pieces (one token each), or throw the student-facing reason. */
  function resolveRun(i: number): void {
    const t = toks[i];
    if (t.t !== 'id' || t.run !== undefined) return;
    const run = t.v;
    const nextParen = isOp(toks[i + 1], '(');
    const names = declared();
    if (t.exact) {
      if (!names.includes(run)) fail(`unknown variable "${run}"; the formula may use only ${vars.join(', ')}`, t.p);
      t.run = runs++;
      return;
    }
    let all = cuts(run, names, undefined, nextParen);
    if (!all.length) all = cuts(run, names, foldMap(), nextParen);
    if (all.length > 1) {
      // a declared multi-letter name that is also a product of others: both readings, and how to write each
      const [a, b] = all;
      const reading = (ps: Piece[]): string => (ps.length === 1 ? `the variable ${ps[0].v}` : `the product ${joinPieces(ps, '·')}`);
      const spell = (ps: Piece[]): string => ps.map((q) => (q.v.length > 1 && q.kind === 'name' ? `\\mathrm{${q.v}}` : q.v)).join('*');
      fail(`"${run}" can be read two ways: ${reading(a)} or ${reading(b)}; write ${spell(a)} or ${spell(b)}`, t.p);
    }
    if (!all.length) {
      // name the first letter that no declared variable matches
      const known = declared();
      const fm = foldMap();
      const reach = new Set<number>([0]);
      let stuck = 0;
      for (let at = 0; at < run.length; at++) {
        if (!reach.has(at)) continue;
        stuck = Math.max(stuck, at);
        const rest = run.slice(at);
        const d = /^\d+/.exec(rest);
        if (d) reach.add(at + d[0].length);
        for (const n of known) if (rest.startsWith(n)) reach.add(at + n.length);
        if (fm.has(rest[0])) reach.add(at + 1);
      }
      const bad = /^[A-Za-zΘΩ]/.test(run.slice(stuck)) ? run[stuck] : run.slice(stuck);
      if (FUNCTIONS[run]) fail(`${run} must be followed by "(": write ${run}(…)`, t.p);
      const within = stuck === 0 ? `"${run}"` : `"${bad}" (in "${run}")`;
      fail(`unknown variable ${within}; the formula may use only ${vars.join(', ')}`, t.p + (stuck === 0 ? 0 : stuck));
    }
    const ps = all[0];
    // a function name not followed by "(" is never read as letters (`ln` is not l·n)
    if (FUNCTIONS[run] && !nextParen) {
      const alt = ps.length > 1 && ps.every((q) => q.kind === 'name') ? `, or ${joinPieces(ps)} for the product` : '';
      fail(`${run} must be followed by "(": write ${run}(…)${alt}`, t.p);
    }
    // a number glued after a letter: `n2L` is n·2·L or n²·L
    const numAt = ps.findIndex((q, j) => q.kind === 'num' && j > 0);
    if (numAt > 0) {
      const asPow = ps
        .map((q, j) => (j === numAt ? `^${q.v}` : j > 0 ? `*${q.v}` : q.v))
        .join('')
        .replace(/\*\^/g, '^');
      fail(`a number right after a factor is ambiguous at position ${t.p + ps[numAt].at + 1}: write ${joinPieces(ps)} or ${asPow}`, t.p + ps[numAt].at);
    }
    const id = runs++;
    const pieces: Tok[] = ps.map((q) =>
      q.kind === 'num' ? { t: 'num', v: Number(q.v), s: q.v, p: t.p + q.at, end: t.p + q.at + q.len } : { t: 'id', v: q.v, p: t.p + q.at, end: t.p + q.at + q.len, run: id },
    );
    toks.splice(i, 1, ...pieces);
    for (const q of ps) if (q.typed) notes.push(`read ${q.typed} as ${q.v}`);
    if (ps.length > 1) notes.push(`implicit product at position ${t.p + 1} ("${run}") read as ${joinPieces(ps, '·')}`);
  }

  const startsPrimary = (t: Tok): boolean => t.t === 'num' || t.t === 'id' || t.t === 'frac' || isOp(t, '(');

  function group(): Expr {
    const open = peek();
    k++;
    if (++depth > MAX_DEPTH) fail(`parentheses nested more than ${MAX_DEPTH} deep`, open.p);
    const e = sum();
    depth--;
    expect(')', open);
    return e;
  }

  /** One argument of \frac: a group or a single token. */
  function fracArg(): Expr {
    const t = peek();
    if (isOp(t, '(')) return group();
    if (t.t === 'num' || t.t === 'id') return primary();
    return fail(`\\frac needs two arguments: write \\frac{a}{b}`, t.p);
  }

  /** `_{i=1}^{L-1}` (either order) after a sum sign; then the body: the product that follows. */
  function sumWithBounds(start: Tok): Expr {
    let index: string | undefined, from: Expr | undefined, to: Expr | undefined;
    for (let n = 0; n < 2; n++) {
      if (isOp(peek(), '_') && !from) {
        k++;
        const braced = isOp(peek(), '(');
        const open = peek();
        if (braced) k++;
        const it = peek();
        if (it.t !== 'id' || !/^[A-Za-z]+$/.test(it.v)) return fail('a sum needs its index: write sum_{i=1}^{L} (…)', it.p);
        index = it.v;
        k++;
        if (!isOp(peek(), '=')) return fail(`expected "=" after the index ${index}: write sum_{${index}=1}^{L} (…)`, peek().p);
        k++;
        from = braced ? sum() : bareBound();
        if (braced) expect(')', open);
      } else if (isOp(peek(), '^') && !to) {
        k++;
        to = isOp(peek(), '(') ? group() : bareBound();
      }
    }
    if (!index || !from || !to) return fail('a sum needs both bounds: write sum_{i=1}^{L} (…)', start.p);
    if (!startsPrimary(peek()) && !isOp(peek(), '-')) return fail(`the sum has no body: write what is summed after its bounds, e.g. sum_{${index}=1}^{L} ${index}`, peek().p);
    return sumBody(index, from, to);
  }

  function sumBody(index: string, from: Expr, to: Expr, whole = false): Expr {
    bound.push(index);
    if (++depth > MAX_DEPTH) fail(`sums nested more than ${MAX_DEPTH} deep`, peek().p);
    const body = whole ? sum() : product();
    depth--;
    bound.pop();
    return { kind: 'sum', index, from, to, body };
  }

  /** A bound written without braces: one number or one variable (`sum_i=1^L`). */
  function bareBound(): Expr {
    const t = peek();
    if (t.t === 'num') {
      k++;
      return { kind: 'num', value: t.v };
    }
    if (t.t === 'id') {
      resolveRun(k);
      const u = peek();
      if (u.t === 'id') {
        k++;
        return { kind: 'var', name: u.v };
      }
    }
    return fail('a sum bound must be a number, a variable or a group in braces: write sum_{i=1}^{L-1} (…)', t.p);
  }

  function primary(): Expr {
    const t = peek();
    if (t.t === 'num') {
      k++;
      return { kind: 'num', value: t.v };
    }
    if (isOp(t, '(')) return group();
    if (t.t === 'frac') {
      k++;
      const n = peek();
      // \frac12 is 1/2
      if (n.t === 'num' && /^\d\d$/.test(n.s) && !glued(k + 1)) {
        k++;
        return { kind: 'bin', op: '/', a: { kind: 'num', value: Number(n.s[0]) }, b: { kind: 'num', value: Number(n.s[1]) } };
      }
      const a = fracArg();
      const b = fracArg();
      return { kind: 'bin', op: '/', a, b };
    }
    if (t.t === 'id') {
      const id = t.v;
      const isDeclared = vars.includes(id) || bound.includes(id);
      const next = toks[k + 1];
      if (t.run === undefined && !isDeclared) {
        if (SUM_WORDS.has(id) && (isOp(next, '_') || isOp(next, '^'))) {
          k++;
          return sumWithBounds(t);
        }
        if (SUM_WORDS.has(id) && isOp(next, '(')) return sumCall();
        if (ORDER_WRAPPERS.has(id) && isOp(next, '(')) return wrapper(t);
        if (FUNCTIONS[id] && (isOp(next, '(') || isOp(next, '_') || t.cmd)) return call(t);
      }
      resolveRun(k);
      const u = peek();
      if (u.t === 'id' && FUNCTIONS[u.v] && !vars.includes(u.v)) return call(u);
      if (u.t !== 'id') return primary();
      k++;
      return { kind: 'var', name: u.v };
    }
    if (t.t === 'end') return fail('the formula ends too early: a number, variable or "(" is missing at the end', t.p);
    if (isOp(t, '=')) return fail(`unexpected "=" at position ${t.p + 1}: write the formula alone (an "=" belongs only in a sum's lower bound, sum_{i=1}^{L})`, t.p);
    return fail(`unexpected "${shown(t)}" at position ${t.p + 1}: expected a number, variable or "("`, t.p);
  }

  function wrapper(t: Tok & { t: 'id' }): Expr {
    const id = t.v;
    k++;
    const open = peek();
    k++;
    if (!opts.allowOrder) fail(`this question asks for an exact count, not an order: remove ${id}(…)`, t.p);
    if (toks.indexOf(t) !== 0) fail(`${id}(…) may only wrap the whole answer`, t.p);
    const e = sum();
    expect(')', open);
    if (peek().t !== 'end') fail(`${id}(…) may only wrap the whole answer`, peek().p);
    order = true;
    return e;
  }

  function call(t: Tok & { t: 'id' }): Expr {
    let fn = t.v;
    const start = k;
    k++;
    // log_2(n), \log_{10} n
    if (isOp(peek(), '_') && fn === 'log') {
      k++;
      const b = isOp(peek(), '(') ? group() : primary();
      if (b.kind !== 'num' || (b.value !== 2 && b.value !== 10)) return fail('a logarithm to a base other than 2 or 10: write log(x)/log(b)', t.p);
      fn = `log${b.value}`;
    }
    const spec = FUNCTIONS[fn];
    if (!isOp(peek(), '(')) {
      // LaTeX writes \log n without parentheses: the argument is the next factor
      if (t.cmd && spec.arity === 1 && startsPrimary(peek())) {
        const from = k;
        const a = power();
        notes.push(`read ${text(start, k)} as ${fn}(${text(from, k)})`);
        return { kind: 'call', fn, args: [a] };
      }
      return fail(`${t.v} must be followed by "(": write ${t.v}(…)`, t.p);
    }
    const open = peek();
    k++;
    const args = [sum()];
    while (isOp(peek(), ',')) {
      k++;
      args.push(sum());
    }
    expect(')', open);
    if (args.length !== spec.arity) fail(`${fn} takes ${spec.arity} argument(s), got ${args.length}`, t.p);
    return { kind: 'call', fn, args };
  }

  /** sum(i, 1, L-1, body) */
  function sumCall(): Expr {
    k++;
    const open = peek();
    k++;
    const it = peek();
    if (it.t !== 'id' || !/^[A-Za-z]+$/.test(it.v)) return fail('sum(…) is sum(index, from, to, body), e.g. sum(i, 1, L-1, n^i)', it.p);
    k++;
    const index = it.v;
    expect(',');
    const from = sum();
    expect(',');
    const to = sum();
    expect(',');
    const e = sumBody(index, from, to, true);
    expect(')', open);
    return e;
  }

  function power(): Expr {
    const baseStart = k;
    const base = primary();
    if (!isOp(peek(), '^')) return base;
    const hat = k;
    k++;
    const bare = !isOp(peek(), '(');
    const e = unary();
    if (bare && !latex && k < toks.length && glued(k)) {
      // a glued variable right after a bare exponent: `n^2L` is n^2·L or n^(2L); `k^2HW` can only be k^2·H·W
      // count the glued factors: variables, and a group that ends the chain (`G^2H(D+H)`)
      resolveRun(k);
      let n = 0;
      while (glued(k + n) && (toks[k + n].t === 'id' || isOp(toks[k + n], '('))) if (isOp(toks[k + n++], '(')) break;
      if (n === 1 && toks[k].t === 'id') {
        const b = text(baseStart, hat),
          x = text(hat + 1, k),
          y = text(k, k + 1);
        fail(`ambiguous exponent at position ${toks[k].p + 1}: write ${b}^${x}*${y} or ${b}^(${x}*${y}), not ${b}^${x}${y}`, toks[k].p);
      }
    }
    return { kind: 'bin', op: '^', a: base, b: e };
  }

  function unary(): Expr {
    // iterative over a chain of signs: long chains stay within the stack
    let neg = 0;
    for (;;) {
      if (isOp(peek(), '-')) neg++;
      else if (!isOp(peek(), '+')) break;
      k++;
    }
    let e = power();
    for (let i = 0; i < neg; i++) e = { kind: 'neg', a: e };
    return e;
  }

  function product(): Expr {
    let e = unary();
    for (;;) {
      const t = peek();
      if (isOp(t, '*') || isOp(t, '/')) {
        k++;
        e = { kind: 'bin', op: (t as { v: '*' | '/' }).v, a: e, b: unary() };
      } else if (startsPrimary(t)) {
        if (t.t === 'num') fail(`a number right after a factor is ambiguous at position ${t.p + 1}: write an explicit "*" or "^"`, t.p);
        const prev = toks[k - 1];
        const sameRun = t.t === 'id' && prev.t === 'id' && t.run !== undefined && t.run === prev.run;
        if (!sameRun) {
          const left = src.slice(0, t.p).trimEnd().slice(-12);
          notes.push(`implicit product at position ${t.p + 1} ("…${left}|${src.slice(t.p, t.p + 6)}…") read as multiplication`);
        }
        e = { kind: 'bin', op: '*', a: e, b: power() };
      } else return e;
    }
  }

  function sum(): Expr {
    let e = product();
    for (;;) {
      const t = peek();
      if (isOp(t, '+') || isOp(t, '-')) {
        k++;
        e = { kind: 'bin', op: (t as { v: '+' | '-' }).v, a: e, b: product() };
      } else return e;
    }
  }

  const expr = sum();
  const end = peek();
  if (end.t !== 'end') {
    const close = isOp(end, ')');
    if (isOp(end, '=')) fail(`unexpected "=" at position ${end.p + 1}: write the formula alone (an "=" belongs only in a sum's lower bound, sum_{i=1}^{L})`, end.p);
    fail(`unexpected "${shown(end)}" at position ${end.p + 1}${close ? ` (a "${shown(end)}" without its "(": unbalanced parentheses)` : ''}`, end.p);
  }
  const used = freeVariables(expr);
  return {
    source: src,
    expr,
    variables: vars.filter((v) => used.has(v)),
    order,
    notes: [...new Set(notes)],
    text: exprText(expr),
    evaluate: (env) => evaluate(expr, env),
  };
}

/** The variables an expression uses, the indices of its sums left out inside them. */
export function freeVariables(e: Expr): Set<string> {
  const out = new Set<string>();
  const walk = (x: Expr, hidden: string[]): void => {
    if (x.kind === 'var') {
      if (!hidden.includes(x.name)) out.add(x.name);
    } else if (x.kind === 'neg') walk(x.a, hidden);
    else if (x.kind === 'bin') {
      walk(x.a, hidden);
      walk(x.b, hidden);
    } else if (x.kind === 'call') x.args.forEach((a) => walk(a, hidden));
    else if (x.kind === 'sum') {
      walk(x.from, hidden);
      walk(x.to, hidden);
      walk(x.body, [...hidden, x.index]);
    }
  };
  walk(e, []);
  return out;
}

/** Parse without throwing: a formula or the student-facing error. */
export function tryParse(source: unknown, vars: string[], opts: ParseOptions = {}): { formula?: Formula; error?: string } {
  try {
    return { formula: parseFormula(source, vars, opts) };
  } catch (e) {
    if (e instanceof FormulaError) return { error: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// evaluation

/** Terms summed one by one up to this many; beyond, the middle of the range is integrated (Euler–Maclaurin). */
const EXACT_TERMS = 1 << 16;
const EDGE_TERMS = 1024;
/** Sum terms one evaluation may compute (nested sums multiply): past it the value is NaN, never a hang. */
const TERM_BUDGET = 1 << 24;

/** Σ_{i=lo}^{hi} f(i) for integers lo ≤ hi: term by term (exact in integers below 2^53), or for long ranges
 *  the first and last EDGE_TERMS terms exactly and the middle by Simpson's rule plus the endpoint corrections. */
function sumRange(f: (i: number) => number, lo: number, hi: number): number {
  const count = hi - lo + 1;
  if (count <= EXACT_TERMS) {
    let s = 0;
    for (let i = lo; i <= hi; i++) {
      s += f(i);
      if (!Number.isFinite(s)) return s;
    }
    return s;
  }
  let s = 0;
  for (let i = 0; i < EDGE_TERMS; i++) {
    s += f(lo + i) + f(hi - i);
    if (!Number.isFinite(s)) return s;
  }
  // Σ_{i=a}^{b} f(i) ≈ ∫_a^b f + (f(a) + f(b))/2 + (f'(b) − f'(a))/12
  const a = lo + EDGE_TERMS,
    b = hi - EDGE_TERMS;
  const panels = 4096,
    h = (b - a) / panels;
  let integral = f(a) + f(b);
  for (let j = 1; j < panels; j++) integral += (j % 2 ? 4 : 2) * f(a + j * h);
  integral *= h / 3;
  const d = (x: number): number => f(x + 0.5) - f(x - 0.5);
  return s + integral + (f(a) + f(b)) / 2 + (d(b) - d(a)) / 12;
}

export function evaluate(e: Expr, env: Env): number {
  const budget = { left: TERM_BUDGET };
  const go = (x: Expr, en: Env): number => {
    switch (x.kind) {
      case 'num':
        return x.value;
      case 'var': {
        const v = en[x.name];
        if (v === undefined) throw new FormulaError(`no value for variable ${x.name}`);
        return v;
      }
      case 'neg':
        return -go(x.a, en);
      case 'call':
        return FUNCTIONS[x.fn].f(...x.args.map((a) => go(a, en)));
      case 'sum': {
        const a = go(x.from, en),
          b = go(x.to, en);
        if (!Number.isFinite(a) || !Number.isFinite(b)) return NaN;
        // an index runs over the integers between the bounds
        const lo = Math.ceil(a - 1e-9),
          hi = Math.floor(b + 1e-9);
        if (hi < lo) return 0;
        const local: Env = { ...en };
        return sumRange(
          (i) => {
            if (--budget.left < 0) return NaN;
            local[x.index] = i;
            return go(x.body, local);
          },
          lo,
          hi,
        );
      }
      case 'bin': {
        const a = go(x.a, en),
          b = go(x.b, en);
        switch (x.op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return a / b;
          default:
            return a ** b;
        }
      }
    }
  };
  return go(e, env);
}

// ---------------------------------------------------------------------------------------------
// text

const PREC: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 4 };

/** Canonical text with explicit operators and the fewest parentheses (`(L-1)*n^2`); sums as sum(i, from, to, body). */
export function exprText(e: Expr, rename: (v: string) => string = (v) => v): string {
  const go = (x: Expr, parent: number): string => {
    switch (x.kind) {
      case 'num':
        return String(x.value);
      case 'var':
        return rename(x.name);
      case 'call':
        return `${x.fn}(${x.args.map((a) => go(a, 0)).join(', ')})`;
      case 'sum':
        return `sum(${x.index}, ${go(x.from, 0)}, ${go(x.to, 0)}, ${go(x.body, 0)})`;
      case 'neg': {
        const s = `-${go(x.a, 3)}`;
        return parent >= 2 ? `(${s})` : s;
      }
      case 'bin': {
        const p = PREC[x.op];
        const lp = x.op === '^' ? p + 1 : p;
        const rp = x.op === '^' ? p : p + (x.op === '-' || x.op === '/' ? 1 : 0);
        const s = `${go(x.a, lp)}${x.op === '*' || x.op === '/' || x.op === '^' ? x.op : ` ${x.op} `}${go(x.b, rp)}`;
        return p < parent ? `(${s})` : s;
      }
    }
  };
  return go(e, 0);
}

/** Pretty form for messages: `d·n`, `(L−1)·n²`. */
export function prettyText(f: Formula | string): string {
  const t = typeof f === 'string' ? f : f.text;
  return t
    .replace(/\*/g, '·')
    .replace(/-/g, '−')
    .replace(/\^2(?![0-9.])/g, '²')
    .replace(/\^3(?![0-9.])/g, '³');
}

/** A line for feedback on a wrong answer that was not written explicitly: how it was read, with any case change. */
export function readingLine(f: { text: string; notes: string[] }): string | undefined {
  if (!f.notes.length) return undefined;
  const cases = f.notes.filter((n) => /^read \S+ as \S+$/.test(n));
  return `(read as ${prettyText(f.text)}${cases.length ? `: ${cases.join(', ')}` : ''})`;
}

/** Split into top-level additive terms with signs: `a - b + c` → [a, −b, c]. */
export function additiveTerms(e: Expr): Expr[] {
  if (e.kind === 'bin' && e.op === '+') return [...additiveTerms(e.a), ...additiveTerms(e.b)];
  if (e.kind === 'bin' && e.op === '-') return [...additiveTerms(e.a), ...additiveTerms(e.b).map((t): Expr => ({ kind: 'neg', a: t }))];
  return [e];
}

/** Does the expression contain a sum (not compared by nerdamer)? */
export function hasSum(e: Expr): boolean {
  switch (e.kind) {
    case 'sum':
      return true;
    case 'neg':
      return hasSum(e.a);
    case 'bin':
      return hasSum(e.a) || hasSum(e.b);
    case 'call':
      return e.args.some(hasSum);
    default:
      return false;
  }
}
