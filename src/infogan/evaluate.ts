/**
 * Evaluating a trained InfoGAN through its two functions (generate, q), whatever produced them:
 *  - the information term on fresh latents: L_I(cat) and the MI lower bound H(c) − L_I(cat),
 *  - the categorical code as a classifier of real test digits (best code→digit assignment),
 *  - continuous-code sweeps: image properties along c ∈ [−1, 1], and whether Q's digit stays,
 *  - the figure grids.
 */
import { makeRng, type Rng } from '../verify/rng.ts';
import { writeGridPng, type Tile } from '../plot/image-grid.ts';
import { bestAssignment, assignmentTotal, imageProps, infoLoss, monotoneDirection, PROP_NAMES, spearman, type PropName } from './measure.ts';
import { CAT_DIM, CONT_DIM, LATENT_DIM, NOISE_DIM, PIXELS } from './model.ts';

export interface InfoganModel {
  /** n latents (n × 74, row-major) → n images (n × 784 in [0, 1]) */
  generate(z: Float32Array, n: number): Float32Array | Promise<Float32Array>;
  /** n images (n × 784) → Q's categorical logits (n × 10) and continuous means (n × 2) */
  q(x: Float32Array, n: number): { logits: Float32Array; mean: Float32Array } | Promise<{ logits: Float32Array; mean: Float32Array }>;
}

export const LN10 = Math.log(CAT_DIM);

function latent(rng: Rng, cat: number, cont: readonly number[], noise?: Float32Array): Float32Array {
  const z = new Float32Array(LATENT_DIM);
  for (let j = 0; j < NOISE_DIM; j++) z[j] = noise ? noise[j] : rng.normal();
  z[NOISE_DIM + cat] = 1;
  for (let j = 0; j < CONT_DIM; j++) z[NOISE_DIM + CAT_DIM + j] = cont[j];
  return z;
}

async function genBatched(m: InfoganModel, z: Float32Array, n: number, chunk = 500): Promise<Float32Array> {
  const out = new Float32Array(n * PIXELS);
  for (let s = 0; s < n; s += chunk) {
    const k = Math.min(chunk, n - s);
    const g = await m.generate(z.slice(s * LATENT_DIM, (s + k) * LATENT_DIM), k);
    if (!(g instanceof Float32Array) || g.length !== k * PIXELS)
      throw new Error(`generate(z, ${k}) must return a Float32Array of ${k}×${PIXELS} values, got ${g instanceof Float32Array ? g.length : typeof g}`);
    out.set(g, s * PIXELS);
  }
  return out;
}

async function qBatched(m: InfoganModel, x: Float32Array, n: number, chunk = 500): Promise<{ logits: Float32Array; mean: Float32Array }> {
  const logits = new Float32Array(n * CAT_DIM),
    mean = new Float32Array(n * CONT_DIM);
  for (let s = 0; s < n; s += chunk) {
    const k = Math.min(chunk, n - s);
    const r = await m.q(x.slice(s * PIXELS, (s + k) * PIXELS), k);
    if (!r || !(r.logits instanceof Float32Array) || r.logits.length !== k * CAT_DIM || !(r.mean instanceof Float32Array) || r.mean.length !== k * CONT_DIM) {
      throw new Error(`q(x, ${k}) must return { logits: Float32Array(${k}×${CAT_DIM}), mean: Float32Array(${k}×${CONT_DIM}) }`);
    }
    logits.set(r.logits, s * CAT_DIM);
    mean.set(r.mean, s * CONT_DIM);
  }
  return { logits, mean };
}

const argmaxRow = (a: Float32Array, i: number, k: number): number => {
  let b = 0;
  for (let j = 1; j < k; j++) if (a[i * k + j] > a[i * k + b]) b = j;
  return b;
};

export interface MiResult {
  n: number;
  /** L_I(cat): mean cross-entropy of Q's categorical posterior against the code fed to G (nats) */
  liCat: number;
  /** L_I(cont): mean ½‖c − μ_Q‖² */
  liCont: number;
  /** H(c) − L_I(cat), the variational lower bound on I(c; G(z, c)) (nats); H(c) = ln 10 */
  miLowerBound: number;
  /** how often Q's argmax recovers the code fed to G */
  codeRecovery: number;
}

