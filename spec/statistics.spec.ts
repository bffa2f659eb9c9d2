import { describe, expect, test } from 'vitest';
import { makeRng } from '../src/verify/rng.ts';
import {
  batchMeansCI,
  contains,
  familyLevel,
  tFor,
  tQuantile,
  fmtInterval,
  intervalEvidence,
  lognormalMeanCI,
  mean,
  meanCI,
  monteCarlo,
  normalQuantile,
  ratioOfMeansCI,
  sampleVariance,
  varianceCI,
  zFor,
  zScore,
  type Interval,
} from '../src/heinit/statistics.ts';

/** Fraction of `reps` seeded replicates whose interval contains `truth`. */
function coverage(reps: number, seed: number, make: (rng: ReturnType<typeof makeRng>) => Interval, truth: number): number {
  const rng = makeRng(seed);
  let hit = 0;
  for (let r = 0; r < reps; r++) if (contains(make(rng), truth)) hit++;
  return hit / reps;
}
// binomial standard error of a coverage estimate at 95 % over 1000 replicates: √(.95·.05/1000) ≈ 0.0069;
// the bands below are ±4 of those around the nominal level (asymptotic intervals may sit a little under it).
const lo95 = 0.95 - 4 * 0.0069,
  hi95 = 0.95 + 4 * 0.0069;

describe('normal quantiles', () => {
  test('known values (Acklam, |rel. err| < 1.2e-9)', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306, 8);
    expect(normalQuantile(1e-9)).toBeCloseTo(-5.997807015, 7);
    expect(zFor(0.999)).toBeCloseTo(3.290526731, 8);
    expect(zFor(0.95)).toBeCloseTo(1.959963985, 8);
  });
  test('Student t quantiles (exact for ν = 1, 2; Cornish–Fisher otherwise)', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.70620474, 6);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.30265273, 7);
    const table: [number, number, number][] = [
      [0.975, 3, 3.182446305],
      [0.975, 10, 2.228138852],
      [0.995, 30, 2.749995652],
      [0.9995, 20, 3.849516275],
      [0.99995, 47, 4.251578584],
      [0.9999, 624, 3.741232611], // reference values: scipy.stats.t.ppf
    ];
    for (const [p, df, want] of table) expect(Math.abs(tQuantile(p, df) - want) / want).toBeLessThan(df === 3 ? 2e-3 : 1e-4);
    expect(tFor(0.95, 1e9)).toBeCloseTo(zFor(0.95), 6);
    expect(() => tQuantile(0.9, 0)).toThrow(/degrees of freedom/);
    expect(() => tFor(2, 5)).toThrow(/confidence level/);
  });
  test('out-of-range arguments are errors', () => {
    expect(() => normalQuantile(0)).toThrow(/\(0, 1\)/);
    expect(() => normalQuantile(1)).toThrow(RangeError);
    expect(() => zFor(1)).toThrow(/confidence level/);
    expect(() => familyLevel(0.999, 0)).toThrow(/k must be/);
  });
  test('Bonferroni family level', () => {
    expect(familyLevel(0.999, 5)).toBeCloseTo(0.9998, 12);
    expect(familyLevel(0.95, 1)).toBe(0.95);
  });
});

