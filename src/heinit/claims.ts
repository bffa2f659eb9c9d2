/**
 * He initialization, ELEG5491 HW2 P5.2 (a) — prove eqs. (3) and (4) — and the depth consequence
 * eqs. (5)/(6), as measured properties.  P5.2 is 10 points; this topic claims 6 of them (the proof
 * part (a): eq. 3 — 2, eq. 4 — 2, eq. 5 forward over 30 layers with the student's init — 1, the
 * backward version — 1); part (b) (train with He init, compare test accuracy) is the training
 * topic's, with the remaining 4 points.  See docs/topics/heinit.md.
 *
 * Every check is "the formula's value lies inside a seeded Monte-Carlo confidence interval".
 * Level: each claim's intervals hold jointly at 1 − 10⁻⁶ (Bonferroni: each interval at 1 − 10⁻⁶/k for k
 * intervals), so a correct answer is rejected for about one grading seed in a million.  The level is set
 * by the grading cost, not by the data: a false rejection costs a student points, while the wrong answers
 * the key names sit ≥ 20 standard errors away (eq. 3/4: z of the Var[x] formula −20 … −36) or orders of
 * magnitude away (eq. 5), so the stricter level loses no power.  (History, for the record: at a joint 99.9 %
 * the seed DLSPEC_SEED=4 rejected the correct eq. 3 — the n_l = 1 case at z = 4.31 — in the 20-seed run;
 * coverage studies over 4000 seeds match the nominal tails; see docs/topics/heinit.md.)
 */
import type { Claim, Evidence } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { fmtNum } from '../verify/compare.ts';
import { readNumber, readTensor } from '../verify/read.ts';
import { makeRng, type Rng } from '../verify/rng.ts';
import { batchMeansCI, contains, familyLevel, fmtInterval, intervalEvidence, lognormalMeanCI, meanCI, monteCarlo, varianceCI, zScore, type Interval } from './statistics.ts';
import type { HeinitContract, XMoments } from './contract.ts';
import { deepRun, depthWidths, eq5Prediction } from './simulate.ts';
import { recognisedBy } from '../verify/failure.ts';
import { nameEq3, nameEq4, nameEq5, nameStd, nameWeightVariance } from './misconceptions.ts';

const FAMILY = 1 - 1e-6;
const refs = { course: 'ELEG5491', hw: 'HW2', problem: 5, part: '2(a)' } as const;

/** A law for x_l with its exact moments. */
interface XLaw {
  name: string;
  draw(rng: Rng): number;
  m: XMoments;
}
const reluNormal = (s: number): XLaw => ({
  name: `ReLU(N(0, ${s}²))`,
  draw: (r) => Math.max(0, s * r.normal()),
  m: { mean: s / Math.sqrt(2 * Math.PI), meanSq: (s * s) / 2, var: s * s * (0.5 - 1 / (2 * Math.PI)) },
});
const uniform01 = (a: number): XLaw => ({ name: `U(0, ${a})`, draw: (r) => a * r.next(), m: { mean: a / 2, meanSq: (a * a) / 3, var: (a * a) / 12 } });
const expo: XLaw = { name: 'Exp(1)', draw: (r) => -Math.log(1 - r.next()), m: { mean: 1, meanSq: 2, var: 1 } };

type WLaw = 'normal' | 'uniform';
const drawW = (r: Rng, law: WLaw, v: number): number => (law === 'normal' ? Math.sqrt(v) * r.normal() : Math.sqrt(3 * v) * (2 * r.next() - 1));

interface Eq3Case {
  label: string;
  n: number;
  varW: number;
  w: WLaw;
  x: XLaw;
  /** conv: kernel k×k over c channels on an h×h map (valid positions); n = k²c */
  conv?: { k: number; c: number; h: number };
  trials: number;
}

