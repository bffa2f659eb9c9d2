/** Unit tests of the instrumented multiplication counter (src/mlp/counters.ts). */
import { describe, expect, test } from 'vitest';
import { countMultiplications, makeMulCounter, MulArgumentError } from '../src/mlp/counters.ts';

describe('multiplication counters', () => {
  test('mul multiplies, counts, and splits by tag', () => {
    const c = makeMulCounter();
    expect(c.mul(3, 4)).toBe(12);
    c.mul(1, 2, 'forward');
    c.mul(1, 2, 'forward');
    c.mul(1, 2, 'update');
    expect(c.count).toBe(4);
    expect(c.byTag).toEqual({ untagged: 1, forward: 2, update: 1 });
    c.reset();
    expect(c.count).toBe(0);
    expect(c.byTag).toEqual({});
  });
  test('a dot product of length k costs k multiplications', () => {
    const r = countMultiplications((mul) => [1, 2, 3].reduce((s, x, i) => s + mul(x, [4, 5, 6][i]), 0));
    expect(r).toEqual({ result: 32, count: 3, byTag: { untagged: 3 } });
  });
  test('bad arguments and runaway loops are clear errors', () => {
    const c = makeMulCounter({ limit: 2 });
    expect(() => c.mul('2' as unknown as number, 3)).toThrow(MulArgumentError);
    expect(() => c.mul(1, undefined as unknown as number)).toThrow(/takes two numbers, got number and undefined/);
    c.mul(1, 1);
    c.mul(1, 1);
    expect(() => c.mul(1, 1)).toThrow(/more than 2 multiplications/);
    expect(() =>
      countMultiplications(
        (mul) => {
          for (;;) mul(1, 1);
        },
        { limit: 100 },
      ),
    ).toThrow(/stopped counting/);
  });
});
