/**
 * The recognisers of the topics' mistake banks (src/<topic>/misconceptions.ts), checked on their own:
 * each names its mistake on that mistake's signature and names nothing on the right answer or on a
 * near miss (a wrong feedback line would send a student after the wrong mistake).  The known-wrong
 * fixtures check each name once, on the fixture that makes it; these cases pin the conditions.
 */
import { describe, expect, test } from 'vitest';
import { ADDER_MISTAKES, recogniseAdder } from '../src/adder/misconceptions.ts';
import type { Situation } from '../src/adder/engine.ts';
import { ALEXNET_COUNT_MISTAKES, recogniseCount as recogniseAlexnetCount } from '../src/alexnet/misconceptions.ts';
import type { CnnArch } from '../src/cnnparams/contract.ts';
import { CNN_MISTAKES, diagnoseCount, variantCount } from '../src/cnnparams/misconceptions.ts';
import { GT_COUNT_MISTAKES, recogniseCount as recogniseGtCount } from '../src/gt/misconceptions.ts';
import { HEINIT_MISTAKES as HE, nameEq3, nameEq4, nameEq5, nameStd, nameWeightVariance } from '../src/heinit/misconceptions.ts';
import { diffCells } from '../src/mdrnn/cells.ts';
import { DET_MISTAKES, INVERSE_MISTAKES, JACOBIAN_MISTAKES, MOMENTUM_MISTAKES, recogniseDet, recogniseInverse, recogniseJacobian, type InverseMistake } from '../src/momentum/misconceptions.ts';
import { jacobian, quadratic, stepForward } from '../src/momentum/reference.ts';
import { parseExpr } from '../src/pixelcnn/bigo.ts';
import { PIXELCNN_MISTAKES, recogniseMdrnnContext, recogniseOrder, recognisePixelContext } from '../src/pixelcnn/misconceptions.ts';
import { causalWindow, pixelcnnContextFormula } from '../src/pixelcnn/reference.ts';
import { stackForward } from '../src/resnet/blocks.ts';
import { randomBlock } from '../src/resnet/claims.ts';
import { nameBlockMistake, RESNET_MISTAKES } from '../src/resnet/misconceptions.ts';
import { AE_MISTAKES, nameSubspace } from '../src/autoencoder/misconceptions.ts';
import { makeAeData } from '../src/autoencoder/data.ts';
import { pca } from '../src/autoencoder/reference.ts';
import { recognised } from '../src/verify/failure.ts';
import { makeRng, randnMatrix } from '../src/verify/rng.ts';
import { toTensor } from '../src/verify/tensor.ts';

const sit = (x1: number, x2: number, carryIn: number, chain: number): Situation => ({ x1, x2, carryIn, chain });

describe('adder', () => {
  test('a tie is named first; no situation, nothing', () => {
    expect(recogniseAdder([sit(0, 0, 0, 0)], true)).toBe(ADDER_MISTAKES['threshold-tie']);
    expect(recogniseAdder([], false)).toBeUndefined();
  });
  test('1+1+carry: only when every failure is at 1 + 1 with a carry in', () => {
    expect(recogniseAdder([sit(1, 1, 1, 1), sit(1, 1, 1, 3)], false)).toBe(ADDER_MISTAKES['no-1-1-carry']);
    for (const other of [sit(0, 1, 1, 1), sit(1, 0, 1, 1), sit(1, 1, 0, 0)]) expect(recogniseAdder([sit(1, 1, 1, 1), other], false)).not.toBe(ADDER_MISTAKES['no-1-1-carry']);
  });
  test('a lost carry: every failure has a carry in, at 1+0 / 0+1 or down a chain of two or more', () => {
    expect(recogniseAdder([sit(1, 0, 1, 1), sit(0, 1, 1, 1)], false)).toBe(ADDER_MISTAKES['carry-lost-in-chain']);
    expect(recogniseAdder([sit(0, 0, 1, 2)], false)).toBe(ADDER_MISTAKES['carry-lost-in-chain']);
    expect(recogniseAdder([sit(0, 0, 1, 1)], false)).toBeUndefined();
    expect(recogniseAdder([sit(1, 0, 1, 1), sit(1, 0, 0, 0)], false)).toBeUndefined();
  });
});

