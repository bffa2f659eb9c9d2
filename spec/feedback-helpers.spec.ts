/**
 * Feedback helpers that mutation testing found checked only through a few fixtures' messages:
 * the MDRNN/PixelCNN cell-set reader and diff (what a student reads when a dependency set is
 * wrong) and the CNN parameter table's errors and layer names.
 */
import { describe, expect, test } from 'vitest';
import { diffCells, diffMessage, readCells, showCells, type CellPair } from '../src/mdrnn/cells.ts';
import { cnnParamTable } from '../src/cnnparams/reference.ts';

describe('cell sets (mdrnn, pixelcnn)', () => {
  test('readCells accepts pairs of integers and names what is wrong otherwise', () => {
    expect(
      readCells(
        [
          [0, 1],
          [2, 3],
        ],
        'deps',
      ),
    ).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(readCells([], 'deps')).toEqual([]);
    expect(() => readCells('x', 'deps')).toThrow(/^deps: expected an array of \[a, b\] cell pairs, got /);
    expect(() => readCells([[0, 1], [1]], 'deps')).toThrow(/^deps\[1\]: expected a pair of integers \[a, b\], got /);
    expect(() => readCells([[0, 1, 2]], 'deps')).toThrow(/^deps\[0\]: expected a pair of integers/);
    expect(() => readCells([[0, 0.5]], 'deps')).toThrow(/^deps\[0\]: expected a pair of integers/);
    expect(() => readCells([5], 'deps')).toThrow(/^deps\[0\]: expected a pair of integers/);
  });

  test('diffCells finds missing, extra and duplicate cells; diffMessage says each', () => {
    const want: CellPair[] = [
      [0, 0],
      [0, 1],
      [1, 0],
    ];
    expect(
      diffCells(
        [
          [1, 0],
          [0, 0],
          [0, 1],
        ],
        want,
      ),
    ).toEqual({ equal: true, missing: [], extra: [], duplicates: 0 });
    const d = diffCells(
      [
        [0, 0],
        [0, 0],
        [2, 2],
      ],
      want,
    );
    expect(d).toEqual({
      equal: false,
      missing: [
        [0, 1],
        [1, 0],
      ],
      extra: [[2, 2]],
      duplicates: 1,
    });
    expect(diffMessage(d)).toBe('missing 2 cells: (0,1) (1,0); 1 cells that it does not depend on: (2,2); 1 duplicate entries');
    expect(
      diffMessage(
        diffCells(
          [
            [0, 0],
            [0, 1],
            [1, 0],
            [1, 0],
          ],
          want,
        ),
        'pixels',
      ),
    ).toBe('1 duplicate entries');
    expect(
      diffCells(
        [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 0],
        ],
        want,
      ).equal,
    ).toBe(false);
    expect(diffMessage(diffCells([[0, 0]], want), 'pixels')).toBe('missing 2 pixels: (0,1) (1,0)');
    expect(diffMessage(diffCells(want, want))).toBe('');
    const many = Array.from({ length: 10 }, (_, i) => [i, i] as CellPair);
    expect(showCells(many)).toBe('(0,0) (1,1) (2,2) (3,3) (4,4) (5,5) (6,6) (7,7) … (10 in all)');
    expect(showCells(many.slice(0, 8))).toBe('(0,0) (1,1) (2,2) (3,3) (4,4) (5,5) (6,6) (7,7)');
    expect(showCells(many, 2)).toBe('(0,0) (1,1) … (10 in all)');
  });
});