export const EQ3_CASES: Eq3Case[] = [
  { label: 'dense, n_l = 1', n: 1, varW: 0.5, w: 'normal', x: uniform01(2), trials: 10000 },
  { label: 'dense, n_l = 16', n: 16, varW: 2 / 16, w: 'uniform', x: reluNormal(1), trials: 10000 },
  { label: 'dense, n_l = 64', n: 64, varW: 1 / 64, w: 'normal', x: expo, trials: 8000 },
  { label: 'conv 3×3 over 4 channels, n_l = k²c = 36', n: 36, varW: 2 / 36, w: 'normal', x: reluNormal(2), conv: { k: 3, c: 4, h: 6 }, trials: 2000 },
  { label: 'conv 5×5 over 2 channels, n_l = k²c = 50', n: 50, varW: 0.01, w: 'uniform', x: uniform01(1), conv: { k: 5, c: 2, h: 7 }, trials: 2000 },
];

/** Samples per batch for the batch-means intervals (see statistics.ts): squares of products are skewed. */
const BATCH = 16;

/**
 * Dense: one output y = Σ_i w_i x_i per trial, iid over trials; E[y] = 0 exactly (E[w] = 0, w ⟂ x), so
 * Var[y] = E[y²] → batch-means interval of y².
 * Conv: per trial a fresh k×k×c kernel and input map, all valid output positions; they share the kernel,
 * so the trial's statistic is the mean of y² over positions (E[y] = 0 because E[w] = 0) → interval for E[y²] = Var[y].
 */
export function measureEq3(c: Eq3Case, seed: number, level: number): Interval {
  const rng = makeRng(seed);
  if (!c.conv) {
    const y2 = new Float64Array(c.trials);
    for (let t = 0; t < c.trials; t++) {
      let y = 0;
      for (let i = 0; i < c.n; i++) y += drawW(rng, c.w, c.varW) * c.x.draw(rng);
      y2[t] = y * y;
    }
    return batchMeansCI(y2, BATCH, level);
  }
  const { k, c: ch, h } = c.conv;
  const o = h - k + 1;
  const stat = new Float64Array(c.trials);
  const kern = new Float64Array(k * k * ch),
    img = new Float64Array(h * h * ch);
  for (let t = 0; t < c.trials; t++) {
    for (let i = 0; i < kern.length; i++) kern[i] = drawW(rng, c.w, c.varW);
    for (let i = 0; i < img.length; i++) img[i] = c.x.draw(rng);
    let s = 0;
    for (let r = 0; r < o; r++) {
      for (let q = 0; q < o; q++) {
        let y = 0;
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) for (let z = 0; z < ch; z++) y += kern[(a * k + b) * ch + z] * img[((r + a) * h + (q + b)) * ch + z];
        s += y * y;
      }
    }
    stat[t] = s / (o * o);
  }
  return meanCI(stat, level);
}

interface YLaw {
  name: string;
  draw(rng: Rng): number;
  variance: number;
}
export const EQ4_LAWS: YLaw[] = [
  { name: 'N(0, 1.7)', draw: (r) => Math.sqrt(1.7) * r.normal(), variance: 1.7 },
  { name: 'Laplace(0, b = 1)', draw: (r) => (r.next() < 0.5 ? 1 : -1) * -Math.log(1 - r.next()), variance: 2 },
  { name: 'U(−3, 3)', draw: (r) => 3 * (2 * r.next() - 1), variance: 3 },
  {
    name: 'the previous layer’s output Σ_{i=1}^{8} w_i x_i, w_i ~ N(0, 1/8), x_i ~ Exp(1)',
    draw: (r) => {
      let y = 0;
      for (let i = 0; i < 8; i++) y += Math.sqrt(1 / 8) * r.normal() * -Math.log(1 - r.next());
      return y;
    },
    variance: 2,
  },
];
/** Why eq. (4) needs symmetry: zero mean, variance 1, skewed (E − 1, E ~ Exp(1)); E[ReLU(y)²] = 2/e ≈ 0.736, not ½. */
const SKEWED: YLaw = { name: 'Exp(1) − 1 (zero mean, not symmetric)', draw: (r) => -Math.log(1 - r.next()) - 1, variance: 1 };
const EQ4_TRIALS = 40000;

export function measureEq4(law: YLaw, seed: number, trials: number, level: number): Interval {
  return batchMeansCI(
    monteCarlo(seed, trials, (r) => Math.max(0, law.draw(r)) ** 2),
    BATCH,
    level,
  );
}