describe('AlexNet parameter counts', () => {
  test('each wrong reading is named by its count, the right count and others by none', () => {
    // 60,965,224 less the biases (96 + 256 + 384 + 384 + 256 + 4,096 + 4,096 + 1,000)
    expect(recogniseAlexnetCount(60_965_224 - 10_568)).toBe(ALEXNET_COUNT_MISTAKES.noBias);
    // fc6 on 13×13×256 = 43,264 inputs instead of 9,216: (43,264 − 9,216)·4,096 more weights
    expect(recogniseAlexnetCount(60_965_224 + (43_264 - 9_216) * 4_096)).toBe(ALEXNET_COUNT_MISTAKES.noPool5);
    expect(recogniseAlexnetCount(62_378_344)).toBe(ALEXNET_COUNT_MISTAKES.ungrouped);
    expect(recogniseAlexnetCount(60_965_224)).toBe('');
    expect(recogniseAlexnetCount(61_000_000)).toBe('');
  });
});

describe('CNN parameter counts', () => {
  // 8×8×3 → conv 3×3, padding 1, stride 2, 4 filters → 4×4×4 → pool 2/2 → 2×2×4 → dense 5
  const arch: CnnArch = {
    input: [8, 8, 3],
    layers: [
      { kind: 'conv', filters: 4, kernel: 3, padding: 1, stride: 2 },
      { kind: 'pool', size: 2, stride: 2 },
      { kind: 'dense', units: 5 },
    ],
  };
  test('each variant counts as its mistake would (right: 112 + 85 = 197)', () => {
    expect(variantCount(arch, 'no-bias')).toBe(108 + 80);
    expect(variantCount(arch, 'no-input-channels')).toBe(40 + 85);
    // no padding: (8 − 3)/2 + 1 = 3, pooled to 1×1×4
    expect(variantCount(arch, 'padding-ignored')).toBe(112 + 25);
    expect(variantCount(arch, 'pool-not-applied')).toBe(112 + 64 * 5 + 5);
  });
  test('a map that shrinks below 1×1 (in either side) has no count; one of exactly 1 has', () => {
    const conv = (input: [number, number, number], padding: number): CnnArch => ({
      input,
      layers: [
        { kind: 'conv', filters: 1, kernel: 3, padding },
        { kind: 'dense', units: 1 },
      ],
    });
    expect(variantCount(conv([1, 4, 1], 1), 'padding-ignored')).toBeUndefined();
    expect(variantCount(conv([4, 1, 1], 1), 'padding-ignored')).toBeUndefined();
    expect(variantCount(conv([3, 5, 1], 0), 'no-bias')).toBe(9 + 3);
    expect(variantCount(conv([5, 3, 1], 0), 'no-bias')).toBe(9 + 3);
    const pooled = (input: [number, number, number]): CnnArch => ({
      input,
      layers: [
        { kind: 'conv', filters: 1, kernel: 1, padding: 0 },
        { kind: 'pool', size: 2, stride: 2 },
        { kind: 'dense', units: 1 },
      ],
    });
    expect(variantCount(pooled([1, 4, 1]), 'no-bias')).toBeUndefined();
    expect(variantCount(pooled([4, 1, 1]), 'no-bias')).toBeUndefined();
    expect(variantCount(pooled([2, 4, 1]), 'no-bias')).toBe(1 + 2);
    expect(variantCount(pooled([4, 2, 1]), 'no-bias')).toBe(1 + 2);
  });
  test('the diagnosis names exactly the variants that give the answer and differ from the truth', () => {
    expect(diagnoseCount(arch, 188, 197)).toEqual([recognised(CNN_MISTAKES['no-bias'])]);
    expect(diagnoseCount(arch, 150, 197)).toEqual([]);
    // with one input channel, leaving the channels out changes nothing: never named
    const gray: CnnArch = { input: [8, 8, 1], layers: arch.layers };
    expect(diagnoseCount(gray, 40 + 85, 40 + 85)).toEqual([]);
  });
});

