/**
 * InfoGAN on MNIST (CIE6032 HW2 P5, 20 points): claims.  The cheap, exact pieces (IDX reader,
 * latent sampling, the information term, the code→digit assignment, a training smoke run with
 * checkpoint/resume) run in the default suite; training to acceptance is `slow` (CPU, the MLP
 * model) and `gpu` (the paper's convolutional architecture, 0 points: the same claims at full size).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CheckContext, Claim, Evidence } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { loadMnist, mnistDir, mnistFloat, mnistMissing, MNIST_FILES, parseIdx } from '../data/mnist.ts';
import { checkpointRoot } from '../training/loop.ts';
import { makeRng } from '../verify/rng.ts';
import type { InfoganContract, InfoganTrained } from './contract.ts';
import { categoricalAccuracy, keptBy, LN10, measureMi, rowConsistency, sweepContinuous, writeFigures, type CatAccuracy, type SweepResult } from './evaluate.ts';
import { digitClassifier } from './digit-classifier.ts';
import { assignmentTotal, bestAssignment, bruteForceBestTotal, infoLoss } from './measure.ts';
import { CAT_DIM, CONT_DIM, LATENT_DIM, NOISE_DIM, PIXELS, type Arch } from './model.ts';
import { INFOGAN_MISTAKES } from './misconceptions.ts';
import { GENERATOR_CLAIM_IDS, generatorClaims } from './generator-claims.ts';

const base = { course: 'CIE6032' as const, hw: 'HW2', problem: 5 };
const f = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/* ---------------------------------------------------------------- IDX reader */

function needMnist(): string {
  const miss = mnistMissing();
  if (miss) fail(miss);
  return mnistDir();
}

function idxBuffer(dims: number[], dtype = 0x08, fill = (i: number) => i % 10): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const b = new Uint8Array(4 + 4 * dims.length + size);
  b[2] = dtype;
  b[3] = dims.length;
  const v = new DataView(b.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < size; i++) b[4 + 4 * dims.length + i] = fill(i);
  return b;
}

const idxReader: Claim<InfoganContract> = {
  id: 'infogan.idx-reader',
  ...base,
  part: 'data',
  points: 1,
  statement: 'the IDX reader parses the real MNIST files and rejects a wrong magic number, a truncated file and trailing bytes',
  answer:
    'An IDX file is a 4-byte magic number $\\texttt{00 00}\\,t\\,d$ ($t = \\texttt{08}$: unsigned bytes; $d$ = number of dimensions), $d$ big-endian uint32 sizes, then $\\prod_i n_i$ data bytes. MNIST: images $[60000, 28, 28]$ / $[10000, 28, 28]$ (magic `0x00000803`), labels $[60000]$ / $[10000]$ (magic `0x00000801`), labels in $0..9$. The file length must be exactly $4 + 4d + \\prod_i n_i$.',
  uses: ['infoganReadIdx'],
  check(impl) {
    const dir = needMnist();
    const ev: Evidence = {};
    for (const [file, dims] of [
      [MNIST_FILES.test.images, [10000, 28, 28]],
      [MNIST_FILES.train.labels, [60000]],
    ] as const) {
      const bytes = new Uint8Array(readFileSync(path.join(dir, file)));
      const want = parseIdx(bytes, file);
      const got = impl.infoganReadIdx(bytes);
      if (!got || !Array.isArray(got.dims) || got.dims.join(',') !== dims.join(',')) fail(`infoganReadIdx(${file}): dims ${JSON.stringify(got?.dims)}, expected [${dims.join(', ')}]`);
      if (!got.data || got.data.length !== want.data.length) {
        const header16 = got.data?.length === bytes.length - 16 && dims.length !== 3;
        fail(
          `infoganReadIdx(${file}): data has ${got.data?.length} values, expected ${want.data.length} (the bytes after the ${4 + 4 * dims.length}-byte header)${header16 ? `: ${INFOGAN_MISTAKES['fixed-header']}` : ''}`,
        );
      }
      for (let i = 0; i < want.data.length; i += 997) {
        if (got.data[i] !== want.data[i]) fail(`infoganReadIdx(${file}): data[${i}] = ${got.data[i]}, expected ${want.data[i]} (is the header skipped exactly?)`);
      }
      ev[file] = got.dims.join('×');
    }
    const good = idxBuffer([50, 3]);
    const bad: [string, Uint8Array][] = [
      [
        'wrong magic number: data type byte 0x0D (float) instead of 0x08',
        (() => {
          const b = good.slice();
          b[2] = 0x0d;
          return b;
        })(),
      ],
      [
        'wrong magic number: first byte 0x01 instead of 0x00',
        (() => {
          const b = good.slice();
          b[0] = 1;
          return b;
        })(),
      ],
      [
        'wrong magic number: a gzip header 1f 8b (the .gz file, not ungzipped)',
        (() => {
          const b = good.slice();
          b[0] = 0x1f;
          b[1] = 0x8b;
          return b;
        })(),
      ],
      ['truncated file: the last data byte missing', good.slice(0, good.length - 1)],
      ['truncated file: only 6 bytes of the 12-byte header', good.slice(0, 6)],
      [
        'trailing bytes: one byte more than the dimensions need',
        (() => {
          const b = new Uint8Array(good.length + 1);
          b.set(good);
          return b;
        })(),
      ],
    ];
    const accepted: string[] = [];
    for (const [what, b] of bad) {
      let threw = false;
      try {
        impl.infoganReadIdx(b);
      } catch {
        threw = true;
      }
      if (!threw) accepted.push(what);
    }
    if (accepted.length)
      fail(`infoganReadIdx accepted ${accepted.length} corrupted buffer(s) without throwing:\n  - ${accepted.join('\n  - ')}\nA reader must reject them with a clear error.`, { accepted });
    return { ...ev, corruptedRejected: bad.length };
  },
};

