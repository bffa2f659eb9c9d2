/**
 * He initialization's known mistakes, each declared once: what the student reads, and the value each
 * gives instead (the diagnosis names the one a wrong answer equals).
 */
import type { XMoments } from './contract.ts';

export const HEINIT_MISTAKES = {
  'eq3-variance-of-x': 'Var[x_l] used instead of E[x_l²] — x_l = ReLU(y_{l−1}) is not zero-mean, so Var[w x] = Var[w]·E[x²] (E[w] = 0), not Var[w]·Var[x].',
  'eq3-missing-n': 'the factor n_l is missing — y_l sums n_l independent terms w x, so their variances add.',
  'eq3-mean-squared': 'E[x_l]² used instead of E[x_l²].',
  'eq3-n-squared': 'n_l² instead of n_l — independent terms add variances, not standard deviations.',
  'eq4-missing-half': 'the factor ½ is missing — ReLU zeroes the negative half of a symmetric y, so E[x²] = ½E[y²] = ½Var[y].',
  'eq4-variance-of-x': 'this is Var[x_l] for Gaussian y (E[x²] − E[x]²); eq. (4) is about E[x_l²].',
  'eq4-half-squared': '¼Var[y] — the ½ applies to E[y²], it is not squared.',
  'eq4-half-std': '½·std instead of ½·Var.',
  'std-xavier': 'Xavier/LeCun std √(1/n_l) — ReLU halves E[x²] (eq. 4), so each layer multiplies the variance by ½; He init needs √(2/n_l).',
  'std-returns-variance': 'heInitStd returns the variance 2/n_l, not the standard deviation √(2/n_l).',
  'std-fixed-0.01': 'a fixed std 0.01 (the starter code’s default) — ½ n_l·10⁻⁴ ≪ 1, so the signal collapses geometrically with depth.',
  'std-sqrt2-over-n': '√2/n_l — the square root must cover 2/n_l.',
  'weights-fan-out': 'the weights use fan-out; the forward pass (eq. 6) needs n_l = fan-in (= k²·c_in for a conv).',
  'weights-xavier': 'Xavier/LeCun variance 1/n_l, He init needs 2/n_l.',
  'weights-fixed-0.01': 'a fixed std 0.01.',
  'eq5-missing-half': 'the factor ½ of eq. (4) is missing from the product.',
  'eq5-inverted': 'the product is inverted.',
} as const;

const M = HEINIT_MISTAKES;
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);

/** The mistake a wrong heEq3VarY(n, Var[w], x) = `got` makes, or ''. */
export function nameEq3(got: number, n: number, varW: number, x: XMoments): string {
  if (close(got, n * varW * x.meanSq)) return '';
  if (close(got, n * varW * x.var)) return M['eq3-variance-of-x'];
  if (close(got, varW * x.meanSq)) return M['eq3-missing-n'];
  if (close(got, n * varW * x.mean ** 2)) return M['eq3-mean-squared'];
  if (close(got, n * n * varW * x.meanSq)) return M['eq3-n-squared'];
  return '';
}

/** The mistake a wrong heEq4MeanSqX(v) = `got` makes, or ''. */
export function nameEq4(got: number, v: number): string {
  if (close(got, v / 2)) return '';
  if (close(got, v)) return M['eq4-missing-half'];
  if (close(got, v * (0.5 - 1 / (2 * Math.PI)))) return M['eq4-variance-of-x'];
  if (close(got, v / 4)) return M['eq4-half-squared'];
  if (close(got, Math.sqrt(v) / 2)) return M['eq4-half-std'];
  return '';
}

/** The known wrong standard deviation heInitStd gives, recognised at a few fans, or ''. */
export function nameStd(heInitStd: (n: number) => number): string {
  const fans = [9, 50, 144];
  let got: number[];
  try {
    got = fans.map((f) => heInitStd(f));
  } catch {
    return '';
  }
  const all = (f: (n: number) => number) => fans.every((n, i) => close(got[i], f(n)));
  if (all((n) => Math.sqrt(1 / n))) return M['std-xavier'];
  if (all((n) => 2 / n)) return M['std-returns-variance'];
  if (all(() => 0.01)) return M['std-fixed-0.01'];
  if (all((n) => Math.sqrt(2) / n)) return M['std-sqrt2-over-n'];
  return '';
}

/** The known wrong weight variance the measurement is consistent with (`holds`), or ''. */
export function nameWeightVariance(holds: (variance: number) => boolean, fanIn: number, fanOut: number): string {
  if (holds(2 / fanOut)) return M['weights-fan-out'];
  if (holds(1 / fanIn)) return M['weights-xavier'];
  if (holds(1e-4)) return M['weights-fixed-0.01'];
  return '';
}

/** The mistake a wrong heEq5Ratio over L layers makes, given eq. (5)'s value, or ''. */
export function nameEq5(got: number, eq5: number, L: number): string {
  if (close(got, eq5 * 2 ** (L - 1))) return M['eq5-missing-half'];
  if (close(got, 1 / eq5)) return M['eq5-inverted'];
  return '';
}