export async function measureMi(m: InfoganModel, seed: number, n = 10_000): Promise<MiResult> {
  const rng = makeRng(`mi:${seed}`);
  const z = new Float32Array(n * LATENT_DIM),
    cats: number[] = [],
    conts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.int(0, CAT_DIM - 1),
      k = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    cats.push(c);
    conts.push(k);
    z.set(latent(rng, c, k), i * LATENT_DIM);
  }
  const x = await genBatched(m, z, n);
  const q = await qBatched(m, x, n);
  const L: number[][] = [],
    M: number[][] = [];
  let hit = 0;
  for (let i = 0; i < n; i++) {
    L.push(Array.from(q.logits.subarray(i * CAT_DIM, (i + 1) * CAT_DIM)));
    M.push(Array.from(q.mean.subarray(i * CONT_DIM, (i + 1) * CONT_DIM)));
    if (argmaxRow(q.logits, i, CAT_DIM) === cats[i]) hit++;
  }
  const li = infoLoss(L, cats, M, conts);
  return { n, liCat: li.cat, liCont: li.cont, miLowerBound: LN10 - li.cat, codeRecovery: hit / n };
}

export interface CatAccuracy {
  n: number;
  accuracy: number;
  /** code k → digit */
  assignment: number[];
  /** confusion[code][digit] */
  confusion: number[][];
}

/** Q's categorical argmax on real digits; the best (exact) code→digit assignment; its accuracy. */
export async function categoricalAccuracy(m: InfoganModel, images: Float32Array, labels: ArrayLike<number>, assign: (c: number[][]) => number[] = bestAssignment): Promise<CatAccuracy> {
  const n = labels.length;
  const q = await qBatched(m, images, n);
  const confusion = Array.from({ length: CAT_DIM }, () => new Array<number>(CAT_DIM).fill(0));
  for (let i = 0; i < n; i++) confusion[argmaxRow(q.logits, i, CAT_DIM)][labels[i]]++;
  const assignment = assign(confusion);
  return { n, accuracy: assignmentTotal(confusion, assignment) / n, assignment, confusion };
}

export interface SweepResult {
  code: number;
  values: number[];
  /** per property: the mean over samples at each sweep value */
  meanCurve: Record<PropName, number[]>;
  /** per property: median over samples of Spearman(c, property) */
  medianSpearman: Record<PropName, number>;
  /** the property whose mean curve is strictly monotone with the largest |median Spearman| (null: none) */
  best: { prop: PropName; direction: 1 | -1; medianSpearman: number } | null;
  /** fraction of sweep images whose Q code (argmax) equals that of the same sample at c = 0 */
  digitKept: number;
  /** the generated sweep images, samples × steps × 784 (sample-major) */
  images: Float32Array;
}

/** Fraction of sweep images that `judge` calls the same digit as the same draw at the middle value. */
export function keptBy(judge: (x: Float32Array, n: number) => Int32Array, s: SweepResult): number {
  const steps = s.values.length,
    n = s.images.length / PIXELS,
    samples = n / steps,
    mid = Math.floor(steps / 2);
  const d = judge(s.images, n);
  let kept = 0;
  for (let k = 0; k < samples; k++) for (let t = 0; t < steps; t++) if (d[k * steps + t] === d[k * steps + mid]) kept++;
  return kept / n;
}

/** Sweep continuous code `code` (0 or 1) over `steps` values in [−1, 1], the other at 0, for `samples` (noise, category) draws. */
export async function sweepContinuous(m: InfoganModel, code: number, seed: number, samples = 200, steps = 9): Promise<SweepResult> {
  const rng = makeRng(`sweep:${code}:${seed}`);
  const values = Array.from({ length: steps }, (_, i) => -1 + (2 * i) / (steps - 1));
  const mid = Math.floor(steps / 2);
  const n = samples * steps;
  const z = new Float32Array(n * LATENT_DIM);
  for (let s = 0; s < samples; s++) {
    const cat = rng.int(0, CAT_DIM - 1);
    const noise = Float32Array.from({ length: NOISE_DIM }, () => rng.normal());
    values.forEach((v, t) => {
      const cont = [0, 0];
      cont[code] = v;
      z.set(latent(rng, cat, cont, noise), (s * steps + t) * LATENT_DIM);
    });
  }
  const x = await genBatched(m, z, n);
  const q = await qBatched(m, x, n);
  const props = Array.from({ length: n }, (_, i) => imageProps(x, 28, 28, i * PIXELS));
  const meanCurve = {} as Record<PropName, number[]>,
    medianSpearman = {} as Record<PropName, number>;
  for (const p of PROP_NAMES) {
    meanCurve[p] = values.map((_, t) => {
      let a = 0;
      for (let s = 0; s < samples; s++) a += props[s * steps + t][p];
      return a / samples;
    });
    const rhos = Array.from({ length: samples }, (_, s) =>
      spearman(
        values,
        values.map((_, t) => props[s * steps + t][p]),
      ),
    ).sort((a, b) => a - b);
    medianSpearman[p] = rhos[Math.floor(samples / 2)];
  }
  let kept = 0;
  for (let s = 0; s < samples; s++) {
    const d0 = argmaxRow(q.logits, s * steps + mid, CAT_DIM);
    for (let t = 0; t < steps; t++) if (argmaxRow(q.logits, s * steps + t, CAT_DIM) === d0) kept++;
  }
  let best: SweepResult['best'] = null;
  for (const p of PROP_NAMES) {
    const dir = monotoneDirection(meanCurve[p]);
    if (dir !== 0 && Math.sign(medianSpearman[p]) === dir && (!best || Math.abs(medianSpearman[p]) > Math.abs(best.medianSpearman))) {
      best = { prop: p, direction: dir, medianSpearman: medianSpearman[p] };
    }
  }
  return { code, values, meanCurve, medianSpearman, best, digitKept: kept / n, images: x };
}