/* ---------------------------------------------------------------- latent */

const latentClaim: Claim<InfoganContract> = {
  id: 'infogan.latent',
  ...base,
  part: 'latent',
  points: 1,
  statement: 'the latent is 62 noise values (U(−1, 1) or N(0, 1)) + a uniform 10-way one-hot categorical code + 2 continuous codes U(−1, 1), in that order',
  answer:
    'The paper’s MNIST experiment: $c_1 \\sim \\mathrm{Cat}(K = 10, p = 0.1)$ fed as a one-hot vector, $c_2, c_3 \\sim \\mathrm U(-1, 1)$, and 62 noise variables $z$; $H(c_1) = \\ln 10 \\approx 2.303$ nats. ' +
    'The paper does not give $z$’s distribution; the official code (openai/InfoGAN, `launchers/run_mnist_exp.py`: `Uniform(62)`) draws $z \\sim \\mathrm U(-1, 1)^{62}$. ' +
    'This key’s reference draws $z \\sim \\mathcal N(0, I_{62})$ instead (the usual GAN prior; its trained models and measurements were made with it), and either prior is accepted: ' +
    'the generator learns from whichever fixed, zero-mean prior it is trained and sampled with.',
  uses: ['infoganSampleLatent'],
  check(impl, ctx) {
    const n = ctx.runs(20_000);
    const s = impl.infoganSampleLatent(n, ctx.seed);
    if (!s || !Array.isArray(s.z) || s.z.length !== n || !Array.isArray(s.cat) || s.cat.length !== n || !Array.isArray(s.cont) || s.cont.length !== n) {
      fail(`infoganSampleLatent(${n}, seed) must return { z: ${n}×${LATENT_DIM}, cat: ${n}, cont: ${n}×${CONT_DIM} }`);
    }
    const counts = new Array<number>(CAT_DIM).fill(0);
    let nm = 0,
      nv = 0,
      nq = 0,
      nmin = Infinity,
      nmax = -Infinity,
      cm = 0,
      cv = 0,
      cmin = Infinity,
      cmax = -Infinity;
    for (let i = 0; i < n; i++) {
      const z = s.z[i];
      if (!Array.isArray(z) || z.length !== LATENT_DIM) fail(`z[${i}] has ${Array.isArray(z) ? z.length : typeof z} values, expected ${LATENT_DIM} = 62 noise + 10 one-hot + 2 continuous`);
      const k = s.cat[i];
      if (!Number.isInteger(k) || k < 0 || k >= CAT_DIM) fail(`cat[${i}] = ${k}: expected an integer 0..9`);
      counts[k]++;
      for (let j = 0; j < CAT_DIM; j++) {
        if (z[NOISE_DIM + j] !== (j === k ? 1 : 0))
          fail(`z[${i}][${NOISE_DIM}..${NOISE_DIM + 9}] = [${z.slice(NOISE_DIM, NOISE_DIM + CAT_DIM).join(', ')}] is not the one-hot vector of cat = ${k}: ${INFOGAN_MISTAKES['not-one-hot']}`);
      }
      for (let j = 0; j < CONT_DIM; j++) {
        const c = s.cont[i][j];
        if (z[NOISE_DIM + CAT_DIM + j] !== c)
          fail(`z[${i}][${NOISE_DIM + CAT_DIM + j}] = ${z[NOISE_DIM + CAT_DIM + j]} differs from cont[${i}][${j}] = ${c}: the continuous codes must be the last 2 entries`);
        cm += c;
        cv += c * c;
        cmin = Math.min(cmin, c);
        cmax = Math.max(cmax, c);
      }
      for (let j = 0; j < NOISE_DIM; j++) {
        const v = z[j];
        nm += v;
        nv += v * v;
        nq += v * v * v * v;
        nmin = Math.min(nmin, v);
        nmax = Math.max(nmax, v);
      }
    }
    const nc = n * CONT_DIM,
      nn = n * NOISE_DIM;
    const contMean = cm / nc,
      contVar = cv / nc - contMean ** 2;
    const noiseMean = nm / nn,
      noiseVar = nv / nn - noiseMean ** 2;
    const chi2 = counts.reduce((a, c) => a + (c - n / CAT_DIM) ** 2 / (n / CAT_DIM), 0);
    const ev = { n, counts, chi2, contMean, contVar, contMin: cmin, contMax: cmax, noiseMean, noiseVar };
    // 5-sigma bounds: mean of U(−1,1) has sd √(1/3/nc); its sample variance sd ≈ √(4/45/nc); N(0,1): 1/√nn and √(2/nn)
    if (cmin < -1 || cmax > 1 || Math.abs(contMean) > 5 * Math.sqrt(1 / 3 / nc) || Math.abs(contVar - 1 / 3) > 5 * Math.sqrt(4 / 45 / nc)) {
      const zeroOne = cmin >= 0 && Math.abs(contMean - 0.5) < 0.02;
      fail(
        `the continuous codes are not U(−1, 1): over ${nc} draws mean ${f(contMean)} (expected 0), variance ${f(contVar)} (expected 1/3), range [${f(cmin)}, ${f(cmax)}]${zeroOne ? `: ${INFOGAN_MISTAKES['cont-0-1']}` : ''}`,
        ev,
      );
    }
    if (chi2 > 40) {
      const never = counts.map((c, k) => (c === 0 ? k : -1)).filter((k) => k >= 0);
      const offByOne = never.length === 1 && (never[0] === CAT_DIM - 1 || never[0] === 0);
      fail(
        `the categorical code is not uniform over 0..9: counts [${counts.join(', ')}], χ² = ${f(chi2, 1)} with 9 degrees of freedom (p < 1e-5)${never.length ? `; ${never.join(', ')} never drawn` : ''}${offByOne ? `: ${INFOGAN_MISTAKES['cat-off-by-one']}` : ''}`,
        ev,
      );
    }
    // either prior for z: N(0, 1) (mean 0, variance 1, E[z⁴] = 3) or U(−1, 1) as in the official code (range ⊂ [−1, 1], mean 0,
    // variance 1/3); 5-sigma bounds: sd of the mean 1/√nn resp. √(1/3/nn), of the variance √(2/nn) resp. √(4/45/nn), of E[z⁴] √(96/nn)
    const noiseM4 = nq / nn;
    const normal = Math.abs(noiseMean) <= 5 / Math.sqrt(nn) && Math.abs(noiseVar - 1) <= 5 * Math.sqrt(2 / nn) && Math.abs(noiseM4 - 3) <= 5 * Math.sqrt(96 / nn);
    const uniform = nmin >= -1 && nmax <= 1 && Math.abs(noiseMean) <= 5 * Math.sqrt(1 / 3 / nn) && Math.abs(noiseVar - 1 / 3) <= 5 * Math.sqrt(4 / 45 / nn);
    const noiseEv = { ...ev, noiseM4, noiseMin: nmin, noiseMax: nmax, noisePrior: normal ? 'N(0, 1)' : uniform ? 'U(−1, 1)' : 'neither' };
    if (!normal && !uniform) {
      const zeroOne = nmin >= 0 && nmax <= 1 && Math.abs(noiseMean - 0.5) < 0.02;
      fail(
        `the 62 noise values are neither N(0, 1) (mean 0, variance 1, E[z⁴] = 3) nor U(−1, 1) (range ⊂ [−1, 1], mean 0, variance 1/3): over ${nn} draws mean ${f(noiseMean)}, variance ${f(noiseVar)}, E[z⁴] ${f(noiseM4)}, range [${f(nmin)}, ${f(nmax)}]${zeroOne ? `: ${INFOGAN_MISTAKES['noise-0-1']}` : ''}`,
        noiseEv,
      );
    }
    return noiseEv;
  },
};

