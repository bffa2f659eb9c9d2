/**
 * CIE6032 HW2 P5 graded from the generator the student trained (./generator-artifact.ts): the file is
 * loaded and sampled, and what its images show is judged by the project's digit judge (a classifier of
 * real MNIST digits, ./digit-classifier.ts) — no training at grading time, no Q needed.
 *  - L_I: the information the categorical code carries about the digit drawn, I(c₁; judged digit),
 *    a lower bound on I(c₁; G(z, c₁)) (data processing);
 *  - categorical: c₁ as a digit classifier (best code→digit assignment) — the paper: 95%;
 *  - continuous: each continuous code's sweep moves an image property monotonically, the digit kept;
 *  - figures: the homework's three grids rendered from G (PNG), each row one digit.
 */
import path from 'node:path';
import type { CheckContext, Claim, Evidence } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { loadMnist, mnistFloat, mnistMissing } from '../data/mnist.ts';
import { writeGridPng, type Tile } from '../plot/image-grid.ts';
import { makeRng, type Rng } from '../verify/rng.ts';
import type { InfoganContract } from './contract.ts';
import { digitClassifier, type DigitClassifier } from './digit-classifier.ts';
import { keptBy, rowConsistency, type SweepResult } from './evaluate.ts';
import { GENERATOR_MISTAKES } from './misconceptions.ts';
import { latentOf, loadGenerator, noisePrior, type GeneratorFiles, type LoadedGenerator } from './generator-artifact.ts';
import { assignmentTotal, bestAssignment, imageProps, monotoneDirection, PROP_NAMES, spearman, type PropName } from './measure.ts';
import { CAT_DIM, LATENT_DIM, NOISE_DIM, PIXELS } from './model.ts';

const LN10 = Math.log(CAT_DIM);
/** Floors both reference generators meet over grading seeds with room (docs/measurements.md gives what they reach):
 *  c₁ as a classifier 80–85%, I(c₁; digit) 1.7–1.9 nats, a sweep keeps its digit for 84–96% of its 540 images, a
 *  grid row shows its majority digit for 80–95% of its tiles. */
export const GENERATOR_FLOORS = { accuracy: 0.75, mi: 0.6 * LN10, rho: 0.8, kept: 0.8, rowConsistency: 0.7, distinctDigits: 8 };
/** The paper's unsupervised classification with c₁ on MNIST: 5% error. */
export const PAPER_ACCURACY = 0.95;
/** Noise draws (each rendered with all 10 codes) for the classification and information measures, and draws
 *  per continuous-code sweep: sized so that the four claims generate ≈ 2,400 images (≈ 1 ms each on wasm). */
const PER_CODE = 100;
const SWEEP_DRAWS = 60;
/** A generator whose pixels are mostly grey (0.1 … 0.9) draws no digits: real MNIST digits have ≈ 9% such pixels. */
const GREY_LIMIT = 0.5;

const pct = (x: number, d = 2) => `${(100 * x).toFixed(d)}%`;
const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

interface Sampled {
  gen: LoadedGenerator;
  draw: (rng: Rng) => number;
  judge: DigitClassifier;
  /** confusion[code][judged digit] over PER_CODE images per code */
  confusion: number[][];
  assignment: number[];
  accuracy: number;
  /** I(c₁; judged digit), plug-in (nats) */
  mi: number;
  /** share of pixels strictly between 0.1 and 0.9, and of pixels outside [0, 1] */
  grey: number;
  outOfRange: number;
  /** for the same noise, the share of draws whose judged digit is the same for all 10 codes */
  sameForAllCodes: number;
}

