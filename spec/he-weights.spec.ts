import { describe, expect, test } from 'vitest';
import { fanIn, fanOf, fanOut, heStd, heWeights } from '../src/init/he.ts';
import { heTensor } from '../src/init/he-tf.ts';
import { initBackend } from '../src/backend.ts';
import { contains, familyLevel, meanCI, varianceCI } from '../src/heinit/statistics.ts';
import { makeRng } from '../src/verify/rng.ts';

describe('He weights from a seed', () => {
  const level = familyLevel(0.999, 6);
  test('dense and conv: mean 0 and variance 2/fan-in inside 99.9 % joint intervals; fan-out mode uses 2/fan-out', () => {
    for (const shape of [
      [300, 40],
      [3, 3, 8, 16],
    ]) {
      const w = heWeights(shape, 11);
      expect(w.length).toBe(shape.reduce((a, b) => a * b, 1));
      expect(contains(meanCI(w, level), 0)).toBe(true);
      expect(contains(varianceCI(w, level), 2 / fanIn(shape))).toBe(true);
      expect(contains(varianceCI(heWeights(shape, 12, { mode: 'fan-out' }), level), 2 / fanOut(shape))).toBe(true);
    }
  });
  test('uniform distribution: same variance, bounded by √3·std', () => {
    const w = heWeights([500, 20], 'student-1', { distribution: 'uniform' });
    const a = Math.sqrt(3) * heStd(500);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(a);
    expect(contains(varianceCI(w, level), 2 / 500)).toBe(true);
  });
  test('reproducible from the seed; an Rng may be passed; fans by mode', () => {
    expect(Array.from(heWeights([4, 3], 5))).toEqual(Array.from(heWeights([4, 3], 5)));
    expect(Array.from(heWeights([4, 3], 5))).not.toEqual(Array.from(heWeights([4, 3], 6)));
    expect(heWeights([4, 3], makeRng(1)).length).toBe(12);
    expect(fanOf([3, 3, 2, 5], 'fan-in')).toBe(18);
    expect(fanOf([3, 3, 2, 5], 'fan-out')).toBe(45);
    expect(fanOf([7, 2])).toBe(7);
  });
  test('bad fans and shapes are errors that say what was expected', () => {
    expect(() => heStd(0)).toThrow(/positive number/);
    expect(() => heStd(Infinity)).toThrow(/positive number/);
    expect(() => fanIn([1, 2, 3])).toThrow(/dense \[in,out\] or conv/);
    expect(() => fanOut([5])).toThrow(/dense \[in,out\] or conv/);
  });
  test('heTensor is the float32 tensor of the same draw', async () => {
    await initBackend({ quiet: true });
    const t = heTensor([4, 3], 9);
    expect(t.shape).toEqual([4, 3]);
    const v = await t.data();
    const w = heWeights([4, 3], 9);
    for (let i = 0; i < 12; i++) expect(v[i]).toBeCloseTo(w[i], 6);
    t.dispose();
  });
});