describe('G_t parameter counts', () => {
  test('unrolled copies: the RNN counted t times, for t > 1', () => {
    expect(recogniseGtCount('rnn', 30n, 10n, 3, 2, 4)).toBe(GT_COUNT_MISTAKES.unrolled);
    expect(recogniseGtCount('rnn', 10n, 10n, 1, 2, 4)).toBe('');
    expect(recogniseGtCount('dense', 30n, 10n, 3, 2, 4)).toBe('');
  });
  test('a linear table: 2t·H entries', () => {
    expect(recogniseGtCount('table', 24n, 64n, 3, 2, 4)).toBe(GT_COUNT_MISTAKES.tableLinear);
    expect(recogniseGtCount('table', 25n, 64n, 3, 2, 4)).toBe('');
    expect(recogniseGtCount('rnn', 24n, 10n, 3, 2, 4)).toBe('');
  });
  test('the dense model on one input: H(D + 1), for t > 1', () => {
    expect(recogniseGtCount('dense', 12n, 28n, 3, 2, 4)).toBe(GT_COUNT_MISTAKES.denseOneInput);
    expect(recogniseGtCount('dense', 12n, 12n, 1, 2, 4)).toBe('');
    expect(recogniseGtCount('table', 12n, 64n, 3, 2, 4)).toBe('');
  });
});

describe('He init', () => {
  // x ~ U(0, 2): E[x] = 1, E[x²] = 4/3, Var[x] = 1/3; n = 3, Var[w] = 1/2: Var[y] = 2
  const x = { mean: 1, meanSq: 4 / 3, var: 1 / 3 };
  test('eq. (3)', () => {
    expect(nameEq3(2, 3, 0.5, x)).toBe('');
    expect(nameEq3(0.5, 3, 0.5, x)).toBe(HE['eq3-variance-of-x']);
    expect(nameEq3(2 / 3, 3, 0.5, x)).toBe(HE['eq3-missing-n']);
    expect(nameEq3(1.5, 3, 0.5, x)).toBe(HE['eq3-mean-squared']);
    expect(nameEq3(6, 3, 0.5, x)).toBe(HE['eq3-n-squared']);
    expect(nameEq3(2.1, 3, 0.5, x)).toBe('');
  });
  test('eq. (4), Var[y] = 2: E[x²] = 1', () => {
    expect(nameEq4(1, 2)).toBe('');
    expect(nameEq4(2, 2)).toBe(HE['eq4-missing-half']);
    expect(nameEq4(2 * (0.5 - 1 / (2 * Math.PI)), 2)).toBe(HE['eq4-variance-of-x']);
    expect(nameEq4(0.5, 2)).toBe(HE['eq4-half-squared']);
    expect(nameEq4(Math.SQRT2 / 2, 2)).toBe(HE['eq4-half-std']);
    expect(nameEq4(0.9, 2)).toBe('');
  });
  test('the standard deviation, at every fan', () => {
    expect(nameStd((n) => Math.sqrt(2 / n))).toBe('');
    expect(nameStd((n) => Math.sqrt(1 / n))).toBe(HE['std-xavier']);
    expect(nameStd((n) => 2 / n)).toBe(HE['std-returns-variance']);
    expect(nameStd(() => 0.01)).toBe(HE['std-fixed-0.01']);
    expect(nameStd((n) => Math.SQRT2 / n)).toBe(HE['std-sqrt2-over-n']);
    // right at every fan but one: no name
    expect(nameStd((n) => (n === 9 ? Math.SQRT2 / n : Math.sqrt(2 / n)))).toBe('');
    expect(
      nameStd(() => {
        throw new Error('no');
      }),
    ).toBe('');
  });
  test('the weights’ variance, fan-in 10 and fan-out 40', () => {
    const at = (v: number) => (w: number) => Math.abs(w - v) < 1e-15;
    expect(nameWeightVariance(at(2 / 40), 10, 40)).toBe(HE['weights-fan-out']);
    expect(nameWeightVariance(at(1 / 10), 10, 40)).toBe(HE['weights-xavier']);
    expect(nameWeightVariance(at(1e-4), 10, 40)).toBe(HE['weights-fixed-0.01']);
    expect(nameWeightVariance(at(2 / 10), 10, 40)).toBe('');
  });
  test('eq. (5) over 5 layers', () => {
    expect(nameEq5(0.8 * 16, 0.8, 5)).toBe(HE['eq5-missing-half']);
    expect(nameEq5(1 / 0.8, 0.8, 5)).toBe(HE['eq5-inverted']);
    expect(nameEq5(0.8, 0.8, 5)).toBe('');
  });
});