describe('CNN parameter table', () => {
  const conv = (kernel: number, filters: number, padding = 0) => ({ kind: 'conv' as const, kernel, filters, padding });
  test('layer names, shapes and the errors for impossible architectures', () => {
    const rows = cnnParamTable({
      input: [8, 8, 3],
      layers: [conv(3, 4, 1), { kind: 'pool', size: 2, stride: 2 }, conv(3, 2), { kind: 'dense', units: 5 }, { kind: 'dense', units: 2, bias: false }],
    } as never);
    expect(rows.map((r) => [r.layer, r.output, r.weights, r.biases, r.params])).toEqual([
      ['conv3-4 (pad 1)', [8, 8, 4], 108, 4, 112],
      ['maxpool 2×2/2', [4, 4, 4], 0, 0, 0],
      ['conv3-2', [2, 2, 2], 72, 2, 74],
      ['FC-5', [5], 40, 5, 45],
      ['FC-2', [2], 10, 0, 10],
    ]);
    expect(cnnParamTable({ input: [5, 5, 1], layers: [{ ...conv(3, 1), stride: 2 }] } as never)[0].output).toEqual([2, 2, 1]);
    expect(cnnParamTable({ input: [3, 3, 1], layers: [conv(3, 1)] } as never)[0].output).toEqual([1, 1, 1]);
    expect(cnnParamTable({ input: [2, 2, 1], layers: [{ kind: 'pool', size: 2, stride: 2 }] } as never)[0].output).toEqual([1, 1, 1]);
    expect(() => cnnParamTable({ input: [2, 4, 1], layers: [conv(3, 1)] } as never)).toThrow('conv3-1 makes the map empty');
    expect(() => cnnParamTable({ input: [4, 2, 1], layers: [conv(3, 1)] } as never)).toThrow('conv3-1 makes the map empty');
    expect(() => cnnParamTable({ input: [1, 4, 1], layers: [{ kind: 'pool', size: 2, stride: 2 }] } as never)).toThrow('maxpool 2/2 makes the map empty');
    expect(() => cnnParamTable({ input: [4, 1, 1], layers: [{ kind: 'pool', size: 2, stride: 2 }] } as never)).toThrow('maxpool 2/2 makes the map empty');
    expect(() => cnnParamTable({ input: [4, 4, 1], layers: [{ kind: 'dense', units: 3 }, conv(1, 1)] } as never)).toThrow('a conv layer after a dense layer');
    expect(() =>
      cnnParamTable({
        input: [4, 4, 1],
        layers: [
          { kind: 'dense', units: 3 },
          { kind: 'pool', size: 2, stride: 2 },
        ],
      } as never),
    ).toThrow('a pool layer after a dense layer');
  });
});

