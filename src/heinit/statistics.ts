/**
 * Monte-Carlo estimates with confidence intervals, for claims of the form "the theoretical value
 * lies inside the interval".  No tolerance is picked to pass: the interval's width comes from the
 * samples, and its level is stated.  All sampling is seeded (`makeRng(seed)`), so a given seed
 * always gives the same interval — a check is never flaky; what the level controls is how often a
 * *correct* claim would be rejected over many different seeds (the 20-seed run in the docs).
 *
 * Intervals are two-sided, normal-approximation (central limit theorem) intervals over iid
 * samples:
 *  - mean:      x̄ ± t·s/√n, t the Student quantile with n − 1 degrees of freedom (exact for normal
 *               samples, → z for large n);
 *  - batch means: the mean interval over means of consecutive batches — for skewed samples (squares of
 *               products, y² with heavy tails) the plain interval undercovers on one side because s and x̄
 *               are correlated; batch means are nearly normal, which restores the coverage (measured in
 *               spec/statistics.spec.ts and in the eq. 3 z-score study, docs/topics/heinit.md);
 *  - variance:  s² ± z·√(V̂/n), V̂ = m₄ − s⁴·(n−3)/(n−1), the asymptotic variance of s² for any
 *               distribution with a finite fourth moment (no normality assumption — the chi-square
 *               interval would be wrong for products of random variables or ReLU outputs);
 *  - ratio of means: Ā/B̄ with the delta-method standard error of the ratio estimator.
 * `familyLevel(level, k)` gives the per-interval level for k intervals whose joint coverage is at
 * least `level` (Bonferroni), which is what a claim made of several intervals should use.
 */
import { makeRng, type Rng } from '../verify/rng.ts';

export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
  /** two-sided confidence level, e.g. 0.999 */
  level: number;
  /** number of iid samples */
  n: number;
  /** standard error of the estimate */
  se: number;
  method: string;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |rel. error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must lie in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** The z of a two-sided interval at `level` (0.95 → 1.96, 0.999 → 3.29). */
export function zFor(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must lie in (0, 1), got ${level}`);
  return normalQuantile(1 - (1 - level) / 2);
}

/**
 * Student-t quantile: exact for 1 and 2 degrees of freedom, Cornish–Fisher expansion to ν⁻⁴ otherwise
 * (Abramowitz & Stegun 26.7.5; relative error < 1e-4 for ν ≥ 3 at the levels used here, see the unit tests).
 */
export function tQuantile(p: number, df: number): number {
  if (!(df >= 1)) throw new RangeError(`tQuantile: degrees of freedom must be ≥ 1, got ${df}`);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** The t of a two-sided interval at `level` with `df` degrees of freedom. */
export function tFor(level: number, df: number): number {
  zFor(level); // validates the level
  return tQuantile(1 - (1 - level) / 2, df);
}

/** Per-interval level so that k intervals hold jointly with probability ≥ `level` (Bonferroni). */
export function familyLevel(level: number, k: number): number {
  if (!(k >= 1)) throw new RangeError(`familyLevel: k must be ≥ 1, got ${k}`);
  return 1 - (1 - level) / k;
}

function needSamples(x: ArrayLike<number>, min: number, what: string): void {
  if (x.length < min) throw new RangeError(`${what}: need at least ${min} samples, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`${what}: sample ${i} is ${x[i]}, every sample must be finite`);
  }
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Unbiased sample variance. */
export function sampleVariance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / (x.length - 1);
}

const interval = (estimate: number, se: number, level: number, n: number, method: string, q = zFor(level)): Interval => {
  return { estimate, lo: estimate - q * se, hi: estimate + q * se, level, n, se, method };
};

/** t interval for the mean of iid samples (CLT; Student quantile with n − 1 degrees of freedom). */
export function meanCI(x: ArrayLike<number>, level: number): Interval {
  needSamples(x, 2, 'meanCI');
  const n = x.length;
  return interval(mean(x), Math.sqrt(sampleVariance(x) / n), level, n, 't interval for the mean', tFor(level, n - 1));
}

/** Mean interval over the means of consecutive batches of `batchSize` samples (the remainder is dropped). */
export function batchMeansCI(x: ArrayLike<number>, batchSize: number, level: number): Interval {
  if (!(batchSize >= 1) || !Number.isInteger(batchSize)) throw new RangeError(`batchMeansCI: batch size must be a positive integer, got ${batchSize}`);
  const B = Math.floor(x.length / batchSize);
  const m = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < batchSize; i++) s += x[b * batchSize + i];
    m[b] = s / batchSize;
  }
  const iv = meanCI(m, level);
  return { ...iv, method: `t interval over ${B} batch means of ${batchSize}` };
}

