/**
 * Checking an asymptotic answer such as "O(d k^2 H W)" by measurement: the expression is parsed
 * (implicit multiplication, ^, + − * /, parentheses, LaTeX-ish spellings), evaluated over a sweep of
 * sizes, and compared with the measured count: it is a tight bound (Θ) when count / expression stays
 * within a constant factor over the sweep.  The per-variable log–log slopes name the variable on
 * which a wrong answer goes astray.
 */
export type Vars = Record<string, number>;
export type Expr = (v: Vars) => number;

export class BigOSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BigOSyntaxError';
  }
}

/** Strip O(·)/Θ(·)/\mathcal{O}(·), LaTeX multiplication signs and braces. */
export function stripBigO(s: string): string {
  let t = s.trim().replace(/\$/g, '').replace(/\\mathcal\{?O\}?|\\Theta|Θ|\\left|\\right/g, (m) => (m === '\\left' || m === '\\right' ? '' : 'O'));
  t = t.replace(/\\cdot|\\times|·|×/g, '*').replace(/\{/g, '(').replace(/\}/g, ')').replace(/\s+/g, ' ').trim();
  const m = /^O\s*\((.*)\)$/.exec(t);
  return (m ? m[1] : t).trim();
}

/** Parse an expression over single-letter variables (`vars`, case as given; a lower-case alias is accepted when unambiguous). */
export function parseExpr(src: string, vars: string[]): Expr {
  const opens = (src.match(/[({]/g) ?? []).length, closes = (src.match(/[)}]/g) ?? []).length;
  if (opens !== closes) throw new BigOSyntaxError(`cannot read "${src}": unbalanced parentheses (${opens} opening, ${closes} closing)`);
  const s = stripBigO(src);
  let pos = 0;
  const lower = new Map<string, string>();
  for (const v of vars) if (!vars.some((w) => w !== v && w.toLowerCase() === v.toLowerCase())) lower.set(v.toLowerCase(), v);
  const peek = (): string => {
    while (s[pos] === ' ') pos++;
    return s[pos] ?? '';
  };
  const err = (what: string): never => {
    throw new BigOSyntaxError(`cannot read "${src}": ${what} at position ${pos + 1}`);
  };
  const expr = (): Expr => {
    let f = term();
    for (let c = peek(); c === '+' || c === '-'; c = peek()) {
      pos++;
      const a = f, b = term();
      f = c === '+' ? (v) => a(v) + b(v) : (v) => a(v) - b(v);
    }
    return f;
  };
  const startsFactor = (c: string) => /[0-9.(A-Za-z]/.test(c);
  const term = (): Expr => {
    let f = power();
    for (;;) {
      const c = peek();
      if (c === '*' || c === '/') {
        pos++;
        const a = f, b = power();
        f = c === '*' ? (v) => a(v) * b(v) : (v) => a(v) / b(v);
      } else if (startsFactor(c)) {
        const a = f, b = power();
        f = (v) => a(v) * b(v);
      } else return f;
    }
  };
  const power = (): Expr => {
    const base = atom();
    if (peek() === '^') {
      pos++;
      const e = power();
      return (v) => base(v) ** e(v);
    }
    return base;
  };
  const atom = (): Expr => {
    const c = peek();
    if (c === '(') {
      pos++;
      const f = expr();
      if (peek() !== ')') err('expected ")"');
      pos++;
      return f;
    }
    const num = /^[0-9]*\.?[0-9]+/.exec(s.slice(pos));
    if (num) {
      pos += num[0].length;
      const x = Number(num[0]);
      return () => x;
    }
    if (/[A-Za-z]/.test(c)) {
      pos++;
      const name = vars.includes(c) ? c : lower.get(c.toLowerCase());
      if (!name) err(`unknown variable "${c}" (expected one of ${vars.join(', ')})`);
      return (v) => v[name!];
    }
    return err(c ? `unexpected "${c}"` : 'unexpected end');
  };
  const f = expr();
  if (peek() !== '') err(`unexpected "${peek()}"`);
  return f;
}

export interface ThetaReport {
  tight: boolean;
  /** max / min of count / expression over the sweep */
  spread: number;
  ratioMin: number;
  ratioMax: number;
  points: number;
  /** per variable: [measured log–log slope, the expression's slope] between the sweep's extremes at a base point */
  slopes: Record<string, [number, number]>;
  /** the variable whose slopes differ most (when not tight) */
  worstVar?: string;
}

/** Compare `expr` with `count` over the cartesian product of `sweep`; tight when the ratio spread ≤ `maxSpread`. */
export function thetaCheck(expr: Expr, count: (v: Vars) => number, sweep: Record<string, number[]>, maxSpread = 4): ThetaReport {
  const names = Object.keys(sweep);
  let lo = Infinity, hi = -Infinity, n = 0;
  const visit = (k: number, v: Vars): void => {
    if (k === names.length) {
      const r = count(v) / expr(v);
      n++;
      if (!(r > 0) || !Number.isFinite(r)) {
        lo = 0;
        hi = Infinity;
        return;
      }
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
      return;
    }
    for (const x of sweep[names[k]]) visit(k + 1, { ...v, [names[k]]: x });
  };
  visit(0, {});
  const base: Vars = Object.fromEntries(names.map((k) => [k, sweep[k][Math.floor((sweep[k].length - 1) / 2)]]));
  const slopes: Record<string, [number, number]> = {};
  let worstVar: string | undefined, worstGap = -1;
  for (const k of names) {
    const a = sweep[k][0], b = sweep[k][sweep[k].length - 1];
    if (a === b) continue;
    const at = (f: (v: Vars) => number, x: number) => f({ ...base, [k]: x });
    const sl = (f: (v: Vars) => number) => Math.log(at(f, b) / at(f, a)) / Math.log(b / a);
    slopes[k] = [sl(count), sl(expr)];
    const gap = Math.abs(slopes[k][0] - slopes[k][1]);
    if (!(gap <= worstGap)) {
      worstGap = gap;
      worstVar = k;
    }
  }
  const spread = hi / lo;
  return { tight: spread <= maxSpread, spread, ratioMin: lo, ratioMax: hi, points: n, slopes, worstVar: spread <= maxSpread ? undefined : worstVar };
}