const fmtIv = (iv: Interval): string => fmtInterval(iv);

/** The per-interval level of a pilot stage: a pilot may only reject, so its false-rejection chance (1e-6) adds to the claim's. */
const PILOT_LEVEL = 1 - 1e-6;
const PILOT_NETWORKS = 8;

/**
 * Var-ratio of T random networks with a Cox interval, in two stages: a pilot of 8 networks whose interval
 * (at 1 − 1e-6) may already show the answer wrong — `rejects(iv)` — so that a wrong initialization fails in
 * ~0.2 s; otherwise T networks in all (pilot included) at `level`.  The stages together reject a correct
 * answer with probability ≤ 1e-6 + (1 − level).
 */
function measureDepth(
  opts: { widths: number[]; std: (fi: number, fo: number) => number; direction: 'forward' | 'backward'; networks: number; seed: number; level: number },
  rejects: (iv: Interval) => boolean,
): { iv: Interval; ratios: number[]; pilotRejected: boolean } {
  const base = { widths: opts.widths, batch: 2, std: opts.std, direction: opts.direction };
  const pilot = deepRun({ ...base, networks: PILOT_NETWORKS, seed: opts.seed });
  const piv = lognormalMeanCI(pilot.ratio, PILOT_LEVEL);
  if (rejects(piv)) return { iv: piv, ratios: pilot.ratio, pilotRejected: true };
  const rest = deepRun({ ...base, networks: Math.max(opts.networks - PILOT_NETWORKS, 1), seed: opts.seed + 1 });
  const ratios = [...pilot.ratio, ...rest.ratio];
  return { iv: lognormalMeanCI(ratios, opts.level), ratios, pilotRejected: false };
}