/* ---------------------------------------------------------------- L_I */

const infoLossClaim: Claim<InfoganContract> = {
  id: 'infogan.info-loss',
  ...base,
  part: 'L_I',
  points: 2,
  statement: 'the information term L_I is the cross-entropy of Q’s categorical posterior plus the Gaussian NLL of the continuous codes, to be minimised',
  answer:
    'InfoGAN solves $\\min_{G,Q}\\max_D V(D,G) - \\lambda L_I(G,Q)$ with $L_I(G,Q) = \\mathbb E_{c\\sim P(c),\\,x\\sim G(z,c)}[\\log Q(c\\mid x)] + H(c) \\le I(c; G(z,c))$. Minimised as a loss it is its negative log-likelihood part: $\\mathcal L_{cat} = \\frac1n\\sum_i -\\log \\operatorname{softmax}(\\ell_i)_{c_i}$ (nats) and, for a unit-variance Gaussian $Q(c_{2,3}\\mid x)$, $\\mathcal L_{cont} = \\frac1n\\sum_i \\sum_j \\tfrac12 (c_{ij} - \\mu_{ij})^2$ (constants dropped). The bound on the mutual information is then $H(c_1) - \\mathcal L_{cat} = \\ln 10 - \\mathcal L_{cat}$.',
  uses: ['infoganInfoLoss'],
  check(impl, ctx) {
    const rng = makeRng(`info-loss:${ctx.seed}`);
    let worst = 0;
    const cases = ctx.runs(30);
    for (let t = 0; t < cases; t++) {
      const n = 1 + rng.int(0, 19),
        scale = t === 0 ? 30 : 3;
      const logits = Array.from({ length: n }, () => Array.from({ length: CAT_DIM }, () => scale * rng.normal()));
      const cat = Array.from({ length: n }, () => rng.int(0, CAT_DIM - 1));
      const mean = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
      const cont = Array.from({ length: n }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1)]);
      const want = infoLoss(logits, cat, mean, cont);
      const got = impl.infoganInfoLoss(logits, cat, mean, cont);
      for (const k of ['cat', 'cont'] as const) {
        const g = got?.[k],
          w = want[k];
        if (typeof g !== 'number' || !Number.isFinite(g)) fail(`infoganInfoLoss(…).${k} = ${g} on a batch of ${n} rows: expected a finite number ≈ ${f(w, 6)}`);
        const err = Math.abs(g - w) / Math.max(Math.abs(w), 1e-12);
        worst = Math.max(worst, err);
        if (err > 1e-9) {
          let why = '';
          if (Math.abs(g + w) <= 1e-9 * Math.abs(w)) why = INFOGAN_MISTAKES['mi-wrong-sign'];
          else if (Math.abs(g - n * w) <= 1e-9 * n * Math.abs(w) && n > 1) why = INFOGAN_MISTAKES['summed'];
          else if (k === 'cont' && Math.abs(g - 2 * w) <= 1e-9 * Math.abs(w)) why = INFOGAN_MISTAKES['no-half'];
          fail(`infoganInfoLoss(…).${k} on a batch of ${n} rows (logit scale ${scale}): expected ${f(w, 8)}, got ${f(g, 8)} (relative error ${err.toExponential(2)})${why ? `: ${why}` : ''}`, {
            case: t,
            expected: w,
            got: g,
          });
        }
      }
    }
    const uniform = infoLoss([new Array(CAT_DIM).fill(0)], [3], [[0, 0]], [[0, 0]]).cat;
    return { cases, worstRelErr: worst, uniformPosteriorLoss: uniform, lnK: LN10 };
  },
};

