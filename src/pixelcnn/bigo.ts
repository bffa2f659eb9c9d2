/**
 * Checking an asymptotic answer such as "O(d k^2 H W)" by measurement: the expression is read by the one
 * formula parser (src/verify/formula.ts: implied products, case, ^, LaTeX, sums), evaluated over a sweep of
 * sizes, and compared with the measured count: it is a tight bound (Θ) when count / expression stays
 * within a constant factor over the sweep.  The per-variable log–log slopes name the variable on
 * which a wrong answer goes astray.
 */
import { FormulaError, parseFormula } from '../verify/formula.ts';

export type Vars = Record<string, number>;
export type Expr = (v: Vars) => number;

export class BigOSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BigOSyntaxError';
  }
}

/** Strip O(·)/Θ(·)/\mathcal{O}(·), LaTeX multiplication signs and braces (for showing an answer's inside). */
export function stripBigO(s: string): string {
  let t = s
    .trim()
    .replace(/\$/g, '')
    .replace(/\\mathcal\{?O\}?|\\Theta|Θ|\\left|\\right/g, (m) => (m === '\\left' || m === '\\right' ? '' : 'O'));
  t = t
    .replace(/\\cdot|\\times|·|×/g, '*')
    .replace(/\{/g, '(')
    .replace(/\}/g, ')')
    .replace(/\s+/g, ' ')
    .trim();
  const m = /^O\s*\((.*)\)$/.exec(t);
  return (m ? m[1] : t).trim();
}

/** An O(·) answer read: its value as a function of the sizes, its canonical text, and how it was read. */
export interface BigOAnswer {
  f: Expr;
  text: string;
  notes: string[];
}

/** Read an O(·) answer (or a plain expression) over the declared `vars`; a BigOSyntaxError names what is wrong. */
export function readBigO(src: string, vars: string[]): BigOAnswer {
  try {
    const formula = parseFormula(src, vars, { allowOrder: true });
    return { f: (v) => formula.evaluate(v), text: formula.text, notes: formula.notes };
  } catch (e) {
    if (e instanceof FormulaError) throw new BigOSyntaxError(`cannot read "${src}": ${e.brief}`);
    throw e;
  }
}

/** Parse an expression over the declared variables (a letter whose other case is the only declared match is read as it). */
export function parseExpr(src: string, vars: string[]): Expr {
  return readBigO(src, vars).f;
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
  let lo = Infinity,
    hi = -Infinity,
    n = 0;
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
  let worstVar: string | undefined,
    worstGap = -1;
  for (const k of names) {
    const a = sweep[k][0],
      b = sweep[k][sweep[k].length - 1];
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