describe('momentum', () => {
  test('the determinant, D = 2, β = 0.9 (right: β² = 0.81)', () => {
    expect(recogniseDet(0, 2, 0.9)).toBe(DET_MISTAKES['det-zero-rank-D']);
    expect(recogniseDet(0.9, 2, 0.9)).toBe(DET_MISTAKES['det-beta']);
    expect(recogniseDet(0.9 ** 4, 2, 0.9)).toBe(DET_MISTAKES['det-beta-2D']);
    expect(recogniseDet(0.81, 2, 0.9)).toBe('');
    expect(recogniseDet(0.9 ** 4 * (1 + 1e-6), 2, 0.9)).toBe('');
    // D = 1: β is the right answer, never named
    expect(recogniseDet(0.9, 1, 0.9)).toBe('');
  });
  test('the inverse step: each mistake named by the state it gives, the start state by none', () => {
    const c = quadratic(3, 7);
    const s0 = { theta: [0.3, -0.2, 0.5], p: [0.1, 0.05, -0.4] };
    const s1 = stepForward(s0, c.grad, 0.1, 0.9);
    for (const v of Object.keys(INVERSE_MISTAKES) as InverseMistake[]) {
      const got = INVERSE_MISTAKES[v].inverse(s1, c.grad, 0.1, 0.9);
      expect(recogniseInverse(got, s1, c, 0.1, 0.9, s0), v).toBe(MOMENTUM_MISTAKES[v]);
    }
    expect(recogniseInverse(s0, s1, c, 0.1, 0.9, s0)).toBe('');
  });
  test('the Jacobian, D = 2: each variant named, the right one and others not', () => {
    const c = quadratic(2, 3);
    const theta = [0.4, -0.7];
    const alpha = 0.1,
      beta = 0.9;
    const J = jacobian(theta, c.hess, alpha, beta);
    const H = c.hess(theta);
    const name = (m: number[][]) => recogniseJacobian(toTensor(m), J, 2, alpha, H);
    expect(name(J)).toBe('');
    // the θ rows become [I, I]
    expect(name([[1, 0, 1, 0], [0, 1, 0, 1], ...J.slice(2)])).toBe(JACOBIAN_MISTAKES['old-p']);
    // +αH in the p rows' θ block
    expect(name(J.map((row, r) => row.map((x, k) => (r >= 2 && k < 2 ? alpha * H[r - 2][k] : x))))).toBe(JACOBIAN_MISTAKES.sign);
    expect(name(J.map((row, r) => row.map((_, k) => J[k][r])))).toBe(JACOBIAN_MISTAKES.transposed);
    expect(
      name([
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ]),
    ).toBe(JACOBIAN_MISTAKES['identical-halves']);
    expect(name(J.map((row) => row.map((x) => x * 1.5)))).toBe('');
  });
});

describe('PixelCNN and MDRNN', () => {
  const sweep = { d: [1, 2, 4, 8, 16], k: [3, 5, 9, 17], H: [34, 68, 136, 272], W: [34, 68, 136, 272] };
  const vars = ['d', 'k', 'H', 'W'];
  test('a known wrong order is named, the right one is not', () => {
    expect(recogniseOrder('connections', parseExpr('d k H W', vars), vars, sweep)).toBe(PIXELCNN_MISTAKES.connK);
    expect(recogniseOrder('connections', parseExpr('k^2 H W', vars), vars, sweep)).toBe(PIXELCNN_MISTAKES.connD);
    expect(recogniseOrder('connections', parseExpr('d k^2 H W', vars), vars, sweep)).toBeUndefined();
  });
  test('the PixelCNN context: the whole causal window (no blind spot), or one holding the pixel itself', () => {
    const at = { H: 7, W: 7, d: 2, k: 3, r: 5, c: 4 };
    const want = pixelcnnContextFormula(at.H, at.W, at.d, at.k, at.r, at.c);
    const window = causalWindow(at.H, at.W, at.d, at.k, at.r, at.c);
    expect(diffCells(window, want).equal).toBe(false);
    expect(recognisePixelContext(window, want, diffCells(window, want), at)).toBe(PIXELCNN_MISTAKES.blindSpot);
    const withSelf = [...want, [at.r, at.c] as [number, number]];
    expect(recognisePixelContext(withSelf, want, diffCells(withSelf, want), at)).toBe(PIXELCNN_MISTAKES.selfInContext);
    const withOther = [...want, [at.r + 1, at.c] as [number, number]];
    expect(recognisePixelContext(withOther, want, diffCells(withOther, want), at)).toBeUndefined();
    const less = want.slice(1);
    expect(recognisePixelContext(less, want, diffCells(less, want), at)).toBeUndefined();
  });
  test('the MDRNN context: extra pixels, all before (r, c) in raster order, none missing', () => {
    const diff = (extra: [number, number][], missing: [number, number][] = []) => ({ equal: false, extra, missing, duplicates: 0 });
    expect(recogniseMdrnnContext(diff([[1, 5]]), 2, 3)).toBe(PIXELCNN_MISTAKES.mdrnnRegion);
    expect(recogniseMdrnnContext(diff([[2, 2]]), 2, 3)).toBe(PIXELCNN_MISTAKES.mdrnnRegion);
    expect(recogniseMdrnnContext(diff([[2, 3]]), 2, 3)).toBeUndefined();
    expect(recogniseMdrnnContext(diff([[3, 1]]), 2, 3)).toBeUndefined();
    expect(recogniseMdrnnContext(diff([[1, 5]], [[1, 1]]), 2, 3)).toBeUndefined();
  });
});

