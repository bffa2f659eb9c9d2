import { describe, expect, test } from 'vitest';
import { numericGrad } from '../src/verify/finite-diff.ts';
import { makeRng, randnMatrix } from '../src/verify/rng.ts';
import { toTensor } from '../src/verify/tensor.ts';
import { compareTensor } from '../src/verify/compare.ts';
import { stackForward, stackGradNorms, blockForward, blockBackward, type ResBlockParams } from '../src/resnet/blocks.ts';
import { randomBlock } from '../src/resnet/claims.ts';
import { resnetTopic } from '../src/resnet/topic.ts';
import { specTopic } from './templates.ts';

// CSE891 HW3 P3.2: post- vs pre-activation residual blocks with batch norm.
specTopic(resnetTopic);

describe('resnet engine: hand-written backward through BN blocks = float64 central differences', () => {
  for (const v of ['post', 'pre'] as const) {
    test(`${v}-activation block: ∂L/∂x, ∂L/∂W1, ∂L/∂W2`, () => {
      const rng = makeRng(7);
      const N = 5,
        C = 3;
      const p = randomBlock(rng, C);
      const x = randnMatrix(rng, N, C);
      const G = randnMatrix(rng, N, C);
      const L = (xx: number[][], pp: ResBlockParams) =>
        stackForward(v, xx, [pp])
          .flat()
          .reduce((s, o, i) => s + o * G.flat()[i], 0);
      const f = blockForward(v, Float64Array.from(x.flat()), p, N, C);
      const b = blockBackward(v, Float64Array.from(G.flat()), p, f.cache, N, C);
      const num = numericGrad(
        (ps) =>
          L(
            Array.from({ length: N }, (_, n) => Array.from(ps.x.data.subarray(n * C, (n + 1) * C))),
            {
              ...p,
              W1: Array.from({ length: C }, (_, i) => Array.from(ps.W1.data.subarray(i * C, (i + 1) * C))),
              W2: Array.from({ length: C }, (_, i) => Array.from(ps.W2.data.subarray(i * C, (i + 1) * C))),
            },
          ),
        { x: toTensor(x), W1: toTensor(p.W1), W2: toTensor(p.W2) },
      );
      expect(compareTensor('dx', { shape: [N, C], data: b.dx }, num.x, 1e-7).pass).toBe(true);
      expect(compareTensor('dW1', { shape: [C, C], data: b.dW1 }, num.W1, 1e-7).pass).toBe(true);
      expect(compareTensor('dW2', { shape: [C, C], data: b.dW2 }, num.W2, 1e-7).pass).toBe(true);
    });
  }
  test('stackGradNorms returns one norm per block', () => {
    const rng = makeRng(3);
    const blocks = [randomBlock(rng, 3), randomBlock(rng, 3)];
    const g = stackGradNorms('pre', randnMatrix(rng, 4, 3), blocks, randnMatrix(rng, 4, 3));
    expect(g.dW1.length).toBe(2);
    expect(g.dx.every((v) => v > 0)).toBe(true);
  });
});