/* ---------------------------------------------------------------- assignment */

function assignmentCases(seed: number, count: number): number[][][] {
  const rng = makeRng(`assign:${seed}`);
  const out: number[][][] = [];
  // greedy (take the largest entry, strike its row and column, repeat) is not optimal here:
  // greedy takes 9 at (0,0) and then 1 at (1,1): 10; the best is 8 + 8 = 16.
  const trap: number[][] = Array.from({ length: CAT_DIM }, (_, i) => Array.from({ length: CAT_DIM }, (_, j) => (i === j && i > 1 ? 50 : 0)));
  trap[0][0] = 9;
  trap[0][1] = 8;
  trap[1][0] = 8;
  trap[1][1] = 1;
  out.push(trap);
  for (let t = 1; t < count; t++) {
    // confusion-like: a noisy permutation with heavy off-diagonal mass, as a half-trained Q gives
    const perm = Array.from({ length: CAT_DIM }, (_, i) => i).sort(() => rng.next() - 0.5);
    out.push(Array.from({ length: CAT_DIM }, (_, i) => Array.from({ length: CAT_DIM }, (_, j) => Math.round((j === perm[i] ? 300 : 0) + 400 * rng.next() ** 3))));
  }
  return out;
}

const assignClaim: Claim<InfoganContract> = {
  id: 'infogan.assignment',
  ...base,
  part: 'accuracy',
  points: 1,
  statement: 'the code→digit assignment used to score the categorical code is the exact maximum over all 10! permutations',
  answer:
    'The categorical code is unsupervised, so its values are matched to digits by the permutation $\\pi$ maximising $\\sum_k C_{k,\\pi(k)}$ over the confusion matrix $C$ (rows: codes, columns: true digits) — the linear assignment problem, solved exactly by the Hungarian algorithm in $O(K^3)$ (or by brute force over $K! = 3\\,628\\,800$ permutations). Greedy matching is not optimal.',
  uses: ['infoganAssign'],
  check(impl, ctx) {
    const cases = assignmentCases(ctx.seed, ctx.runs(12));
    let i = 0;
    for (const M of cases) {
      const perm = impl.infoganAssign(M.map((r) => r.slice()));
      const isPerm = Array.isArray(perm) && perm.length === CAT_DIM && new Set(perm).size === CAT_DIM && perm.every((d) => Number.isInteger(d) && d >= 0 && d < CAT_DIM);
      if (!isPerm) fail(`infoganAssign on case ${i}: [${Array.isArray(perm) ? perm.join(', ') : String(perm)}] is not a permutation of 0..9: ${INFOGAN_MISTAKES['not-permutation']}`, { case: i });
      const best = bruteForceBestTotal(M),
        got = assignmentTotal(M, perm);
      if (got < best) {
        const greedy = greedyTotal(M);
        const worst = assignmentTotal(M, bestAssignment(M.map((r) => r.map((v) => -v))));
        const why = got === greedy ? INFOGAN_MISTAKES['greedy'] : got === worst ? INFOGAN_MISTAKES['minimised'] : '';
        fail(`infoganAssign on case ${i}: the assignment totals ${got} correct digits, the best permutation ${best}${why ? `: ${why}` : ''}`, { case: i, got, best });
      }
      i++;
    }
    return { cases: cases.length, hungarianMatchesBruteForce: cases.every((M) => assignmentTotal(M, bestAssignment(M)) === bruteForceBestTotal(M)) };
  },
};