describe('ResNet blocks', () => {
  test('a block output is named by the flag that reproduces it, the right one by none', () => {
    const rng = makeRng(4);
    const p = randomBlock(rng, 3);
    const x = randnMatrix(rng, 6, 3);
    expect(nameBlockMistake('post', stackForward('post', x, [p]), x, p)).toBe('');
    expect(nameBlockMistake('pre', stackForward('pre', x, [p]), x, p)).toBe('');
    expect(nameBlockMistake('post', stackForward('post', x, [p], { reluAfterAdd: false }), x, p)).toBe(RESNET_MISTAKES['post-no-final-relu']);
    expect(nameBlockMistake('pre', stackForward('pre', x, [p], { reluAfterAdd: true }), x, p)).toBe(RESNET_MISTAKES['pre-relu-after-add']);
    expect(nameBlockMistake('post', stackForward('post', x, [p], { unbiasedVar: true }), x, p)).toBe(RESNET_MISTAKES['bn-unbiased-variance']);
    expect(nameBlockMistake('pre', stackForward('pre', x, [p], { unbiasedVar: true }), x, p)).toBe(RESNET_MISTAKES['bn-unbiased-variance']);
    // post's output handed in for pre: no mistake of the pre block reproduces it
    expect(nameBlockMistake('pre', stackForward('post', x, [p]), x, p)).toBe('');
  });
});

describe('the autoencoder subspace', () => {
  // d = 4, k = 2, eigenvalues 5, 3, 1, 0.5, and a mean far from 0
  const { X } = makeAeData({ d: 4, N: 200, spectrum: [5, 3, 1, 0.5], mean: [4, -3, 2, 5], seed: 9 });
  const c = pca(X);
  const cols = (idx: number[]) => Array.from({ length: 4 }, (_, r) => idx.map((j) => c.vectors.get(r, j)));
  test('the top-2 span is right; the bottom two are named', () => {
    expect(nameSubspace(cols([1, 0]), X, 2, 1e-6)).toBe('');
    expect(nameSubspace(cols([2, 3]), X, 2, 1e-6)).toBe(AE_MISTAKES['bottom-k']);
  });
  test("the uncentred second moment's top 2, on data with a mean", () => {
    const u = pca(X, false);
    const D = Array.from({ length: 4 }, (_, r) => [u.vectors.get(r, 0), u.vectors.get(r, 1)]);
    expect(nameSubspace(D, X, 2, 1e-6)).toBe(AE_MISTAKES.uncentered);
    // centred data: no mean, nothing to confuse
    const Xc = X.map((x) => x.map((v, j) => v - c.mean[j]));
    expect(nameSubspace(cols([0, 1]), Xc, 2, 1e-6)).toBe('');
  });
  test('only the first component right, for k > 1', () => {
    expect(nameSubspace(cols([0, 2]), X, 2, 1e-6)).toBe(AE_MISTAKES['first-component-only']);
    expect(nameSubspace(cols([0]), X, 1, 1e-6)).toBe('');
    expect(nameSubspace(cols([1, 2]), X, 2, 1e-6)).toBe('');
  });
});
