/**
 * Linear autoencoder = PCA (CIE6032 HW2 P4, 20 points) as measured properties.
 *
 * Tolerances.  Float64 path: the optimum from a symmetric eigendecomposition of a d ≤ 20 covariance
 * whose spectrum lies in [0.05, 10] with a gap ≥ 10 % at k: the eigenvector subspace's rounding error
 * is ≈ ε‖C‖/gap ≤ 2e-16·10/0.005 = 4e-13 (Davis–Kahan), so 1e-10 leaves > 2 orders of margin.
 * Trained path (float32 tfjs): the issue's own bounds — largest principal angle ≤ 1e-2 rad, loss within 1 %
 * of Σ_{i>k} λ_i.  Centering: loss = tr((I−DE)C(I−DE)ᵀ) + ‖μ − x̂(μ)‖² (the cross term vanishes because the
 * data are centred at μ), so a loss within 1 % of the optimum bounds ‖μ − x̂(μ)‖² by 1 % of Σ_{i>k} λ_i:
 * that is the centering tolerance, derived, not chosen.
 */
import { inverse, Matrix } from 'ml-matrix';
import type { Claim, Evidence } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { fmtNum } from '../verify/compare.ts';
import { forAll, fc } from '../verify/property.ts';
import { field, readNumber, readTensor } from '../verify/read.ts';
import { makeRng, randnMatrix } from '../verify/rng.ts';
import { angleOrNull, firstColumns, principalAngles } from './subspaces.ts';
import { toNested } from '../verify/tensor.ts';
import type { AeParams, AutoencoderContract } from './contract.ts';
import { makeAeData, type AeData } from './data.ts';
import { aeLoss, pca } from './reference.ts';
import { recognised, recognisedBy } from '../verify/failure.ts';
import { AE_MISTAKES, nameSubspace } from './misconceptions.ts';

export const OPT_TOL = 1e-10;
export const ANGLE_TOL = 1e-2;
export const LOSS_REL_TOL = 0.01;

const refs = { course: 'CIE6032', hw: 'HW2', problem: 4 } as const;

/** Read an AeParams result with the expected shapes. */
export function readParams(r: unknown, d: number, k: number, where: string): AeParams {
  const t = (name: keyof AeParams, shape: number[]) => toNested(readTensor(field(r, name, where), `${where}.${name}`, shape));
  return {
    encoder: t('encoder', [k, d]) as number[][],
    decoder: t('decoder', [d, k]) as number[][],
    encoderBias: t('encoderBias', [k]) as number[],
    decoderBias: t('decoderBias', [d]) as number[],
  };
}

const fro = (m: Matrix): number => Math.sqrt(m.to1DArray().reduce((s, v) => s + v * v, 0));

/** The affine map x ↦ A x + c the autoencoder computes: A = DE, c = D b_e + b_d. */
function affine(p: AeParams): { A: Matrix; c: number[] } {
  const D = new Matrix(p.decoder),
    E = new Matrix(p.encoder);
  return { A: D.mmul(E), c: D.mmul(Matrix.columnVector(p.encoderBias)).add(Matrix.columnVector(p.decoderBias)).getColumn(0) };
}

// ——— the float64 sweep ———

export interface OptCase {
  d: number;
  k: number;
  /** λ_{k+1} ≤ (1 − gap) λ_k */
  gap: number;
  withMean: boolean;
  seed: number;
}

export const optCaseArb = (): fc.Arbitrary<OptCase> =>
  fc.integer({ min: 2, max: 20 }).chain((d) =>
    fc.record({
      d: fc.constant(d),
      k: fc.integer({ min: 1, max: d - 1 }),
      gap: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
      withMean: fc.boolean(),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    }),
  );

export const optExamples: OptCase[] = [
  { d: 2, k: 1, gap: 0.1, withMean: true, seed: 1 },
  { d: 20, k: 19, gap: 0.1, withMean: true, seed: 2 },
  { d: 20, k: 1, gap: 0.1, withMean: false, seed: 3 },
  { d: 12, k: 5, gap: 0.1, withMean: true, seed: 4 },
];

export const showOptCase = (c: OptCase): string => `d = ${c.d}, k = ${c.k}, eigen-gap ${(c.gap * 100).toFixed(1)} % at k, ${c.withMean ? 'with' : 'without'} a data mean, seed ${c.seed}`;