function mutualInformation(confusion: number[][]): number {
  const n = confusion.flat().reduce((a, b) => a + b, 0);
  const col = Array.from({ length: CAT_DIM }, (_, d) => confusion.reduce((a, r) => a + r[d], 0));
  const row = confusion.map((r) => r.reduce((a, b) => a + b, 0));
  let mi = 0;
  for (let k = 0; k < CAT_DIM; k++) for (let d = 0; d < CAT_DIM; d++) if (confusion[k][d] > 0) mi += (confusion[k][d] / n) * Math.log((confusion[k][d] * n) / (row[k] * col[d]));
  return mi;
}

const cache = new Map<string, Promise<Sampled>>();

const WHAT = 'infoganTrainedGenerator';

/** The student's generator, loaded and sampled once per (folder, file, seed): the four claims share it. */
function sampled(impl: InfoganContract, ctx: CheckContext): Promise<Sampled> {
  const g = impl.infoganTrainedGenerator as GeneratorFiles | undefined;
  const prior = noisePrior(g, WHAT);
  const key = `${ctx.files.root}\u0000${String(g?.model)}\u0000${prior}\u0000${ctx.seed}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const miss = mnistMissing();
      if (miss) fail(miss);
      const gen = await loadGenerator(ctx.files, g, WHAT);
      try {
        const draw = prior === 'uniform' ? (r: Rng) => r.uniform(-1, 1) : (r: Rng) => r.normal();
        const rng = makeRng(`generator:${ctx.seed}`);
        // the same noise for every code: the digit must follow the code, not the noise
        const draws = PER_CODE;
        const n = draws * CAT_DIM;
        const z = new Float32Array(n * LATENT_DIM);
        for (let s = 0; s < draws; s++) {
          const noise = Array.from({ length: NOISE_DIM }, () => draw(rng));
          const cont = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
          for (let k = 0; k < CAT_DIM; k++) z.set(latentOf(noise, k, cont), (s * CAT_DIM + k) * LATENT_DIM);
        }
        const x = generateChunked(gen, z, n);
        let grey = 0,
          out = 0;
        for (const v of x) {
          if (!(v >= 0 && v <= 1)) out++;
          else if (v > 0.1 && v < 0.9) grey++;
        }
        const judge = await digitClassifier();
        const d = judge.predict(x, n);
        const confusion = Array.from({ length: CAT_DIM }, () => new Array<number>(CAT_DIM).fill(0));
        let same = 0;
        for (let s = 0; s < draws; s++) {
          for (let k = 0; k < CAT_DIM; k++) confusion[k][d[s * CAT_DIM + k]]++;
          if (Array.from({ length: CAT_DIM }, (_, k) => d[s * CAT_DIM + k]).every((v) => v === d[s * CAT_DIM])) same++;
        }
        const assignment = bestAssignment(confusion);
        return {
          gen,
          draw,
          judge,
          confusion,
          assignment,
          accuracy: assignmentTotal(confusion, assignment) / n,
          mi: mutualInformation(confusion),
          grey: grey / x.length,
          outOfRange: out / x.length,
          sameForAllCodes: same / draws,
        };
      } catch (e) {
        gen.dispose();
        throw e;
      }
    })();
    // one generator at a time stays loaded: a grade reads one hand-in
    for (const [k, old] of cache) {
      cache.delete(k);
      old.then((s) => s.gen.dispose()).catch(() => undefined);
    }
    cache.set(key, p);
  }
  return p;
}

function generateChunked(gen: LoadedGenerator, z: Float32Array, n: number, chunk = 500): Float32Array {
  const out = new Float32Array(n * PIXELS);
  for (let s = 0; s < n; s += chunk) {
    const k = Math.min(chunk, n - s);
    out.set(gen.generate(z.subarray(s * LATENT_DIM, (s + k) * LATENT_DIM), k), s * PIXELS);
  }
  return out;
}

/** The images must be digits in [0, 1]: every claim asks this first. */
function checkImages(s: Sampled): void {
  if (s.outOfRange > 0)
    fail(`${pct(s.outOfRange)} of the generated pixels lie outside [0, 1]: ${GENERATOR_MISTAKES['not-0-1']} — the generator must end in a sigmoid (MNIST pixels: 0 background, 1 ink)`, {
      outOfRange: s.outOfRange,
    });
  if (s.grey > GREY_LIMIT)
    fail(`${pct(s.grey, 1)} of the generated pixels are grey (between 0.1 and 0.9; real MNIST digits have about 9%): ${GENERATOR_MISTAKES.untrained} (are these the weights after training?)`, {
      greyPixels: s.grey,
    });
}

const withRows = (s: Sampled) => ({
  assignment: s.assignment,
  confusion: s.confusion,
  judgeTestAccuracy: s.judge.testAccuracy,
  judgeWeights: s.judge.weights,
  format: s.gen.format,
  widths: { ...s.gen.widths },
  parameters: s.gen.params,
});

function codeIgnored(s: Sampled): string {
  return s.mi < 0.1 * LN10 ? `: ${GENERATOR_MISTAKES['code-ignored']} (for ${pct(s.sameForAllCodes, 0)} of the noise draws all 10 codes give the same judged digit)` : '';
}

/* ---------------------------------------------------------------- sweeps and figures */

interface Sweep extends SweepResult {
  /** largest change of any pixel along the sweep, over all draws */
  maxPixelChange: number;
}

function sweep(s: Sampled, code: number, seed: number, samples: number, steps = 9): Sweep {
  const rng = makeRng(`generator-sweep:${code}:${seed}`);
  const values = Array.from({ length: steps }, (_, i) => -1 + (2 * i) / (steps - 1));
  const n = samples * steps;
  const z = new Float32Array(n * LATENT_DIM);
  for (let k = 0; k < samples; k++) {
    const cat = rng.int(0, CAT_DIM - 1);
    const noise = Array.from({ length: NOISE_DIM }, () => s.draw(rng));
    values.forEach((v, t) => {
      const cont = [0, 0];
      cont[code] = v;
      z.set(latentOf(noise, cat, cont), (k * steps + t) * LATENT_DIM);
    });
  }
  const x = generateChunked(s.gen, z, n);
  let maxPixelChange = 0;
  for (let k = 0; k < samples; k++) {
    for (let t = 1; t < steps; t++) {
      const a = (k * steps + t) * PIXELS;
      for (let p = 0; p < PIXELS; p++) maxPixelChange = Math.max(maxPixelChange, Math.abs(x[a + p] - x[k * steps * PIXELS + p]));
    }
  }
  const props = Array.from({ length: n }, (_, i) => imageProps(x, 28, 28, i * PIXELS));
  const meanCurve = {} as Record<PropName, number[]>,
    medianSpearman = {} as Record<PropName, number>;
  for (const p of PROP_NAMES) {
    meanCurve[p] = values.map((_, t) => props.filter((_, i) => i % steps === t).reduce((a, q) => a + q[p], 0) / samples);
    const rhos = Array.from({ length: samples }, (_, k) =>
      spearman(
        values,
        values.map((_, t) => props[k * steps + t][p]),
      ),
    ).sort((a, b) => a - b);
    medianSpearman[p] = rhos[Math.floor(samples / 2)];
  }
  let best: SweepResult['best'] = null;
  for (const p of PROP_NAMES) {
    const dir = monotoneDirection(meanCurve[p]);
    if (dir !== 0 && Math.sign(medianSpearman[p]) === dir && (!best || Math.abs(medianSpearman[p]) > Math.abs(best.medianSpearman)))
      best = { prop: p, direction: dir, medianSpearman: medianSpearman[p] };
  }
  return { code, values, meanCurve, medianSpearman, best, digitKept: NaN, images: x, maxPixelChange };
}

/** The homework's three grids from G: rows = the 10 codes ordered by assigned digit; columns = noise draws / a c₂ sweep / a c₃ sweep. */
function figureGrids(s: Sampled, seed: number, cols = 10): { name: string; images: Float32Array }[] {
  const rng = makeRng(`generator-figures:${seed}`);
  const order = Array.from({ length: CAT_DIM }, (_, k) => k).sort((a, b) => s.assignment[a] - s.assignment[b]);
  const values = Array.from({ length: cols }, (_, i) => -1 + (2 * i) / (cols - 1));
  const fixed = Array.from({ length: NOISE_DIM }, () => s.draw(rng));
  return (['categorical', 'c2', 'c3'] as const).map((which) => {
    const z = new Float32Array(CAT_DIM * cols * LATENT_DIM);
    order.forEach((k, r) => {
      const rowNoise = Array.from({ length: NOISE_DIM }, () => s.draw(rng));
      for (let c = 0; c < cols; c++) {
        const noise = which === 'categorical' ? Array.from({ length: NOISE_DIM }, () => s.draw(rng)) : which === 'c2' ? rowNoise : fixed;
        const cont = [which === 'c2' ? values[c] : 0, which === 'c3' ? values[c] : 0];
        z.set(latentOf(noise, k, cont), (r * cols + c) * LATENT_DIM);
      }
    });
    return { name: `vary-${which}`, images: generateChunked(s.gen, z, CAT_DIM * cols) };
  });
}

/* ---------------------------------------------------------------- the claims */

const base = { course: 'CIE6032' as const, hw: 'HW2', problem: 5, uses: ['infoganTrainedGenerator'] as (keyof InfoganContract & string)[], timeoutMs: 120_000 };
const FAMILY_NOTE = 'sampled from the generator handed in (no training at grading time), its images judged by a classifier of real MNIST digits';

export const generatorClaims: Claim<InfoganContract>[] = [
  {
    ...base,
    id: 'infogan.generator.mi',
    part: 'L_I',
    points: 3,
    statement: `the trained generator's categorical code carries the digit: I(c₁; judged digit) ≥ ${f(GENERATOR_FLOORS.mi, 2)} nats (${100 * (GENERATOR_FLOORS.mi / LN10)}% of H(c₁) = ln 10), ${FAMILY_NOTE}`,
    answer:
      'Maximising $L_I$ makes $I(c_1; G(z, c_1))$ approach $H(c_1) = \\ln 10 \\approx 2.303$ nats. From $G$ alone the grader bounds it from below by the information the code carries about the digit a classifier of real digits sees: $I(c_1; \\hat y(G(z, c_1))) \\le I(c_1; G(z, c_1))$ (data processing), estimated from the $10\\times 10$ table of code against judged digit over 1,000 images (the same 100 noise draws for every code).',
    async check(impl, ctx) {
      const s = await sampled(impl, ctx);
      checkImages(s);
      const ev: Evidence = { miJudged: s.mi, hC: LN10, floor: GENERATOR_FLOORS.mi, sameDigitForAllCodes: s.sameForAllCodes, ...withRows(s) };
      if (!(s.mi >= GENERATOR_FLOORS.mi))
        fail(
          `the categorical code carries ${f(s.mi)} nats about the digit drawn (I(c₁; judged digit) over ${PER_CODE * CAT_DIM} images), below ${f(GENERATOR_FLOORS.mi, 2)} nats (${100 * (GENERATOR_FLOORS.mi / LN10)}% of ln 10 = ${f(LN10)})${codeIgnored(s)}`,
          ev,
        );
      return ev;
    },
  },
  {
    ...base,
    id: 'infogan.generator.categorical',
    part: 'categorical',
    points: 5,
    leaderboard: { name: 'P5 InfoGAN: categorical code as a digit classifier (%)', order: 'desc' },
    statement: `the trained generator's categorical code, used as a digit classifier (best code→digit assignment), draws the assigned digit for ≥ ${100 * GENERATOR_FLOORS.accuracy}% of its images (the paper: ${100 * PAPER_ACCURACY}%), ${FAMILY_NOTE}`,
    answer:
      'Unsupervised, $c_1$ captures the digit class: fixing $c_1 = k$ draws one digit $\\pi(k)$. The grader draws 100 noise vectors, renders each with all 10 codes, lets a classifier of real MNIST digits (≈ 97% on the test set, invariant to slant and width) name each image, and finds the code→digit assignment $\\pi$ with the most agreement (exact). The paper reports 5% error (95%) for its full-size model; the floor is what the key’s CPU model meets with room.',
    async check(impl, ctx) {
      const s = await sampled(impl, ctx);
      checkImages(s);
      const ev: Evidence = {
        accuracy: s.accuracy,
        leaderboardValue: Math.round(10_000 * s.accuracy) / 100,
        paper: PAPER_ACCURACY,
        floor: GENERATOR_FLOORS.accuracy,
        n: PER_CODE * CAT_DIM,
        ...withRows(s),
      };
      ctx.note(`categorical code as a digit classifier: ${pct(s.accuracy)} (the paper: ${100 * PAPER_ACCURACY}%), assignment code→digit [${s.assignment.join(', ')}]`);
      if (!(s.accuracy >= GENERATOR_FLOORS.accuracy))
        fail(
          `fixing the categorical code draws the assigned digit for ${pct(s.accuracy)} of ${PER_CODE * CAT_DIM} images (best assignment code→digit [${s.assignment.join(', ')}]), below ${100 * GENERATOR_FLOORS.accuracy}% (the paper: ${100 * PAPER_ACCURACY}%)${codeIgnored(s)}`,
          ev,
        );
      return ev;
    },
  },
  {
    ...base,
    id: 'infogan.generator.continuous',
    part: 'continuous',
    points: 4,
    statement: `sweeping each continuous code of the trained generator from −1 to 1 changes a measured image property monotonically (median |Spearman ρ| ≥ ${GENERATOR_FLOORS.rho}) while a classifier of real digits sees the same digit (≥ ${100 * GENERATOR_FLOORS.kept}%)`,
    answer:
      'Each continuous code controls a style factor — in the paper $c_2$ the rotation/slant, $c_3$ the width. For 60 draws of $(z, c_1)$ and 9 values $c_j \\in [-1, 1]$ (the other code 0), a property from the image moments (slant $-\\mu_{11}/\\mu_{02}$, width $\\sqrt{\\mu_{20}}$, ink $\\sum I$) has a strictly monotone mean curve and median per-draw Spearman $|\\rho| \\ge 0.8$, and the digit judged at $c_j = 0$ stays for ≥ 80% of the images.',
    async check(impl, ctx) {
      const s = await sampled(impl, ctx);
      checkImages(s);
      const ev: Evidence = { rhoFloor: GENERATOR_FLOORS.rho, keepFloor: GENERATOR_FLOORS.kept };
      const problems: string[] = [];
      for (const code of [0, 1]) {
        const w = sweep(s, code, ctx.seed, SWEEP_DRAWS); // not scaled by the grader's case scale: a measurement of one file, as many draws every time
        const name = `c${code + 2}`;
        const kept = keptBy(s.judge.predict, w);
        ev[name] = { best: w.best ? { ...w.best } : null, medianSpearman: { ...w.medianSpearman }, meanCurve: { ...w.meanCurve }, digitKept: kept, maxPixelChange: w.maxPixelChange };
        if (w.maxPixelChange < 1e-3) {
          problems.push(`${name} (continuous code ${code + 1}): ${GENERATOR_MISTAKES['continuous-inert']} (no pixel moves by more than ${w.maxPixelChange.toExponential(1)})`);
          continue;
        }
        if (!w.best || Math.abs(w.best.medianSpearman) < GENERATOR_FLOORS.rho) {
          const curves = PROP_NAMES.map((p) => `${p} [${w.meanCurve[p].map((v) => v.toFixed(2)).join(', ')}] (median ρ ${w.medianSpearman[p].toFixed(2)})`).join('; ');
          problems.push(`${name} (continuous code ${code + 1}): no property changes monotonically with median |Spearman ρ| ≥ ${GENERATOR_FLOORS.rho}; mean curves over c = −1..1: ${curves}`);
        }
        if (kept < GENERATOR_FLOORS.kept)
          problems.push(
            `${name}: the digit judged at ${name} = 0 stays for only ${pct(kept, 1)} of the sweep images (need ≥ ${100 * GENERATOR_FLOORS.kept}%): the continuous code changes the digit, not only its style`,
          );
      }
      if (problems.length) fail(`${problems.join('\n')}${codeIgnored(s)}`, ev);
      return ev;
    },
  },
  {
    ...base,
    id: 'infogan.generator.figures',
    part: 'figures',
    points: 2,
    statement: `the homework's three grids are rendered from the trained generator as PNG — rows: the 10 categorical values; columns: noise draws / a sweep of c₂ / a sweep of c₃ — and each row shows one digit (≥ ${100 * GENERATOR_FLOORS.rowConsistency}% of its tiles, by a classifier of real digits), ≥ ${GENERATOR_FLOORS.distinctDigits} distinct digits over the categorical grid's rows`,
    answer:
      'Three $10\\times10$ grids (Fig. 2 of the paper): varying $c_1$ (rows, ordered by the assigned digit) with random noise across columns; varying $c_2$ and $c_3$ from −1 to 1 across columns. The grader draws them from the generator handed in and puts them in the feedback.',
    async check(impl, ctx) {
      const s = await sampled(impl, ctx);
      checkImages(s);
      const grids = figureGrids(s, ctx.seed);
      const dir = path.join(ctx.outDir, 'infogan');
      const prefix = ctx.mode === 'reference' ? 'generator' : 'submission-generator';
      const files = grids.map((g) =>
        writeGridPng(
          path.join(dir, `${prefix}-${g.name}.png`),
          Array.from({ length: g.images.length / PIXELS }, (_, i): Tile => ({ data: g.images.subarray(i * PIXELS, (i + 1) * PIXELS), h: 28, w: 28, c: 1 })),
          { cols: 10, scale: 2, pad: 2, normalize: 'none', background: 128 },
        ),
      );
      const ev: Evidence = { files };
      ctx.note(`figures drawn from your generator: ${files.map((p) => path.basename(p)).join(', ')}`);
      const problems: string[] = [];
      grids.forEach((g, i) => {
        const c = rowConsistency(s.judge.predict, g.images);
        ev[g.name] = { consistency: c.consistency, distinctDigits: c.distinctDigits, rowDigits: c.rowDigits };
        if (i === 0 && c.distinctDigits < GENERATOR_FLOORS.distinctDigits)
          problems.push(`the categorical grid's 10 rows show only ${c.distinctDigits} distinct digits (row majorities [${c.rowDigits.join(', ')}]; need ≥ ${GENERATOR_FLOORS.distinctDigits})`);
        if (c.consistency < GENERATOR_FLOORS.rowConsistency)
          problems.push(`${g.name}: only ${pct(c.consistency, 1)} of the tiles show their row's majority digit (need ≥ ${100 * GENERATOR_FLOORS.rowConsistency}%)`);
      });
      if (problems.length) fail(`${problems.join('\n')}${codeIgnored(s)}`, ev);
      return ev;
    },
  },
];

/** The claims that read the trained generator (they need MNIST for the digit judge). */
export const GENERATOR_CLAIM_IDS = generatorClaims.map((c) => c.id);

/** Real MNIST digits' share of grey pixels (0.1 … 0.9), for the untrained-generator check's evidence. */
export function realGreyShare(n = 2000): number {
  const t = mnistFloat(loadMnist('test'), n);
  let g = 0;
  for (const v of t) if (v > 0.1 && v < 0.9) g++;
  return g / t.length;
}