function greedyTotal(M: number[][]): number {
  const rows = new Set<number>(),
    cols = new Set<number>();
  let total = 0;
  const cells = M.flatMap((r, i) => r.map((v, j) => [v, i, j] as const)).sort((a, b) => b[0] - a[0]);
  for (const [v, i, j] of cells) {
    if (rows.has(i) || cols.has(j)) continue;
    rows.add(i);
    cols.add(j);
    total += v;
  }
  return total;
}

/* ---------------------------------------------------------------- training */

let trainImagesCache: Float32Array | undefined;
function trainImages(): Float32Array {
  needMnist();
  trainImagesCache ??= mnistFloat(loadMnist('train'));
  return trainImagesCache;
}

async function generateChecked(m: InfoganTrained, z: Float32Array, n: number, where: string): Promise<Float32Array> {
  const x = await m.generate(z, n);
  if (!(x instanceof Float32Array) || x.length !== n * PIXELS)
    fail(`${where}: generate(z, ${n}) must return a Float32Array of ${n}×${PIXELS} values, got ${x instanceof Float32Array ? `${x.length} values` : typeof x}`);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0 && x[i] <= 1)) {
      const tanh = x.every((v) => v >= -1 && v <= 1);
      fail(`${where}: generated pixel ${i} = ${x[i]}, expected a value in [0, 1]${tanh ? ` (all pixels lie in [−1, 1]: ${INFOGAN_MISTAKES['tanh-output']})` : ''}`);
    }
  }
  return x;
}

const smokeClaim: Claim<InfoganContract> = {
  id: 'infogan.train-smoke',
  ...base,
  part: 'training',
  points: 1,
  statement: 'two training steps run, give images in [0, 1] and Q outputs of the right shapes, and a run stopped after one step and resumed from its checkpoint equals an uninterrupted one',
  answer:
    'Training alternates a $D,Q$ step on $-[\\log D(x) + \\log(1 - D(G(z,c)))] + \\lambda\\mathcal L_I$ and a $G$ step on $-\\log D(G(z,c)) + \\lambda\\mathcal L_I$ (Adam, $\\beta_1 = 0.5$; lr $2\\cdot10^{-4}$ for $D$, $10^{-3}$ for $G$ as in the paper). The checkpoint holds the weights, the batch-norm statistics, both optimizers’ moments and the step; with per-step random draws seeded by (seed, step), a resumed run continues exactly.',
  uses: ['infoganTrain'],
  async check(impl, ctx) {
    // the first 256 images only: converting all 60,000 to float costs ~0.2–0.3 s and 188 MB (measured)
    needMnist();
    const images = trainImagesCache?.subarray(0, 256 * PIXELS) ?? mnistFloat(loadMnist('train'), 256);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'infogan-smoke-'));
    try {
      // two steps, stopped after the first: the resumed step must see the restored weights, Adam
      // moments, batch-norm statistics and step counter (three cost 0.3 s more per grading run)
      const opts = { images, arch: 'cpu' as const, seed: ctx.seed, steps: 2, batchSize: 16 };
      const t0 = performance.now();
      await impl.infoganTrain({ ...opts, checkpointDir: path.join(tmp, 'a'), stopAfter: 1 });
      const resumed = await impl.infoganTrain({ ...opts, checkpointDir: path.join(tmp, 'a') });
      const straight = await impl.infoganTrain({ ...opts, checkpointDir: path.join(tmp, 'b') });
      const ms = performance.now() - t0;
      const n = 16,
        rng = makeRng(`smoke:${ctx.seed}`);
      const z = new Float32Array(n * LATENT_DIM);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < NOISE_DIM; j++) z[i * LATENT_DIM + j] = rng.normal();
        z[i * LATENT_DIM + NOISE_DIM + (i % CAT_DIM)] = 1;
      }
      const a = await generateChecked(resumed, z, n, 'the resumed run');
      const b = await generateChecked(straight, z, n, 'the uninterrupted run');
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
      const q = await straight.q(b, n);
      if (!q || !(q.logits instanceof Float32Array) || q.logits.length !== n * CAT_DIM || !(q.mean instanceof Float32Array) || q.mean.length !== n * CONT_DIM) {
        const unsplit = q?.logits instanceof Float32Array && q.logits.length === n * (CAT_DIM + CONT_DIM);
        fail(
          `q(x, ${n}) must return { logits: Float32Array(${n}×${CAT_DIM}), mean: Float32Array(${n}×${CONT_DIM}) }, got logits of ${q?.logits?.length} values${unsplit ? `: ${INFOGAN_MISTAKES['q-single-head']}` : ''}`,
        );
      }
      if (!q.logits.every(Number.isFinite) || !q.mean.every(Number.isFinite)) fail('q(x, n) returned a non-finite value after 2 training steps');
      if (diff > 1e-4)
        fail(`stop after 1 step + resume to 2 differs from 2 uninterrupted steps: generated pixels differ by up to ${diff.toExponential(2)} (expected ≤ 1e-4): ${INFOGAN_MISTAKES['resume']}`, {
          maxDiff: diff,
        });
      return { steps: 2, batchSize: 16, resumeMaxPixelDiff: diff, wallMs: Math.round(ms) };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