/** Spectrum in [0.05, 10]: top k in [1, 10] (descending), the rest ≤ (1 − gap)·λ_k. */
export function makeOptData(c: OptCase): AeData {
  const rng = makeRng(c.seed);
  const top = Array.from({ length: c.k }, () => rng.uniform(1, 10)).sort((a, b) => b - a);
  const lk = top[c.k - 1];
  const rest = Array.from({ length: c.d - c.k }, () => rng.uniform(0.05 / lk, 1 - c.gap) * lk).sort((a, b) => b - a);
  rest[0] = (1 - c.gap) * lk; // the gap is exactly `gap`
  const mean = c.withMean ? Array.from({ length: c.d }, () => rng.uniform(-3, 3)) : undefined;
  return makeAeData({ d: c.d, N: 3 * c.d + 10, spectrum: [...top, ...rest], mean, seed: c.seed + 1 });
}

// ——— the trained cases ———

interface TrainCase {
  d: number;
  k: number;
  spectrum: number[];
  mean?: number[];
  bias: boolean;
}
export const TRAIN_SUBSPACE: TrainCase = { d: 5, k: 2, spectrum: [4, 3, 0.8, 0.4, 0.1], bias: false };
export const TRAIN_LOSS: TrainCase = { d: 6, k: 2, spectrum: [5, 3, 1, 0.6, 0.3, 0.1], bias: false };
export const TRAIN_CENTER: TrainCase = { d: 4, k: 2, spectrum: [4, 3, 0.5, 0.2], mean: [1.5, -1, 0.5, 1], bias: true };
const TRAIN_N = 64;

async function trained(impl: AutoencoderContract, c: TrainCase, seed: number): Promise<{ data: AeData; p: AeParams; top: Matrix; tail: number; values: number[] }> {
  const data = makeAeData({ d: c.d, N: TRAIN_N, spectrum: c.spectrum, mean: c.mean, seed: seed + 17 });
  const p = readParams(await impl.aeTrain(data.X, c.k, { seed, bias: c.bias }), c.d, c.k, `aeTrain(X, ${c.k}, { bias: ${c.bias} })`);
  if (!c.bias && (p.encoderBias.some((v) => v !== 0) || p.decoderBias.some((v) => v !== 0))) {
    fail(`aeTrain(X, ${c.k}, { bias: false }) returned non-zero biases: with bias: false both biases must stay 0`);
  }
  const e = pca(data.X);
  return { data, p, top: firstColumns(e.vectors, c.k), tail: e.values.slice(c.k).reduce((a, b) => a + b, 0), values: e.values };
}

const caseText = (c: TrainCase): string =>
  `d = ${c.d}, k = ${c.k}, N = ${TRAIN_N}, covariance spectrum [${c.spectrum.join(', ')}]${c.mean ? `, mean [${c.mean.join(', ')}]` : ', zero mean'}, bias: ${c.bias}`;