export const heinitClaims: Claim<HeinitContract>[] = [
  {
    id: 'heinit.eq3',
    ...refs,
    points: 2,
    statement: 'eq. (3) Var[y_l] = n_l Var[w_l] E[x_l²] holds for dense and conv layers (the formula lies inside a seeded Monte-Carlo CI, joint level 1 − 1e-6)',
    answer:
      'Each element of $\\mathbf y_l$ is a sum of $n_l$ independent terms $w\\,x$ ($n_l=k^2c$ for a $k\\times k$ conv over $c$ channels; the bias is a constant). ' +
      'Independent terms add variances: $\\operatorname{Var}[y_l]=n_l\\operatorname{Var}[w_lx_l]$ (eq. 2). With $w_l\\perp x_l$ and $E[w_l]=0$: ' +
      '$$\\operatorname{Var}[w_lx_l]=E[w_l^2x_l^2]-E[w_l]^2E[x_l]^2=E[w_l^2]E[x_l^2]=\\operatorname{Var}[w_l]\\,E[x_l^2],$$ ' +
      'so $\\operatorname{Var}[y_l]=n_l\\operatorname{Var}[w_l]E[x_l^2]$. It is $E[x_l^2]$, not $\\operatorname{Var}[x_l]$: $x_l=\\mathrm{ReLU}(y_{l-1})\\ge 0$ has $E[x_l]\\ne0$. ' +
      'Measured: five layers (dense $n_l=1,16,64$; conv $3\\times3\\times4$, $5\\times5\\times2$; Gaussian and uniform weights; ReLU-Gaussian, uniform and exponential inputs) — every interval contains $n_l\\operatorname{Var}[w_l]E[x_l^2]$ and excludes $n_l\\operatorname{Var}[w_l]\\operatorname{Var}[x_l]$.',
    uses: ['heEq3VarY'],
    check(impl, ctx) {
      const level = familyLevel(FAMILY, EQ3_CASES.length);
      const rows: Evidence[] = [];
      for (const [i, c] of EQ3_CASES.entries()) {
        const iv = measureEq3({ ...c, trials: ctx.runs(c.trials) }, ctx.seed + 101 * i, level);
        const theory = c.n * c.varW * c.x.m.meanSq;
        const got = readNumber(impl.heEq3VarY(c.n, c.varW, { ...c.x.m }), `heEq3VarY(${c.n}, ${fmtNum(c.varW)}, …)`);
        const naive = c.n * c.varW * c.x.m.var;
        rows.push({ layer: c.label, x: c.x.name, w: c.w, theory, got, ...intervalEvidence(iv), zOfVarXFormula: zScore(iv, naive) });
        if (!contains(iv, got)) {
          fail(
            [
              `eq. (3) is contradicted by the measurement for a ${c.label} layer (Var[w] = ${fmtNum(c.varW)}, ${c.w} weights, x ~ ${c.x.name}: E[x] = ${fmtNum(c.x.m.mean)}, E[x²] = ${fmtNum(c.x.m.meanSq)}, Var[x] = ${fmtNum(c.x.m.var)}):`,
              `  heEq3VarY returned ${fmtNum(got)}; the Monte-Carlo Var[y_l] is ${fmtIv(iv)}, ${fmtNum(Math.abs(zScore(iv, got)))} standard errors away.`,
              `  ${recognisedBy(() => nameEq3(got, c.n, c.varW, c.x.m))}`.trimEnd(),
            ]
              .filter(Boolean)
              .join('\n'),
            { rows },
          );
        }
        if (!contains(iv, theory)) fail(`the measurement does not contain the key's value n·Var[w]·E[x²] = ${fmtNum(theory)} for ${c.label}: ${fmtIv(iv)}`, { rows });
      }
      ctx.note(`eq. (3): ${rows.length} layers, each interval at 1 − ${(1 - level).toExponential(1)} (joint 1 − 1e-6)`);
      return { level, rows };
    },
  },
  {
    id: 'heinit.eq4',
    ...refs,
    points: 2,
    statement: 'eq. (4) E[x_l²] = ½ Var[y_{l−1}] holds for x = ReLU(y) with y symmetric about 0 (Monte-Carlo CI, joint level 1 − 1e-6); it fails for a skewed zero-mean y',
    answer:
      'With $x_l=\\max(0,y_{l-1})$ and $y_{l-1}$ symmetric about 0. It is under the two conditions of He et al. (2015, §2.2): $w_{l-1}$ symmetric about zero ' +
      'and the bias $b_{l-1}=0$, so that $y_{l-1}=\\mathbf w_{l-1}\\cdot\\mathbf x_{l-1}$ has zero mean and a symmetric distribution (a nonzero bias shifts $y_{l-1}$ and breaks both; the initialization sets every bias to 0): ' +
      '$$E[x_l^2]=\\int_0^{\\infty}y^2p(y)\\,dy=\\tfrac12\\int_{-\\infty}^{\\infty}y^2p(y)\\,dy=\\tfrac12E[y_{l-1}^2]=\\tfrac12\\operatorname{Var}[y_{l-1}],$$ ' +
      'the last step because $E[y_{l-1}]=0$. Symmetry (not only zero mean) is needed: for $y=E-1$, $E\\sim\\mathrm{Exp}(1)$ (mean 0, variance 1) $E[\\mathrm{ReLU}(y)^2]=2/e\\approx0.736\\ne\\tfrac12$ — the key measures that too. ' +
      'Measured for Gaussian, Laplace, uniform $y$ and for $y$ = a previous layer’s output: every interval contains $\\tfrac12\\operatorname{Var}[y]$.',
    uses: ['heEq4MeanSqX'],
    check(impl, ctx) {
      const level = familyLevel(FAMILY, EQ4_LAWS.length);
      const rows: Evidence[] = [];
      for (const [i, law] of EQ4_LAWS.entries()) {
        const iv = measureEq4(law, ctx.seed + 211 * i, ctx.runs(EQ4_TRIALS), level);
        const got = readNumber(impl.heEq4MeanSqX(law.variance), `heEq4MeanSqX(${law.variance})`);
        rows.push({ y: law.name, varY: law.variance, theory: law.variance / 2, got, ...intervalEvidence(iv) });
        if (!contains(iv, got)) {
          fail(
            [
              `eq. (4) is contradicted by the measurement for y ~ ${law.name} (Var[y] = ${law.variance}):`,
              `  heEq4MeanSqX(${law.variance}) returned ${fmtNum(got)}; the Monte-Carlo E[ReLU(y)²] is ${fmtIv(iv)}, ${fmtNum(Math.abs(zScore(iv, got)))} standard errors away.`,
              `  ${recognisedBy(() => nameEq4(got, law.variance))}`.trimEnd(),
            ]
              .filter(Boolean)
              .join('\n'),
            { rows },
          );
        }
        if (!contains(iv, law.variance / 2)) fail(`the measurement does not contain ½Var[y] for ${law.name}: ${fmtIv(iv)}`, { rows });
      }
      const skew = measureEq4(SKEWED, ctx.seed + 997, ctx.runs(EQ4_TRIALS), level);
      ctx.note(`eq. (4) without symmetry: y ~ ${SKEWED.name}: E[ReLU(y)²] = ${fmtIv(skew)} vs ½Var[y] = 0.5 (exact 2/e = ${fmtNum(2 / Math.E)})`);
      return { level, rows, skewedCounterexample: { y: SKEWED.name, halfVar: 0.5, exact: 2 / Math.E, ...intervalEvidence(skew), halfVarInside: contains(skew, 0.5) } };
    },
  },
  {
    id: 'heinit.forward-depth30',
    ...refs,
    points: 1,
    statement:
      'eq. (5) over L = 30 ReLU layers: with the student’s He init Var[y_L]/Var[y_1] stays within [0.5, 2]; std 0.01 collapses it to ≈ 10^−68; Var[w] = 1/n_l halves it per layer (≈ 2^−29); each measured ratio’s CI contains eq. (5)',
    answer:
      'Eq. (3) at layer $l$ and eq. (4) for $E[x_l^2]$ give $\\operatorname{Var}[y_l]=\\tfrac12n_l\\operatorname{Var}[w_l]\\operatorname{Var}[y_{l-1}]$; chaining from $l=2$ to $L$: ' +
      '$\\operatorname{Var}[y_L]=\\operatorname{Var}[y_1]\\prod_{l=2}^{L}\\tfrac12n_l\\operatorname{Var}[w_l]$ (eq. 5). The product neither vanishes nor explodes when every factor is 1: ' +
      '$\\operatorname{Var}[w_l]=2/n_l$, $w_l\\sim\\mathcal N(0,2/n_l)$ with $n_l$ = fan-in (eq. 6). Measured on 30-layer ReLU networks (widths cycling 64, 96, 128, 96; the ratio of expected variances over the random init, Cox interval on the log scale): ' +
      'He ≈ 1, std 0.01 ≈ $10^{-68}$, $\\operatorname{Var}=1/n_l$ ≈ $2^{-29}\\approx1.9\\cdot10^{-9}$, each matching eq. (5). A single finite-width network scatters around the expectation (log-variance ≈ $5\\sum_l 1/n_l$): the identity is about the expectation over the initialization.',
    uses: ['heInitStd', 'heEq5Ratio', 'heInitWeights'],
    check(impl, ctx) {
      const L = 30;
      const widths = depthWidths(L, [64, 96, 128, 96]);
      const fans = widths.slice(1, L); // fan-in of layers 2..L
      // 1. the student's weights: shape, reproducibility, mean 0 and variance 2/fan-in (2 shapes × 2 intervals)
      const level = familyLevel(FAMILY, 4 + 3);
      const weightRows: Evidence[] = [];
      for (const [s, shape] of (
        [
          [120, 50],
          [3, 3, 16, 8],
        ] as const
      ).entries()) {
        const fanIn = shape.length === 2 ? shape[0] : shape[0] * shape[1] * shape[2];
        const where = `heInitWeights([${shape.join(',')}], ${ctx.seed + s})`;
        const w = readTensor(impl.heInitWeights([...shape], ctx.seed + s), where, shape);
        const again = readTensor(impl.heInitWeights([...shape], ctx.seed + s), where, shape);
        if (w.data.some((v, i) => v !== again.data[i])) fail(`${where} returned different weights on a second call with the same seed: the initializer must be reproducible from its seed`);
        const other = readTensor(impl.heInitWeights([...shape], ctx.seed + s + 7919), `heInitWeights([${shape.join(',')}], ${ctx.seed + s + 7919})`, shape);
        if (other.data.every((v, i) => v === w.data[i])) fail(`heInitWeights returns the same weights for seeds ${ctx.seed + s} and ${ctx.seed + s + 7919}: the seed must choose the draw`);
        const mv = meanCI(w.data, level),
          vv = varianceCI(w.data, level);
        weightRows.push({ shape: shape.join('×'), fanIn, want: 2 / fanIn, mean: intervalEvidence(mv), variance: intervalEvidence(vv) });
        if (!contains(vv, 2 / fanIn) || !contains(mv, 0)) {
          const fanOut = shape.length === 2 ? shape[1] : shape[0] * shape[1] * shape[3];
          const mistake = recognisedBy(() => nameStd(impl.heInitStd) || nameWeightVariance((v) => contains(vv, v), fanIn, fanOut));
          fail(
            [
              `heInitWeights([${shape.join(',')}]) (fan-in ${fanIn}) does not have He's moments: sample variance ${fmtIv(vv)} must contain 2/n_l = ${fmtNum(2 / fanIn)}; sample mean ${fmtIv(mv)} must contain 0.`,
              mistake,
            ]
              .filter(Boolean)
              .join('\n  '),
            { weightRows },
          );
        }
      }
      // 2. thirty layers, three initializations
      const schemes = [
        { name: 'He (heInitStd(fan-in))', std: (fi: number) => impl.heInitStd(fi), networks: 64, student: true },
        { name: 'std 0.01', std: () => 0.01, networks: 24, student: false },
        { name: 'Var[w] = 1/n_l', std: (fi: number) => Math.sqrt(1 / fi), networks: 24, student: false },
      ];
      const rows: Evidence[] = [];
      for (const [k, s] of schemes.entries()) {
        const stdOf = (fi: number): number => readNumber(s.std(fi), `heInitStd(${fi})`);
        const eq5 = eq5Prediction(widths, stdOf, 'forward');
        const studentEq5 = readNumber(
          impl.heEq5Ratio(
            fans,
            fans.map((fi) => stdOf(fi) ** 2),
          ),
          `heEq5Ratio(n, Var[w]) for ${s.name}`,
        );
        const m = measureDepth(
          // the student's He ratio always over all 64 networks: its point estimate must land in [0.5, 2],
          // which 32 networks missed for 1 student seed in 100 (0 in 100 with 64)
          { widths, std: stdOf, direction: 'forward', networks: s.student ? s.networks : ctx.runs(s.networks), seed: ctx.seed + 31 * k, level },
          (iv) => !contains(iv, studentEq5) || (s.student && !contains(iv, 1)),
        );
        const iv = m.iv;
        rows.push({ init: s.name, eq5, studentEq5, ...intervalEvidence(iv), perNetworkMin: Math.min(...m.ratios), perNetworkMax: Math.max(...m.ratios) });
        if (s.student && !(contains(iv, 1) && (m.pilotRejected || (iv.estimate >= 0.5 && iv.estimate <= 2)))) {
          fail(
            [
              `With heInitStd the 30-layer variance ratio Var[y_30]/Var[y_1] is ${fmtIv(iv)}: it must stay within [0.5, 2] and be consistent with 1 (eq. 6: ½ n_l Var[w_l] = 1).`,
              `  eq. (5) with your std predicts ${fmtNum(eq5)}. ${recognisedBy(() => nameStd(impl.heInitStd))}`.trimEnd(),
            ].join('\n'),
            { rows },
          );
        }
        if (!contains(iv, studentEq5)) {
          const mistake = recognisedBy(() => nameEq5(studentEq5, eq5, L));
          fail(
            [`heEq5Ratio predicts ${fmtNum(studentEq5)} for ${s.name} over ${L} layers, but the measured Var[y_30]/Var[y_1] is ${fmtIv(iv)} (eq. 5 gives ${fmtNum(eq5)}).`, mistake]
              .filter(Boolean)
              .join('\n  '),
            { rows },
          );
        }
        if (!contains(iv, eq5)) fail(`the measurement for ${s.name} does not contain eq. (5)'s ${fmtNum(eq5)}: ${fmtIv(iv)}`, { rows });
      }
      ctx.note(`eq. (5), L = 30: ${rows.map((r) => `${r.init}: ${fmtNum(r.estimate as number)} (eq. 5: ${fmtNum(r.eq5 as number)})`).join('; ')}`);
      return { level, widths: widths.join(','), weightRows, rows };
    },
  },
  {
    id: 'heinit.backward-depth30',
    ...refs,
    points: 1,
    statement: 'the backward version: with Var[w_l] = 2/n̂_l (n̂_l = fan-out) the gradient variance Var[Δx_1]/Var[Δx_30] stays within [0.5, 2] and its CI contains 1',
    answer:
      'Backwards, $\\Delta\\mathbf x_l=\\mathbf W_l^\\top\\Delta\\mathbf y_l$ sums $\\hat n_l$ (fan-out) terms, so $\\operatorname{Var}[\\Delta x_l]=\\hat n_l\\operatorname{Var}[w_l]\\operatorname{Var}[\\Delta y_l]$; ' +
      '$\\Delta y_l=\\mathrm{ReLU}^\\prime(y_l)\\Delta x_{l+1}$ keeps half of a zero-mean gradient: $\\operatorname{Var}[\\Delta y_l]=\\tfrac12\\operatorname{Var}[\\Delta x_{l+1}]$. Hence ' +
      '$\\operatorname{Var}[\\Delta x_1]=\\operatorname{Var}[\\Delta x_{L}]\\prod_{l=1}^{L-1}\\tfrac12\\hat n_l\\operatorname{Var}[w_l]$ and $\\operatorname{Var}[w_l]=2/\\hat n_l$ keeps gradients from vanishing or exploding. ' +
      'Measured on 30-layer networks with fan-in ≠ fan-out (Cox interval): ≈ 1 with fan-out He; fan-in He gives $\\prod \\hat n_l/n_l$ instead (a ratio of the first and last widths, not exponential in depth).',
    uses: ['heInitStd'],
    check(impl, ctx) {
      const L = 30;
      const widths = depthWidths(L, [64, 96, 128, 96]);
      const level = familyLevel(FAMILY, 1);
      const stdOf = (_fi: number, fo: number): number => readNumber(impl.heInitStd(fo), `heInitStd(${fo})`);
      const m = measureDepth({ widths, std: stdOf, direction: 'backward', networks: ctx.runs(64), seed: ctx.seed + 577, level }, (iv) => !contains(iv, 1));
      const iv = m.iv;
      const eq5 = eq5Prediction(widths, stdOf, 'backward');
      const row = { init: 'He backward (heInitStd(fan-out))', eq5, ...intervalEvidence(iv), perNetworkMin: Math.min(...m.ratios), perNetworkMax: Math.max(...m.ratios) };
      if (!(contains(iv, 1) && (m.pilotRejected || (iv.estimate >= 0.5 && iv.estimate <= 2)))) {
        fail(
          [
            `With heInitStd(fan-out) the 30-layer gradient variance ratio Var[Δx_1]/Var[Δx_30] is ${fmtIv(iv)}: it must stay within [0.5, 2] and be consistent with 1 (½ n̂_l Var[w_l] = 1).`,
            `  The backward version of eq. (5) with your std predicts ${fmtNum(eq5)}. ${recognisedBy(() => nameStd(impl.heInitStd))}`.trimEnd(),
          ].join('\n'),
          { row },
        );
      }
      if (!contains(iv, eq5)) fail(`the measurement does not contain the backward eq. (5)'s ${fmtNum(eq5)}: ${fmtIv(iv)}`, { row });
      ctx.note(`backward, L = 30: Var[Δx_1]/Var[Δx_30] = ${fmtIv(iv)}`);
      return { level, widths: widths.join(','), row };
    },
  },
];