/* ---------------------------------------------------------------- trained-model claims */

/** One training run per (submission, architecture), shared by the claims that evaluate it.
 *  Keyed on the submission's `infoganRunConfig` object (passed through unwrapped, so stable per module). */
const trained = new WeakMap<object, Map<string, Promise<InfoganTrained>>>();

export function trainedModel(impl: InfoganContract, arch: Arch, ctx: CheckContext): Promise<InfoganTrained> {
  const seed = ctx.seed;
  const cfg = impl.infoganRunConfig;
  if (!cfg || typeof cfg !== 'object' || !cfg[arch] || !(cfg[arch].steps > 0) || !(cfg[arch].batchSize > 0)) {
    fail(`infoganRunConfig.${arch} must be { steps: number > 0, batchSize: number > 0 }, got ${JSON.stringify(cfg?.[arch])}`);
  }
  let byKey = trained.get(cfg);
  if (!byKey) trained.set(cfg, (byKey = new Map()));
  const key = `${arch}:${seed}`;
  let p = byKey.get(key);
  if (!p) {
    // the key's runs keep checkpoints (resumable with DLSPEC_RESUME=1); a submission's run trains in its own sandbox
    const dir = ctx.mode === 'reference' ? path.join(checkpointRoot(path.join(ctx.outDir, 'infogan', 'ckpt')), `${arch}-${seed}`) : undefined;
    p = impl.infoganTrain({
      images: trainImages(),
      arch,
      seed,
      steps: cfg[arch].steps,
      batchSize: cfg[arch].batchSize,
      checkpointDir: dir,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    byKey.set(key, p);
  }
  return p;
}

let testCache: { images: Float32Array; labels: Uint8Array } | undefined;
function testSet() {
  needMnist();
  if (!testCache) {
    const s = loadMnist('test');
    testCache = { images: mnistFloat(s), labels: s.labels };
  }
  return testCache;
}

export const MI_FLOOR = 0.9 * LN10;
export const ACC_FLOOR = 0.8;
const RHO_FLOOR = 0.8;
const KEEP_FLOOR = 0.9;
const archNote = (arch: Arch) =>
  arch === 'cpu' ? 'the CPU model (the paper’s architecture, half the channels, FC 256; Q reads the code under style warps)' : 'the paper’s convolutional architecture';

function constantQ(a: CatAccuracy): boolean {
  return a.confusion.filter((r) => r.some((v) => v > 0)).length === 1;
}

function trainedClaims(arch: Arch): Claim<InfoganContract>[] {
  const tags: ['slow'] | ['gpu'] = arch === 'cpu' ? ['slow'] : ['gpu'];
  const id = (s: string) => (arch === 'cpu' ? `infogan.${s}` : `infogan.gpu.${s}`);
  // 0 points: the student's points come from the generator they trained (./generator-claims.ts); these
  // train the student's infoganTrain at grading time and stay as the key's slow (CPU) and gpu evidence
  const pts = (_p: number) => 0;
  const full =
    arch === 'paper'
      ? ' (full size, the paper’s architecture; the same claim as the CPU one, 0 points)'
      : ' (the key’s own training run, 0 points: the generator handed in is graded by infogan.generator.*)';
  return [
    {
      id: id('mi'),
      ...base,
      part: 'L_I',
      points: pts(3),
      tags,
      statement: `after training, the MI lower bound H(c) − L_I(cat) on fresh samples approaches H(c) = ln 10 ≈ 2.303 nats (≥ 90%)${full}`,
      answer:
        'With $Q$ trained jointly, $L_I$ is maximised: $\\mathcal L_{cat} \\to 0$, i.e. $L_I = H(c) - \\mathcal L_{cat} \\to H(c) = \\ln 10 \\approx 2.303$ nats — $G$ encodes the categorical code so that $Q$ can read it back (Fig. 1 of the paper). Measured on 10,000 fresh latents.',
      uses: ['infoganTrain', 'infoganRunConfig'],
      async check(impl, ctx) {
        const m = await trainedModel(impl, arch, ctx);
        const r = await measureMi(m, ctx.seed, ctx.runs(10_000));
        const ev = { ...r, hC: LN10, floor: MI_FLOOR, model: archNote(arch) };
        if (!(r.miLowerBound >= MI_FLOOR)) {
          fail(
            `the MI lower bound H(c) − L_I(cat) = ${f(r.miLowerBound)} nats is below ${f(MI_FLOOR, 3)} (90% of H(c) = ln 10 = ${f(LN10, 3)}): L_I(cat) = ${f(r.liCat)} nats on ${r.n} fresh samples, Q recovers the code fed to G in ${f(100 * r.codeRecovery, 1)}%` +
              (r.codeRecovery < 0.2 ? `: ${INFOGAN_MISTAKES['q-ignores-code']}` : ''),
            ev,
          );
        }
        return ev;
      },
    },
    {
      id: id('categorical'),
      ...base,
      part: 'categorical',
      points: pts(5),
      tags,
      statement: `the categorical code, read by Q on the 10,000 real MNIST test digits with the best code→digit assignment, classifies ≥ 80% correctly${full}`,
      answer:
        'Unsupervised, $c_1$ captures the digit class: $\\hat y = \\pi(\\arg\\max_k Q(c_1 = k\\mid x))$ with the best assignment $\\pi$ classifies MNIST test digits — the paper reports 5% error (95%) with its full architecture; the acceptance floor here is 80%.',
      uses: ['infoganTrain', 'infoganRunConfig'],
      async check(impl, ctx) {
        const m = await trainedModel(impl, arch, ctx);
        const t = testSet();
        const a = await categoricalAccuracy(m, t.images, t.labels);
        const ev = { accuracy: a.accuracy, n: a.n, assignment: a.assignment, confusion: a.confusion, floor: ACC_FLOOR, paper: 0.95, model: archNote(arch) };
        if (!(a.accuracy >= ACC_FLOOR)) {
          fail(
            `the categorical code classifies ${f(100 * a.accuracy, 2)}% of the ${a.n} MNIST test digits (best assignment code→digit [${a.assignment.join(', ')}]), below ${100 * ACC_FLOOR}%` +
              (constantQ(a) ? `: Q gives the same code for every digit — ${INFOGAN_MISTAKES['q-ignores-code']}` : ''),
            ev,
          );
        }
        return ev;
      },
    },
    {
      id: id('continuous'),
      ...base,
      part: 'continuous',
      points: pts(4),
      tags,
      statement: `sweeping each continuous code from −1 to 1 changes a measured image property monotonically while the digit stays the same${full}`,
      answer:
        'Each continuous code controls a style factor — in the paper $c_2$ the rotation/slant, $c_3$ the width. Measured from moments of the generated image $I(x, y)$: slant $= -\\mu_{11}/\\mu_{02}$, width $= \\sqrt{\\mu_{20}}$, ink $= \\sum I$ (grows with stroke width). For 200 draws of $(z, c_1)$ and 9 values $c_j \\in [-1, 1]$ (the other code 0), the mean curve of some property is strictly monotone, the median per-draw Spearman $|\\rho| \\ge 0.8$, and the digit — judged not by $Q$, whose argmax reads the code, but by an independent classifier of real MNIST digits (a 784–256–10 perceptron trained on sheared and stretched real digits: ≈ 97.4% test accuracy, and it keeps its verdict on ≈ 98% of real test digits sheared by −0.5…0.5 or stretched by 0.7…1.3, where a linear classifier keeps 85%) — equals the one at $c_j = 0$ for ≥ 90% of the images.',
      uses: ['infoganTrain', 'infoganRunConfig'],
      async check(impl, ctx) {
        const m = await trainedModel(impl, arch, ctx);
        const ev: Evidence = { model: archNote(arch), rhoFloor: RHO_FLOOR, keepFloor: KEEP_FLOOR };
        const problems: string[] = [];
        const sweeps: SweepResult[] = [];
        for (const code of [0, 1]) {
          const s = await sweepContinuous(m, code, ctx.seed, ctx.runs(200), 9);
          sweeps.push(s);
          const name = `c${code + 2}`;
          ev[name] = {
            best: s.best ? { prop: s.best.prop, direction: s.best.direction, medianSpearman: s.best.medianSpearman } : null,
            medianSpearman: s.medianSpearman,
            meanCurve: s.meanCurve,
            qCodeKept: s.digitKept,
          };
          if (!s.best || Math.abs(s.best.medianSpearman) < RHO_FLOOR) {
            const curves = Object.entries(s.meanCurve)
              .map(([p, c]) => `${p} [${c.map((v) => v.toFixed(2)).join(', ')}] (median ρ ${s.medianSpearman[p as 'slant'].toFixed(2)})`)
              .join('; ');
            problems.push(
              `${name} (continuous code ${code + 1}): no property changes monotonically with median |Spearman ρ| ≥ ${RHO_FLOOR} — ${INFOGAN_MISTAKES['non-monotone']}; mean curves over c = −1..1: ${curves}`,
            );
          }
        }
        if (!problems.length) {
          // the digit is judged by an independent classifier of real digits (Q's argmax reads the code, not the digit)
          const judge = await digitClassifier();
          ev.judgeTestAccuracy = judge.testAccuracy;
          ev.judgeInvariance = { ...judge.invariance };
          sweeps.forEach((s, code) => {
            const kept = keptBy(judge.predict, s);
            (ev[`c${code + 2}`] as Record<string, Evidence[string]>).digitKept = kept;
            if (kept < KEEP_FLOOR)
              problems.push(
                `c${code + 2}: a digit classifier trained on real MNIST (test accuracy ${f(100 * judge.testAccuracy, 1)}%) gives the same digit as at c${code + 2} = 0 for only ${f(100 * kept, 1)}% of the sweep images (need ≥ ${100 * KEEP_FLOOR}%): ${INFOGAN_MISTAKES['changes-digit']}`,
              );
          });
        }
        if (problems.length) fail(problems.join('\n'), ev);
        return ev;
      },
    },
    {
      id: id('figures'),
      ...base,
      part: 'figures',
      points: pts(2),
      tags,
      statement: `the homework's figures are written as PNG grids — rows: the 10 categorical values; columns: noise draws / a sweep of c2 / a sweep of c3 — and each row shows one digit: Q reads the row’s code back (≥ 80%), a classifier of real digits finds one digit per row (≥ 80% of tiles) and ≥ 8 distinct digits over the categorical grid’s rows${full}`,
      answer:
        'Three $10\\times10$ grids (as in Fig. 2 of the paper): varying $c_1$ (rows, ordered by the assigned digit) with random noise across columns; varying $c_2$ and $c_3$ from −1 to 1 across columns. Written to `out/infogan/<arch>-vary-categorical.png`, `…-vary-c1.png`, `…-vary-c2.png`.',
      uses: ['infoganTrain', 'infoganRunConfig'],
      async check(impl, ctx) {
        const m = await trainedModel(impl, arch, ctx);
        const t = testSet();
        const a = await categoricalAccuracy(m, t.images, t.labels);
        const dir = path.join(ctx.outDir, 'infogan');
        const prefix = `${arch}${ctx.mode === 'reference' ? '' : '-submission'}`;
        // measured first, written only when the rows are right (a rejected model leaves the figures alone)
        let r = await writeFigures(m, dir, prefix, ctx.seed, a.assignment, 10, false);
        if (r.rowAgreement >= 0.8) r = await writeFigures(m, dir, prefix, ctx.seed, a.assignment, 10, true);
        const ev: Evidence = { files: r.files, rowAgreement: r.rowAgreement };
        if (!(r.rowAgreement >= 0.8))
          fail(
            `in the figure grids Q reads the row's categorical value back for only ${f(100 * r.rowAgreement, 1)}% of the tiles (need ≥ 80%): the rows do not each show one digit${r.rowAgreement < 0.2 ? ` — ${INFOGAN_MISTAKES['q-ignores-code']}` : ''}`,
            ev,
          );
        // what a reader of the figure sees, judged by a classifier of real digits (Q reads the code, not the digit)
        const judge = await digitClassifier();
        const names = ['vary-categorical', 'vary-c1', 'vary-c2'];
        const cons = r.grids.map((g) => rowConsistency(judge.predict, g));
        cons.forEach((c, i) => (ev[names[i]] = { consistency: c.consistency, distinctDigits: c.distinctDigits, rowDigits: c.rowDigits }));
        ev.judgeTestAccuracy = judge.testAccuracy;
        ev.judgeInvariance = { ...judge.invariance };
        const problems: string[] = [];
        if (cons[0].distinctDigits < 8)
          problems.push(
            `the categorical grid's 10 rows show only ${cons[0].distinctDigits} distinct digits (row majorities [${cons[0].rowDigits.join(', ')}] by a classifier of real digits; need ≥ 8): the categorical code has not captured the digit class`,
          );
        cons.forEach((c, i) => {
          if (c.consistency < 0.8) problems.push(`${names[i]}: only ${f(100 * c.consistency, 1)}% of the tiles show their row's majority digit (need ≥ 80%)`);
        });
        if (problems.length) fail(problems.join('\n'), ev);
        return ev;
      },
    },
  ];
}

export const infoganClaims: Claim<InfoganContract>[] = [idxReader, latentClaim, infoLossClaim, assignClaim, smokeClaim, ...generatorClaims, ...trainedClaims('cpu'), ...trainedClaims('paper')];

/** the claims that need MNIST on disk (skipped with a message when it is absent) */
export const NEEDS_MNIST = new Set(['infogan.idx-reader', 'infogan.train-smoke', ...GENERATOR_CLAIM_IDS, ...infoganClaims.filter((c) => c.tags?.length).map((c) => c.id)]);