/** Asymptotic interval for the variance of iid samples (fourth-moment standard error; any distribution). */
export function varianceCI(x: ArrayLike<number>, level: number): Interval {
  needSamples(x, 4, 'varianceCI');
  const n = x.length;
  const m = mean(x);
  let m2 = 0,
    m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i] - m) ** 2;
    m2 += d;
    m4 += d * d;
  }
  const s2 = m2 / (n - 1);
  m4 /= n;
  const v = Math.max(m4 - (s2 * s2 * (n - 3)) / (n - 1), 0);
  return interval(s2, Math.sqrt(v / n), level, n, 'normal approximation for the sample variance, fourth-moment standard error');
}

/** Interval for E[A]/E[B] from iid pairs (a_i, b_i): ratio estimator Ā/B̄, delta-method standard error. */
export function ratioOfMeansCI(a: ArrayLike<number>, b: ArrayLike<number>, level: number): Interval {
  if (a.length !== b.length) throw new RangeError(`ratioOfMeansCI: ${a.length} numerators but ${b.length} denominators`);
  needSamples(a, 2, 'ratioOfMeansCI');
  needSamples(b, 2, 'ratioOfMeansCI');
  const n = a.length;
  const ma = mean(a),
    mb = mean(b);
  if (mb === 0) throw new RangeError('ratioOfMeansCI: the denominators average to 0');
  const r = ma / mb;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] - r * b[i]) ** 2;
  const se = Math.sqrt(s / (n - 1) / n) / Math.abs(mb);
  return interval(r, se, level, n, 'ratio of means, delta-method standard error');
}

/**
 * Interval for E[X] of positive samples whose logarithm is approximately normal (Cox's method):
 * log E[X] = μ + σ²/2 is estimated by ȳ + s²/2 (y = log x) with standard error √(s²/n + s⁴/(2(n−1))),
 * and the interval is exponentiated.  For products of many independent positive factors — the
 * signal variance of a deep random network — log X is a sum, so this is the CLT on the log scale;
 * the plain normal interval on X undercovers there (a heavy right tail, skewness ≫ 1).
 * The quantile is Student's with n − 1 degrees of freedom (as for the mean of the logs).
 * `se` of the returned interval is on the log scale.
 */
export function lognormalMeanCI(x: ArrayLike<number>, level: number): Interval {
  needSamples(x, 3, 'lognormalMeanCI');
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0)) throw new RangeError(`lognormalMeanCI: sample ${i} is ${x[i]}, every sample must be > 0`);
    y[i] = Math.log(x[i]);
  }
  const n = y.length,
    m = mean(y),
    s2 = sampleVariance(y);
  const c = m + s2 / 2,
    se = Math.sqrt(s2 / n + (s2 * s2) / (2 * (n - 1))),
    z = tFor(level, n - 1);
  return { estimate: Math.exp(c), lo: Math.exp(c - z * se), hi: Math.exp(c + z * se), level, n, se, method: "Cox's interval for a lognormal mean (normal on the log scale)" };
}

export const contains = (iv: Interval, value: number): boolean => iv.lo <= value && value <= iv.hi;

/** Where `value` falls relative to the interval, in standard errors from the estimate. */
export const zScore = (iv: Interval, value: number): number => (iv.se > 0 ? (value - iv.estimate) / iv.se : value === iv.estimate ? 0 : Infinity);

/** n iid draws of `draw(rng)` from a generator seeded by `seed`. */
export function monteCarlo(seed: number | string, n: number, draw: (rng: Rng) => number): Float64Array {
  const rng = makeRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw(rng);
  return out;
}

const g = (x: number): string => ((Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4) || x === 0 ? x.toPrecision(5) : x.toExponential(4));

/** '99.9%' for ordinary levels, '1 − 1.4e-7' for very high ones (where a percentage would round to 100 %). */
export const fmtLevel = (level: number): string => (1 - level < 1e-4 ? `1 − ${(1 - level).toExponential(1)}` : `${+(level * 100).toPrecision(6)}%`);

export function fmtInterval(iv: Interval): string {
  return `${g(iv.estimate)} [${g(iv.lo)}, ${g(iv.hi)}] (${fmtLevel(iv.level)} CI, n = ${iv.n})`;
}

/** The JSON evidence of one interval. */
export function intervalEvidence(iv: Interval): { estimate: number; lo: number; hi: number; level: number; n: number } {
  return { estimate: iv.estimate, lo: iv.lo, hi: iv.hi, level: iv.level, n: iv.n };
}