describe('He initialization helpers and the AlexNet graph checker', async () => {
  const { fanIn, fanOut, heStd, heWeights } = await import('../src/init/he.ts');
  const { makeRng } = await import('../src/verify/rng.ts');
  const { analyse } = await import('../src/alexnet/graph.ts');
  test('fan-in/out name a wrong shape; a seed and the Rng it makes give the same weights; the uniform draw has He variance inside ±√3·std', () => {
    expect(() => fanIn([3])).toThrow('fanIn: expected a dense [in,out] or conv [kh,kw,cin,cout] weight shape, got [3]');
    expect(() => fanOut([1, 2, 3])).toThrow('fanOut: expected a dense [in,out] or conv [kh,kw,cin,cout] weight shape, got [1,2,3]');
    const shape = [20, 30] as const;
    const a = heWeights(shape, 7),
      b = heWeights(shape, makeRng(7));
    expect(a.length).toBe(600);
    expect(Array.from(b)).toEqual(Array.from(a));
    const u = heWeights([200, 100], 3, { distribution: 'uniform' });
    const std = heStd(200),
      bound = Math.sqrt(3) * std;
    expect(u.length).toBe(20_000);
    expect(u.every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(Math.max(...u.map(Math.abs))).toBeGreaterThan(0.98 * bound); // fills the interval
    const varU = u.reduce((s, v) => s + v * v, 0) / u.length;
    expect(Math.abs(varU / std ** 2 - 1)).toBeLessThan(0.05); // 20,000 draws: sd of the ratio ≈ 0.9%
    const n = heWeights([200, 100], 3);
    expect(Math.max(...n.map(Math.abs))).toBeGreaterThan(bound); // a normal draw exceeds ±√3·std somewhere
    const varN = n.reduce((s, v) => s + v * v, 0) / n.length;
    expect(Math.abs(varN / std ** 2 - 1)).toBeLessThan(0.05);
  });

  test('analyse() names an input read before it is defined and a concatenation of maps of different sizes', () => {
    const conv = { op: 'conv' as const, stage: 'conv1', gpu: 0 as const, filters: 2, kernel: 3, stride: 1, padding: 0, poolAfter: false };
    expect(() =>
      analyse([
        { id: 'image', op: 'input', shape: [8, 8, 3] },
        { id: 'c', ...conv, inputs: ['nope'] },
      ] as never),
    ).toThrow('c reads nope, which is not defined before it');
    const two = (s: [number, number, number]) =>
      [
        { id: 'a', op: 'input', shape: [8, 8, 3] },
        { id: 'b', op: 'input', shape: s },
        { id: 'c', ...conv, inputs: ['a', 'b'] },
      ] as never;
    expect(analyse(two([8, 8, 5])).get('c')!.shape).toEqual([6, 6, 2]);
    for (const s of [
      [7, 8, 3],
      [8, 7, 3],
    ] as [number, number, number][])
      expect(() => analyse(two(s))).toThrow('c: its inputs have different map sizes');
    expect(() =>
      analyse([
        { id: 'a', op: 'input', shape: [8, 8, 3] },
        { id: 'b', op: 'input', shape: [8, 8] },
        { id: 'c', ...conv, inputs: ['a', 'b'] },
      ] as never),
    ).toThrow('c: its inputs have different map sizes');
  });
});

describe('the momentum key’s LU determinant', async () => {
  const { det } = await import('../src/momentum/reference.ts');
  const { Matrix, determinant } = await import('ml-matrix');
  test('row swaps (sign and zero leading pivots), singular matrices (exactly 0, also with a zero column before the last), the input left unchanged, and ml-matrix on random matrices', () => {
    expect(
      det([
        [0, 1],
        [1, 0],
      ]),
    ).toBe(-1);
    expect(
      det([
        [1, 0],
        [0, 1],
      ]),
    ).toBe(1);
    expect(
      det([
        [0, 0, 1],
        [0, 1, 0],
        [1, 0, 0],
      ]),
    ).toBe(-1);
    expect(
      det([
        [0, 1, 0],
        [0, 0, 1],
        [1, 0, 0],
      ]),
    ).toBe(1);
    expect(
      det([
        [1, 2, 3],
        [2, 4, 6],
        [1, 1, 1],
      ]),
    ).toBe(0);
    expect(
      det([
        [0, 0, 1],
        [0, 0, 2],
        [1, 1, 1],
      ]),
    ).toBe(0);
    const M = [
      [2, 1],
      [4, 3],
    ];
    expect(det(M)).toBeCloseTo(2, 14);
    expect(M).toEqual([
      [2, 1],
      [4, 3],
    ]);
    let s = 7;
    const r = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
    for (const n of [3, 5, 8]) {
      const A = Array.from({ length: n }, () => Array.from({ length: n }, r));
      const want = determinant(new Matrix(A));
      expect(Math.abs(det(A) - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
    }
  });
});

describe('the MDRNN key’s instrumented forward', async () => {
  const { buildModel, instrumentedForward, opCountFormula } = await import('../src/mdrnn/reference.ts');
  const { Matrix } = await import('ml-matrix');
  test('its values equal an independent matrix computation h(i,j) = tanh(W_inᵀx + W_Wᵀh(i−1,j) + W_Nᵀh(i,j−1)), zero states off the grid; its count is the formula', () => {
    for (const [G, D, H, seed] of [
      [3, 2, 3, 5],
      [4, 3, 2, 9],
    ]) {
      const m = buildModel(D, H, seed);
      let s = seed;
      const r = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
      const x = Array.from({ length: G }, () => Array.from({ length: G }, () => Array.from({ length: D }, r)));
      const got = instrumentedForward(m, x);
      const Win = new Matrix(m.Win),
        WW = new Matrix(m.WW),
        WN = new Matrix(m.WN);
      const want: InstanceType<typeof Matrix>[][] = [];
      const zero = Matrix.zeros(H, 1);
      for (let i = 0; i < G; i++) {
        want.push([]);
        for (let j = 0; j < G; j++) {
          const up = i > 0 ? want[i - 1][j] : zero,
            left = j > 0 ? want[i][j - 1] : zero;
          const pre = Win.transpose().mmul(Matrix.columnVector(x[i][j])).add(WW.transpose().mmul(up)).add(WN.transpose().mmul(left));
          want[i].push(pre.apply((a, b) => pre.set(a, b, Math.tanh(pre.get(a, b)))));
        }
      }
      for (let i = 0; i < G; i++) for (let j = 0; j < G; j++) for (let k = 0; k < H; k++) expect(Math.abs(got.h[i + 1][j + 1][k] - want[i][j].get(k, 0))).toBeLessThanOrEqual(1e-14);
      expect(got.mults + got.adds).toBe(opCountFormula(G, D, H));
    }
  });
});

describe('the PixelCNN key’s causal window (the blind spot’s reference)', async () => {
  const { causalWindow } = await import('../src/pixelcnn/reference.ts');
  test('equals the raster-order past within d·(k−1)/2 rows and columns, clipped to the image — also for k = 5, 7', () => {
    for (const [H, W, d, k, r, c] of [
      [6, 6, 1, 3, 4, 3],
      [12, 12, 2, 5, 8, 7],
      [9, 11, 3, 7, 9, 2],
      [5, 5, 4, 5, 1, 1],
      [8, 8, 1, 5, 8, 8],
    ]) {
      const R = (d * (k - 1)) / 2;
      const want: string[] = [];
      for (let row = 1; row <= H; row++)
        for (let col = 1; col <= W; col++) {
          if (r - row >= 0 && r - row <= R && Math.abs(col - c) <= R && (row < r || col < c)) want.push(`${row},${col}`);
        }
      expect(
        causalWindow(H, W, d, k, r, c)
          .map(([a, b]) => `${a},${b}`)
          .sort(),
      ).toEqual(want.sort());
    }
  });
});

describe('checks added for the key can fail', async () => {
  const { vanillaCarry } = await import('../src/lstm/reference.ts');
  const { vanillaCarryErrors } = await import('../src/lstm/claims.ts');
  const { gtClaims, sampleTs } = await import('../src/gt/claims.ts');
  const { gtReference } = await import('../src/gt/reference.ts');
  const { gtContract } = await import('../src/gt/contract.ts');
  const { makeContext, runClaim } = await import('../src/claims/run.ts');

  test('lstm.carry’s check of the vanilla-RNN contrast rejects a derivative without the tanh factor and one off by a step', () => {
    expect(vanillaCarryErrors()).toBeUndefined();
    const noTanh = (w: number, _u: number, xs: number[]) => xs.map((_, t) => w ** (xs.length - 1 - t));
    expect(vanillaCarryErrors(noTanh)).toMatch(/^random x, w = 0.8/);
    const offByOne = (w: number, u: number, xs: number[]) => vanillaCarry(w, u, xs).map((d) => d * w);
    expect(vanillaCarryErrors(offByOne)).toMatch(/^x ≡ 0, w = 0.9, T = 200: t = 0/);
  });

  test('gt.sharing, graded (sampled t): a count that changes only at t = 4 (none of the table’s t) is rejected, at the first t where it differs', async () => {
    const sharing = gtClaims.find((c) => c.id === 'gt.sharing')!;
    const ts = sampleTs(100, 7);
    expect(ts.length).toBe(100);
    expect(ts.slice(0, 32)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(ts[ts.length - 1]).toBe(1000);
    const ctx = makeContext({ seed: 7, mode: 'submission', runScale: 0.5 });
    expect((await runClaim(sharing, gtReference, gtContract, ctx)).passed).toBe(true);
    const drifting = {
      ...gtReference,
      gtParamCount: (m: Parameters<typeof gtReference.gtParamCount>[0], t: number, D: number, H: number) => {
        const v = gtReference.gtParamCount(m, t, D, H);
        return m === 'rnn' && t === 4 ? (typeof v === 'bigint' ? v + 1n : v + 1) : v;
      },
    };
    const r = await runClaim(sharing, drifting, gtContract, makeContext({ seed: 7, mode: 'submission', runScale: 0.5 }));
    expect(r.passed).toBe(false);
    expect(r.message).toMatch(/changes with t .* at t = 4/);
  });
});