describe('intervals cover the truth at their level (seeded coverage studies)', () => {
  test('mean of N(2, 3²), n = 40', () => {
    const c = coverage(
      1000,
      1,
      (r) =>
        meanCI(
          Array.from({ length: 40 }, () => 2 + 3 * r.normal()),
          0.95,
        ),
      2,
    );
    expect(c).toBeGreaterThan(lo95);
    expect(c).toBeLessThan(hi95);
  });
  test('variance of a skewed law (Exp(1), variance 1), n = 400 — no normality assumed', () => {
    const c = coverage(
      1000,
      2,
      (r) =>
        varianceCI(
          Array.from({ length: 400 }, () => -Math.log(1 - r.next())),
          0.95,
        ),
      1,
    );
    expect(c).toBeGreaterThan(lo95 - 0.02); // fourth-moment intervals converge slowly for heavy tails
    expect(c).toBeLessThan(hi95);
  });
  test('ratio of means E[A]/E[B], n = 200', () => {
    const c = coverage(
      1000,
      3,
      (r) => {
        const b = Array.from({ length: 200 }, () => 1 + r.next());
        const a = b.map((v) => 2 * v + 0.3 * r.normal());
        return ratioOfMeansCI(a, b, 0.95);
      },
      2,
    );
    expect(c).toBeGreaterThan(lo95);
    expect(c).toBeLessThan(hi95);
  });
  test('batch means of a skewed square (y = w·x, w ~ N(0,1), x ~ U(0,2): E[y²] = 4/3), 625 batches of 16', () => {
    const c = coverage(
      500,
      5,
      (r) =>
        batchMeansCI(
          Array.from({ length: 10000 }, () => (r.normal() * 2 * r.next()) ** 2),
          16,
          0.95,
        ),
      4 / 3,
    );
    expect(c).toBeGreaterThan(0.95 - 4 * 0.0097);
    expect(c).toBeLessThan(0.95 + 4 * 0.0097);
  });
  test('lognormal mean (Cox), σ = 1, n = 48: E[X] = e^{1/2}', () => {
    const c = coverage(
      1000,
      4,
      (r) =>
        lognormalMeanCI(
          Array.from({ length: 48 }, () => Math.exp(r.normal())),
          0.95,
        ),
      Math.exp(0.5),
    );
    expect(c).toBeGreaterThan(lo95);
    expect(c).toBeLessThan(hi95);
  });
});

describe('helpers and bad input', () => {
  test('mean, sample variance, contains, zScore', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(sampleVariance([1, 2, 3])).toBe(1);
    const iv = meanCI([1, 2, 3, 4], 0.95);
    expect(contains(iv, 2.5)).toBe(true);
    expect(contains(iv, 100)).toBe(false);
    expect(zScore(iv, iv.estimate + iv.se)).toBeCloseTo(1, 12);
    const flat = meanCI([1, 1, 1], 0.95);
    expect(zScore(flat, 1)).toBe(0);
    expect(zScore(flat, 2)).toBe(Infinity);
  });
  test('monteCarlo is reproducible from its seed', () => {
    const a = monteCarlo(5, 10, (r) => r.normal());
    expect(Array.from(monteCarlo(5, 10, (r) => r.normal()))).toEqual(Array.from(a));
    expect(Array.from(monteCarlo(6, 10, (r) => r.normal()))).not.toEqual(Array.from(a));
  });
  test('formatting and evidence', () => {
    const iv = meanCI([1, 2, 3, 4], 0.999);
    expect(fmtInterval(iv)).toMatch(/^2\.5000 \[.*\] \(99\.9% CI, n = 4\)$/);
    expect(fmtInterval({ ...iv, estimate: 1e-9, lo: 0, hi: 2e-9 })).toContain('1.0000e-9');
    expect(fmtInterval({ ...iv, level: 1 - 1.4e-7 })).toContain('(1 − 1.4e-7 CI');
    expect(intervalEvidence(iv)).toEqual({ estimate: iv.estimate, lo: iv.lo, hi: iv.hi, level: 0.999, n: 4 });
  });
  test('too few, non-finite, mismatched or non-positive samples are errors', () => {
    expect(() => meanCI([1], 0.95)).toThrow(/at least 2 samples/);
    expect(() => varianceCI([1, 2, 3], 0.95)).toThrow(/at least 4/);
    expect(() => meanCI([1, NaN], 0.95)).toThrow(/sample 1 is NaN/);
    expect(() => ratioOfMeansCI([1, 2], [1], 0.95)).toThrow(/2 numerators but 1 denominators/);
    expect(() => ratioOfMeansCI([1, 2], [1, -1], 0.95)).toThrow(/average to 0/);
    expect(() => lognormalMeanCI([1, 0, 2], 0.95)).toThrow(/must be > 0/);
    expect(() => batchMeansCI([1, 2, 3], 0, 0.95)).toThrow(/positive integer/);
    expect(batchMeansCI([1, 2, 3, 4, 5], 2, 0.95).n).toBe(2);
  });
});
