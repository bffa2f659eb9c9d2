import { pixelcnnTopic } from '../src/pixelcnn/topic.ts';
import { specTopic } from './templates.ts';
import { describe, expect, test } from 'vitest';
import { BigOSyntaxError, parseExpr, stripBigO, thetaCheck } from '../src/pixelcnn/bigo.ts';

// CSE891 HW3 P4: PixelCNN vs MDRNN — connections, sequential steps and contexts measured on dependency graphs.
specTopic(pixelcnnTopic);

// unit tests of the big-O measurement engine (src/pixelcnn/bigo.ts), kept here to save a worker start
const V = ['d', 'k', 'H', 'W'];
const at = { d: 2, k: 3, H: 5, W: 7 };

describe('big-O answers checked by measurement (src/pixelcnn/bigo.ts)', () => {
  test('spellings: implicit products, powers, LaTeX, O/Θ wrappers', () => {
    for (const s of ['O(d k^2 H W)', 'O(dk^2HW)', '\\mathcal{O}(d\\cdot k^{2}\\cdot H \\times W)', 'Θ(d*k^2*H*W)', '$O(d k^2 h w)$', 'd k k H W']) {
      expect(parseExpr(s, V)(at), s).toBe(2 * 9 * 5 * 7);
    }
    expect(parseExpr('O(H + W + d)', V)(at)).toBe(14);
    expect(parseExpr('d(H+W) - 2/1', V)(at)).toBe(22);
    expect(parseExpr('2^k', V)(at)).toBe(8);
    expect(parseExpr('0.5 d', V)(at)).toBe(1);
    expect(stripBigO('  O( x )')).toBe('x');
  });
  test('syntax errors name the problem', () => {
    expect(() => parseExpr('O(d + )', V)).toThrow(BigOSyntaxError);
    expect(() => parseExpr('O(n^2)', V)).toThrow(/unknown variable "n"/);
    expect(() => parseExpr('(d', V)).toThrow(/unbalanced parentheses/);
    expect(() => parseExpr('d)(', V)).toThrow(/unexpected "\)"/);
    expect(() => parseExpr('d)', V)).toThrow(/unbalanced/);
  });
  test('Θ check: tight answers pass, a missing factor fails and is located', () => {
    const count = (v: Record<string, number>) => v.d * (v.k * v.k - 1) * v.H * v.W;
    const sweep = { d: [1, 4, 16], k: [3, 9, 17], H: [20, 80], W: [20, 80] };
    const ok = thetaCheck(parseExpr('d k^2 H W', V), count, sweep);
    expect(ok.tight).toBe(true);
    expect(ok.points).toBe(36);
    const bad = thetaCheck(parseExpr('d k H W', V), count, sweep);
    expect(bad.tight).toBe(false);
    expect(bad.worstVar).toBe('k');
    expect(bad.slopes.k[1]).toBeCloseTo(1, 10);
    const zero = thetaCheck(parseExpr('d', V), () => 0, { d: [1, 2] });
    expect(zero.tight).toBe(false);
  });
});

// P4.1(b): O(d) is the forward (likelihood) pass; sampling is sequential in the pixels
test('the steps answer tells the likelihood pass, O(d), from sampling, O(d·H·W)', () => {
  const answer = pixelcnnTopic.claims.find((c) => c.id === 'pixelcnn.steps')!.answer;
  expect(answer).toContain('forward (likelihood) pass');
  expect(answer).toContain('O(d\\cdot H\\cdot W)');
});