/** The homework's figures: rows = the 10 categorical values (ordered by assigned digit), columns = a sweep. */
export async function writeFigures(
  m: InfoganModel,
  dir: string,
  prefix: string,
  seed: number,
  assignment?: number[],
  cols = 10,
  write = true,
): Promise<{ files: string[]; rowAgreement: number; grids: Float32Array[] }> {
  const rng = makeRng(`fig:${seed}`);
  const order = Array.from({ length: CAT_DIM }, (_, k) => k);
  if (assignment) order.sort((a, b) => assignment[a] - assignment[b]);
  const files: string[] = [];
  const sweep = Array.from({ length: cols }, (_, i) => -1 + (2 * i) / (cols - 1));
  const noiseFixed = Float32Array.from({ length: NOISE_DIM }, () => rng.normal());
  let agree = 0,
    total = 0;
  const grids: Float32Array[] = [];
  for (const which of ['categorical', 'c1', 'c2'] as const) {
    const z = new Float32Array(CAT_DIM * cols * LATENT_DIM);
    order.forEach((k, r) => {
      // categorical grid: columns are different noise draws; sweeps: one noise per row, c swept
      const rowNoise = Float32Array.from({ length: NOISE_DIM }, () => rng.normal());
      for (let c = 0; c < cols; c++) {
        const cont = [0, 0];
        if (which === 'c1') cont[0] = sweep[c];
        if (which === 'c2') cont[1] = sweep[c];
        const noise = which === 'categorical' ? undefined : which === 'c1' ? rowNoise : noiseFixed;
        z.set(latent(rng, k, cont, noise), (r * cols + c) * LATENT_DIM);
      }
    });
    const n = CAT_DIM * cols;
    const x = await genBatched(m, z, n);
    const q = await qBatched(m, x, n);
    grids.push(x);
    order.forEach((k, r) => {
      for (let c = 0; c < cols; c++) {
        total++;
        if (argmaxRow(q.logits, r * cols + c, CAT_DIM) === k) agree++;
      }
    });
    const tiles: Tile[] = Array.from({ length: n }, (_, i) => ({ data: x.subarray(i * PIXELS, (i + 1) * PIXELS), h: 28, w: 28, c: 1 }));
    if (write)
      files.push(writeGridPng(`${dir}/${prefix}-${which === 'categorical' ? 'vary-categorical' : `vary-${which}`}.png`, tiles, { cols, scale: 2, pad: 2, normalize: 'none', background: 128 }));
  }
  return { files, rowAgreement: agree / total, grids };
}

/** Per grid (rows × cols images, row-major): the share of tiles equal to their row's majority digit, and the distinct row majorities. */
export function rowConsistency(judge: (x: Float32Array, n: number) => Int32Array, grid: Float32Array, rows = CAT_DIM): { consistency: number; distinctDigits: number; rowDigits: number[] } {
  const n = grid.length / PIXELS,
    cols = n / rows;
  const d = judge(grid, n);
  let same = 0;
  const rowDigits: number[] = [];
  for (let r = 0; r < rows; r++) {
    const cnt = new Array<number>(10).fill(0);
    for (let c = 0; c < cols; c++) cnt[d[r * cols + c]]++;
    const maj = cnt.indexOf(Math.max(...cnt));
    rowDigits.push(maj);
    same += cnt[maj];
  }
  return { consistency: same / n, distinctDigits: new Set(rowDigits).size, rowDigits };
}