export const autoencoderClaims: Claim<AutoencoderContract>[] = [
  {
    id: 'autoencoder.optimum',
    ...refs,
    points: 8,
    statement:
      'the optimal linear autoencoder (float64, closed form) reconstructs through the PCA projector: DE = U_k U_kᵀ and D b_e + b_d = (I − U_k U_kᵀ)μ within 1e-10, loss = Σ_{i>k} λ_i — for d = 2–20, k = 1…d−1, eigen-gap ≥ 10 % at k',
    answer:
      'Let $C=\\frac1N\\sum_n(\\mathbf x_n-\\boldsymbol\\mu)(\\mathbf x_n-\\boldsymbol\\mu)^\\top=U\\Lambda U^\\top$, $\\lambda_1\\ge\\dots\\ge\\lambda_d$. The network computes $\\hat{\\mathbf x}=A\\mathbf x+\\mathbf c$ with $A=DE$ of rank $\\le k$, $\\mathbf c=D\\mathbf b_e+\\mathbf b_d$. ' +
      'For fixed $A$ the best $\\mathbf c$ is $(I-A)\\boldsymbol\\mu$ (set $\\partial/\\partial\\mathbf c=0$: the biases learn the mean), leaving $J(A)=\\operatorname{tr}\\big((I-A)C(I-A)^\\top\\big)$. ' +
      'For fixed column space with orthonormal basis $V$, the best $A$ is the orthogonal projector $VV^\\top$ (least squares), so $J=\\operatorname{tr}C-\\operatorname{tr}(V^\\top CV)$; ' +
      'by Ky Fan’s maximum principle $\\operatorname{tr}(V^\\top CV)\\le\\lambda_1+\\dots+\\lambda_k$ with equality iff $\\operatorname{span}V=\\operatorname{span}(\\mathbf u_1,\\dots,\\mathbf u_k)$ when $\\lambda_k>\\lambda_{k+1}$. ' +
      'Hence $DE=U_kU_k^\\top$, $\\min J=\\sum_{i>k}\\lambda_i$: the $k$ hidden units project onto the span of the first $k$ principal components. ' +
      'The gap matters: if $\\lambda_k=\\lambda_{k+1}$ every $k$-subspace mixing $\\mathbf u_k,\\mathbf u_{k+1}$ is optimal (the key shows two optima at principal angle $\\pi/2$ with equal loss), and near a tie the subspace is ill-conditioned (Davis–Kahan: error $\\propto1/(\\lambda_k-\\lambda_{k+1})$), and gradient descent converges at a rate set by the gap.',
    uses: ['aeOptimum'],
    async check(impl, ctx) {
      const rep = await forAll(
        optCaseArb(),
        (c) => {
          const data = makeOptData(c);
          const p = readParams(impl.aeOptimum(data.X, c.k), c.d, c.k, `aeOptimum(X, ${c.k})`);
          const e = pca(data.X);
          const Uk = firstColumns(e.vectors, c.k);
          const P = Uk.mmul(Uk.transpose());
          const { A, c: off } = affine(p);
          const projErr = fro(A.clone().sub(P)) / fro(P);
          const wantOff = Matrix.eye(c.d).sub(P).mmul(Matrix.columnVector(data.mean)).getColumn(0);
          const offErr = Math.hypot(...off.map((v, i) => v - wantOff[i])) / Math.max(1, Math.hypot(...data.mean));
          const tail = e.values.slice(c.k).reduce((a, b) => a + b, 0);
          const loss = aeLoss(data.X, p);
          const lossErr = Math.abs(loss - tail) / tail;
          if (projErr > OPT_TOL || offErr > OPT_TOL || lossErr > OPT_TOL) {
            const angle = angleOrNull(p.decoder, Uk);
            fail(
              [
                'The optimum is not the PCA reconstruction:',
                `  ‖DE − U_kU_kᵀ‖_F/‖U_kU_kᵀ‖_F = ${fmtNum(projErr)} (tolerance ${fmtNum(OPT_TOL)}); largest principal angle between span(D) and the top-${c.k} eigenvectors: ${angle === null ? 'D has dependent columns' : `${fmtNum(angle)} rad`}`,
                `  offset D b_e + b_d vs (I − P)μ: relative error ${fmtNum(offErr)}; loss ${fmtNum(loss)} vs Σ_{i>k} λ_i = ${fmtNum(tail)}`,
                `  ${recognisedBy(() => nameSubspace(p.decoder, data.X, c.k, 1e-6))}`.trimEnd(),
              ]
                .filter(Boolean)
                .join('\n'),
              { projErr, offErr, lossErr },
            );
          }
          return { projErr, offErr, lossErr };
        },
        { numRuns: ctx.runs(40), seed: ctx.seed, examples: optExamples, show: showOptCase },
      );
      const ev: Evidence = { cases: rep.cases, worstProjectorError: rep.worst.projErr, worstOffsetError: rep.worst.offErr, worstLossError: rep.worst.lossErr, tolerance: OPT_TOL };
      if (ctx.mode === 'reference') {
        // why the gap: a tie λ_2 = λ_3 makes two subspaces at 90° equally optimal
        const tie = makeAeData({ d: 4, N: 40, spectrum: [3, 1, 1, 0.5], seed: ctx.seed });
        const e = pca(tie.X);
        const V1 = e.vectors.subMatrix(0, 3, 0, 1);
        const V2 = new Matrix([0, 1, 2, 3].map((i) => [e.vectors.get(i, 0), e.vectors.get(i, 2)]));
        const lossOf = (V: Matrix) => aeLoss(tie.X, { encoder: V.transpose().to2DArray(), decoder: V.to2DArray(), encoderBias: [0, 0], decoderBias: [0, 0, 0, 0] });
        ev.tieWithoutGap = { spectrum: '3, 1, 1, 0.5 (k = 2)', lossSpanU1U2: lossOf(V1), lossSpanU1U3: lossOf(V2), largestAngleBetweenThem: Math.max(...principalAngles(V1, V2)) };
      }
      return ev;
    },
  },
  {
    id: 'autoencoder.not-unique',
    ...refs,
    points: 2,
    statement:
      'only the subspace is determined: (E, D) → (AE, DA⁻¹) for any invertible k×k A leaves the loss unchanged (aeLoss, ≤ 1e-9 relative) and span(D) unchanged, while D’s columns are no longer eigenvectors',
    answer:
      '$D(E\\mathbf x+\\mathbf b_e)=DA^{-1}\\big(AE\\mathbf x+A\\mathbf b_e\\big)$ for every invertible $A\\in\\mathbb R^{k\\times k}$, so $(AE,\\,DA^{-1},\\,A\\mathbf b_e,\\,\\mathbf b_d)$ has the same loss. ' +
      'The proof therefore fixes $\\operatorname{span}(D)=\\operatorname{span}(\\mathbf u_1..\\mathbf u_k)$ and $DE=U_kU_k^\\top$, not the vectors: a trained decoder’s columns are in general neither orthonormal nor eigenvectors (the key reports their angles to $\\mathbf u_1..\\mathbf u_k$), and comparing them to the eigenvectors one by one is the wrong test — principal angles between subspaces are the right one.',
    uses: ['aeOptimum', 'aeLoss'],
    check(impl, ctx) {
      const rng = makeRng(ctx.seed);
      const rows: Evidence[] = [];
      for (const [i, c] of [
        { d: 6, k: 3, gap: 0.3, withMean: true, seed: ctx.seed + 5 },
        { d: 9, k: 2, gap: 0.2, withMean: false, seed: ctx.seed + 6 },
      ].entries()) {
        const data = makeOptData(c);
        const p = readParams(impl.aeOptimum(data.X, c.k), c.d, c.k, `aeOptimum(X, ${c.k})`);
        const base = readNumber(impl.aeLoss(data.X, p), 'aeLoss(X, aeOptimum(X, k))');
        const want = aeLoss(data.X, p);
        if (Math.abs(base - want) > 1e-9 * Math.max(want, 1e-12)) {
          const perDim = Math.abs(base - want / c.d) <= 1e-9 * want;
          const N = data.X.length;
          const summed = Math.abs(base - want * N) <= 1e-9 * want * N;
          fail(
            [
              `aeLoss(X, p) = ${fmtNum(base)} but (1/N) Σ_n ‖x_n − x̂_n‖² = ${fmtNum(want)} (d = ${c.d}, k = ${c.k}).`,
              perDim ? recognised(AE_MISTAKES['loss-mean-over-dims']) : '',
              summed ? `${recognised(AE_MISTAKES['loss-summed-over-samples'])}` : '',
            ]
              .filter(Boolean)
              .join('\n  '),
          );
        }
        const A = new Matrix(randnMatrix(rng, c.k, c.k)).add(Matrix.eye(c.k).mul(2));
        const Ainv = inverse(A);
        const q: AeParams = {
          encoder: A.mmul(new Matrix(p.encoder)).to2DArray(),
          decoder: new Matrix(p.decoder).mmul(Ainv).to2DArray(),
          encoderBias: A.mmul(Matrix.columnVector(p.encoderBias)).getColumn(0),
          decoderBias: [...p.decoderBias],
        };
        const after = readNumber(impl.aeLoss(data.X, q), 'aeLoss(X, transformed parameters)');
        const lossChange = Math.abs(after - base) / base;
        const e = pca(data.X);
        const span = Math.max(...principalAngles(q.decoder, firstColumns(e.vectors, c.k)));
        const colAngles = Array.from({ length: c.k }, (_, j) => Math.max(...principalAngles(new Matrix(q.decoder).getColumnVector(j), e.vectors.getColumnVector(j))));
        rows.push({ d: c.d, k: c.k, lossChange, largestAngleOfSpan: span, columnAnglesToEigenvectors: colAngles });
        if (lossChange > 1e-9) {
          // a loss that rebuilds the decoder as Eᵀ (tied weights) agrees at the orthonormal optimum and nowhere else
          const tiedQ: AeParams = { ...q, decoder: new Matrix(q.encoder).transpose().to2DArray() };
          const tied = Math.abs(after - aeLoss(data.X, tiedQ)) <= 1e-9 * Math.max(after, 1e-12);
          fail(
            `aeLoss changes by ${fmtNum(lossChange)} (relative) under (E, D, b_e) → (AE, DA⁻¹, A b_e), which computes the same function — aeLoss must depend only on the reconstruction` +
              (tied ? `\n  ${recognised(AE_MISTAKES['loss-tied-decoder'])}` : ''),
            { rows },
          );
        }
        if (i === 0) ctx.note(`(AE, DA⁻¹): loss change ${fmtNum(lossChange)}, span angle ${fmtNum(span)} rad, column angles to u_j ${colAngles.map(fmtNum).join(', ')} rad`);
      }
      return { rows };
    },
  },
  {
    id: 'autoencoder.trained-subspace',
    ...refs,
    points: 4,
    statement: 'a linear autoencoder trained by gradient descent (tfjs) spans the top-k principal subspace: largest principal angle between span(D) and u_1..u_k ≤ 1e-2 rad',
    answer:
      'Gradient descent on the MSE converges to a global minimum (the linear autoencoder’s other critical points are saddles — Baldi & Hornik 1989), so span(D) approaches the top-$k$ eigenvector span. ' +
      'Measured: the reference (tfjs, full-batch gradient descent, 400 steps) on $d=5$, $k=2$, spectrum 4, 3, 0.8, 0.4, 0.1 reaches a largest principal angle far below $10^{-2}$ rad (value in the evidence), although $D$’s columns are not eigenvectors.',
    uses: ['aeTrain'],
    async check(impl, ctx) {
      const c = TRAIN_SUBSPACE;
      const t = await trained(impl, c, ctx.seed);
      const angle = angleOrNull(t.p.decoder, t.top);
      const colAngles = angle === null ? [] : Array.from({ length: c.k }, (_, j) => Math.max(...principalAngles(new Matrix(t.p.decoder).getColumnVector(j), t.top.getColumnVector(j))));
      if (angle === null || angle > ANGLE_TOL) {
        const loss = aeLoss(t.data.X, t.p);
        fail(
          [
            `The trained decoder does not span the top-${c.k} principal subspace (${caseText(c)}):`,
            `  largest principal angle ${angle === null ? '— D has linearly dependent columns' : `${fmtNum(angle)} rad`} (tolerance ${ANGLE_TOL} rad); loss ${fmtNum(loss)} vs the optimum Σ_{i>k} λ_i = ${fmtNum(t.tail)}.`,
            `  ${recognisedBy(() => nameSubspace(t.p.decoder, t.data.X, c.k, ANGLE_TOL)) || (loss > t.tail * (1 + LOSS_REL_TOL) ? 'The loss is still above the optimum: the training has not converged (more steps or a better step size).' : '')}`.trimEnd(),
          ]
            .filter(Boolean)
            .join('\n'),
          { angle, loss, tail: t.tail },
        );
      }
      return { case: caseText(c), largestAngle: angle, tolerance: ANGLE_TOL, columnAnglesToEigenvectors: colAngles };
    },
  },
  {
    id: 'autoencoder.trained-loss',
    ...refs,
    points: 2,
    statement: 'the trained autoencoder’s loss equals the sum of the d − k smallest covariance eigenvalues within 1 %',
    answer:
      'At the optimum the reconstruction error is the variance in the discarded directions, $\\sum_{i>k}\\lambda_i$. Measured on $d=6$, $k=2$ (spectrum 5, 3, 1, 0.6, 0.3, 0.1: $\\sum_{i>2}\\lambda_i=2$): the trained loss is within 1 % (value in the evidence).',
    uses: ['aeTrain'],
    async check(impl, ctx) {
      const c = TRAIN_LOSS;
      const t = await trained(impl, c, ctx.seed + 1);
      const loss = aeLoss(t.data.X, t.p);
      const rel = (loss - t.tail) / t.tail;
      if (Math.abs(rel) > LOSS_REL_TOL) {
        fail(
          [
            `The trained loss ${fmtNum(loss)} is not within 1 % of Σ_{i>k} λ_i = ${fmtNum(t.tail)} (${caseText(c)}): ${rel > 0 ? '+' : ''}${fmtNum(rel * 100)} %.`,
            `  ${recognisedBy(() => nameSubspace(t.p.decoder, t.data.X, c.k, ANGLE_TOL)) || (rel > 0 ? 'The training has not converged (more steps or a better step size).' : '')}`.trimEnd(),
          ]
            .filter(Boolean)
            .join('\n'),
          { loss, tail: t.tail, rel },
        );
      }
      return { case: caseText(c), loss, optimum: t.tail, relativeExcess: rel, tolerance: LOSS_REL_TOL };
    },
  },
  {
    id: 'autoencoder.centering',
    ...refs,
    points: 4,
    statement:
      'with biases on data with a mean, training learns the mean: x̂(μ) = μ (‖μ − x̂(μ)‖² ≤ 1 % of Σ_{i>k} λ_i) and span(D) is the top-k subspace of the centred covariance (≤ 1e-2 rad), not of the uncentered second moment',
    answer:
      'With $\\mathbf c=D\\mathbf b_e+\\mathbf b_d$ free, $\\partial J/\\partial\\mathbf c=0$ gives $\\mathbf c=(I-DE)\\boldsymbol\\mu$, i.e. $\\hat{\\mathbf x}(\\boldsymbol\\mu)=\\boldsymbol\\mu$: the biases absorb the mean and the weights see centred data, so PCA of the covariance (not of $\\frac1N X^\\top X$) is what the hidden layer learns. ' +
      'Since $J=\\operatorname{tr}((I-DE)C(I-DE)^\\top)+\\|\\boldsymbol\\mu-\\hat{\\mathbf x}(\\boldsymbol\\mu)\\|^2$, a loss within 1 % of optimal implies $\\|\\boldsymbol\\mu-\\hat{\\mathbf x}(\\boldsymbol\\mu)\\|^2\\le0.01\\sum_{i>k}\\lambda_i$. ' +
      'Without biases the optimum is the top-$k$ span of the uncentred second moment instead (the key reports how far that is).',
    uses: ['aeTrain'],
    async check(impl, ctx) {
      const c = TRAIN_CENTER;
      const t = await trained(impl, c, ctx.seed + 2);
      const { A, c: off } = affine(t.p);
      const mu = t.data.mean;
      const xhat = A.mmul(Matrix.columnVector(mu))
        .getColumn(0)
        .map((v, i) => v + off[i]);
      const resid2 = xhat.reduce((s, v, i) => s + (v - mu[i]) ** 2, 0);
      const angle = angleOrNull(t.p.decoder, t.top);
      const unc = firstColumns(pca(t.data.X, false).vectors, c.k);
      const angleUncentered = Math.max(...principalAngles(unc, t.top));
      const ev = { case: caseText(c), meanResidualSq: resid2, bound: LOSS_REL_TOL * t.tail, largestAngle: angle, angleUncenteredVsCentred: angleUncentered };
      if (resid2 > LOSS_REL_TOL * t.tail || angle === null || angle > ANGLE_TOL) {
        const noBias = t.p.encoderBias.every((v) => v === 0) && t.p.decoderBias.every((v) => v === 0);
        fail(
          [
            `Training with biases on data with mean μ = [${mu.map(fmtNum).join(', ')}] (${caseText(c)}):`,
            `  ‖μ − x̂(μ)‖² = ${fmtNum(resid2)} (bound 1 % of Σ_{i>k} λ_i = ${fmtNum(LOSS_REL_TOL * t.tail)}); largest principal angle to the centred top-${c.k} subspace ${angle === null ? '— D has dependent columns' : `${fmtNum(angle)} rad`}.`,
            noBias ? `  ${recognised(AE_MISTAKES['no-bias'])}` : '',
            `  ${recognisedBy(() => nameSubspace(t.p.decoder, t.data.X, c.k, ANGLE_TOL)) || (!noBias && aeLoss(t.data.X, t.p) > t.tail * (1 + LOSS_REL_TOL) ? 'The loss is still above the optimum: the training has not converged (more steps or a better step size).' : '')}`.trimEnd(),
          ]
            .filter((l) => l.trim())
            .join('\n'),
          ev,
        );
      }
      return ev;
    },
  },
];
