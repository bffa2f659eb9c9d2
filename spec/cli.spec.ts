/** The dlspec command line: listing claims and checking an implementation in-process. */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { main } from '../src/cli.ts';
import { topicById, topics } from '../src/registry.ts';
import { cleanup, knownWrongSubmission } from '../src/grading/fixtures.ts';

describe('dlspec CLI', () => {
  afterEach(() => vi.restoreAllMocks());
  const capture = () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    return out;
  };
  test('list prints every claim with course, problem and points', async () => {
    const out = capture();
    expect(await main(['list'])).toBe(0);
    expect(out.join('\n')).toMatch(/rnn\.grads\.fd +CIE6032 HW2 P1 +8 pt/);
  });
  test('check grades a known-wrong module, naming the mistake, and exits 1', async () => {
    const out = capture();
    // the fixture reuses the reference submission's helpers: graded as a student hands it in, a folder with both
    const dir = await knownWrongSubmission(topicById('rnn').knownWrong.find((w) => w.mistake === 'whh-uses-h_t')!);
    expect(await main(['check', '--topic', 'rnn', '--submission', dir, '--seed', 'alice'])).toBe(1);
    cleanup(dir);
    const text = out.join('\n');
    expect(text).toMatch(/PASS rnn\.forward 2\/2/);
    expect(text).toMatch(/FAIL rnn\.grads\.fd 0\/8/);
    expect(text).toContain('∂L/∂W_hh uses h_t instead of h_{t−1}');
    expect(text).toMatch(/^10\/20 points$/m);
  });
  test('help and unknown commands', async () => {
    capture();
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    expect(await main(['help'])).toBe(0);
    expect(await main([])).toBe(0);
    expect(await main(['frobnicate'])).toBe(2);
    expect(err).toEqual(['dlspec: unknown command "frobnicate"; expected one of list, check, grade, key, grade-all, gradescope-bundle, contract, student-kit, help']);
  });
  test('the registry finds topics by id and names the known ones otherwise', () => {
    expect(topicById('rnn').claims.length).toBeGreaterThan(0);
    expect(() => topicById('nope')).toThrow(new RegExp(`unknown topic "nope"; known: ${topics.map((t) => t.id).join(', ')}`));
  });
});
