/**
 * The adder's evaluation engine against an independent brute force (mutation testing showed the
 * failure report — the smallest counterexample, the per-situation counts, the situation names, the
 * all-lengths proof — was checked only through the messages of a few fixtures).
 *
 * Brute force: every pair of `bits`-bit numbers ordered by (a + b, a), each run through `runNetwork`
 * (the network itself, no table), the carry chain recounted bit by bit here.
 */
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { ADDER_WEIGHTS, describeFailure, exhaustive, longestChain, lsbBits, provedAllLengths, readWeights, runNetwork, situation, situationKey, sumBits, type Net } from '../src/adder/reference.ts';
import { loadModule } from '../src/grading/subject.ts';

const WRONG = path.resolve('fixtures/wrong/adder');

function brute(n: Net, bits: number) {
  const pairs: [number, number][] = [];
  for (let a = 0; a < 1 << bits; a++) for (let b = 0; b < 1 << bits; b++) pairs.push([a, b]);
  pairs.sort((p, q) => p[0] + p[1] - (q[0] + q[1]) || p[0] - q[0]);
  let wrong = 0,
    ties = 0;
  let first: [number, number, number] | undefined;
  const by: Record<string, number> = {};
  for (const [a, b] of pairs) {
    const r = runNetwork(n, BigInt(a), BigInt(b), bits + 1);
    if (r.tie) ties++;
    const want = Array.from({ length: bits + 1 }, (_, t) => ((a + b) >> t) & 1);
    const t = want.findIndex((v, i) => v !== r.y[i]);
    if (t < 0) continue;
    wrong++;
    first ??= [a, b, t];
    // the situation at bit t, recounted: true carry in and how far it has travelled
    let carry = 0,
      chain = 0;
    for (let i = 0; i < t; i++) {
      const cout = ((a >> i) & 1) + ((b >> i) & 1) + carry >= 2 ? 1 : 0;
      chain = cout ? (carry ? chain + 1 : 1) : 0;
      carry = cout;
    }
    const s = { x1: (a >> t) & 1, x2: (b >> t) & 1, carryIn: carry, chain: Math.min(chain, 3) };
    expect(situation(a, b, t)).toEqual({ ...s, chain });
    expect(situation(BigInt(a), BigInt(b), t)).toEqual({ ...s, chain });
    by[situationKey(s)] = (by[situationKey(s)] ?? 0) + 1;
  }
  return { pairs: pairs.length, wrong, ties, first, by };
}

const nets: Record<string, Net> = {};
const load = async (): Promise<void> => {
  nets.reference = readWeights(ADDER_WEIGHTS);
  for (const f of readdirSync(WRONG).filter((x) => x.endsWith('.ts'))) {
    const w = ((await loadModule(path.join(WRONG, f))) as { adderWeights?: unknown }).adderWeights;
    try {
      nets[f] = readWeights(w);
    } catch {
      /* a wrong-shape fixture: rejected by readWeights, checked in the topic's spec */
    }
  }
};

describe('adder engine = brute force', () => {
  test('exhaustive(): pair count, wrong count, ties, smallest counterexample and per-situation counts equal a brute force over 6-bit pairs, for the reference and every known-wrong net', async () => {
    await load();
    expect(Object.keys(nets).length).toBeGreaterThanOrEqual(4);
    for (const [name, n] of Object.entries(nets)) {
      const bits = 6;
      const e = exhaustive(n, bits),
        b = brute(n, bits);
      expect([e.pairs, e.wrong, e.tiesUsed], name).toEqual([b.pairs, b.wrong, b.ties]);
      expect(e.bySituation, name).toEqual(b.by);
      expect(e.situations.map(situationKey).sort(), name).toEqual(Object.keys(b.by).sort());
      if (!b.first) {
        expect(e.first, name).toBeUndefined();
        expect(provedAllLengths(n).proved, name).toBe(name === 'reference');
        continue;
      }
      expect([Number(e.first!.a), Number(e.first!.b), e.first!.t], name).toEqual(b.first);
      const [a, bb] = b.first;
      const direct = runNetwork(n, BigInt(a), BigInt(bb), bits + 1);
      expect(e.first!.got, name).toEqual(direct.y);
      expect(e.first!.expected, name).toEqual(sumBits(BigInt(a), BigInt(bb), bits + 1));
      expect(e.first!.tie, name).toBe(direct.tie);
      // a wrong net is never "proved"; its counterexample path is a real failing input
      const p = provedAllLengths(n);
      expect(p.proved, name).toBe(false);
      const steps = p.counterexample!.split(' ');
      let A = 0n,
        B = 0n;
      steps.forEach((xy, i) => {
        A |= BigInt(Number(xy[0])) << BigInt(i);
        B |= BigInt(Number(xy[1])) << BigInt(i);
      });
      expect(describeFailure(n, A, B, steps.length), `${name}: counterexample ${p.counterexample}`).toBeDefined();
      expect(describeFailure(n, A, B, steps.length)!.t, name).toBe(steps.length - 1); // it fails at its last step, not before
    }
  });

  test('the proof of the reference covers its reachable states; situation names and chains are exact', () => {
    const p = provedAllLengths(readWeights(ADDER_WEIGHTS));
    // x1 + x2 + c ∈ {0,1,2,3} → the thermometer states 000, 100, 110, 111; the true carry is h2, so 4 pairs
    expect(p).toEqual({ proved: true, reachable: 4, networkStates: 4 });
    expect(situationKey({ x1: 1, x2: 0, carryIn: 0, chain: 0 })).toBe('1+0');
    expect(situationKey({ x1: 1, x2: 1, carryIn: 1, chain: 1 })).toBe('1+1+carry');
    expect(situationKey({ x1: 0, x2: 1, carryIn: 1, chain: 2 })).toBe('0+1+carry (carry chain 2)');
    expect(situationKey({ x1: 1, x2: 0, carryIn: 1, chain: 5 })).toBe('1+0+carry (carry chain ≥3)');
    // 0b0111 + 0b0001: the carry born at bit 0 runs through bits 1 and 2
    expect(longestChain(7n, 1n, 5)).toBe(3);
    expect(longestChain(5n, 2n, 4)).toBe(0);
    expect(Array.from(lsbBits(6n, 4))).toEqual([0, 1, 1, 0]);
    expect(Array.from(lsbBits(6n, 2))).toEqual([0, 1]);
    expect(sumBits(3n, 1n, 3)).toEqual([0, 0, 1]);
    expect(describeFailure(readWeights(ADDER_WEIGHTS), 123456789n, 987654321n, 32)).toBeUndefined();
  });
});

describe('adder network simulation = an independent one', () => {
  test('step, transitionTable and runNetwork agree with a matrix-form simulation for random integer nets, both thresholds (every hidden column and the > threshold exercised, unlike the reference weights)', async () => {
    const { step, transitionTable } = await import('../src/adder/reference.ts');
    let s = 12345;
    const ri = (lo: number, hi: number) => lo + ((s = (s * 48271) % 2147483647) % (hi - lo + 1));
    const sim = (n: Net, h: number[], x: number[]) => {
      const th = (z: number) => ((n.ge ? z >= 0 : z > 0) ? 1 : 0);
      const zh = n.Wxh.map((row, j) => row[0] * x[0] + row[1] * x[1] + n.Whh[j].reduce((acc, w, k) => acc + w * h[k], 0) + n.bh[j]);
      const hn = zh.map(th);
      const zy = n.Why.reduce((acc, w, k) => acc + w * hn[k], 0) + n.by;
      return { h: hn, y: th(zy), tie: zh.includes(0) || zy === 0 };
    };
    let ties = 0,
      gtNets = 0;
    for (let k = 0; k < 60; k++) {
      const n: Net = {
        Wxh: [0, 1, 2].map(() => [ri(-2, 2), ri(-2, 2)]),
        Whh: [0, 1, 2].map(() => [ri(-2, 2), ri(-2, 2), ri(-2, 2)]),
        Why: [ri(-2, 2), ri(-2, 2), ri(-2, 2)],
        bh: [ri(-3, 2), ri(-3, 2), ri(-3, 2)],
        by: ri(-3, 2),
        ge: k % 2 === 0,
      };
      if (!n.ge) gtNets++;
      const table = transitionTable(n);
      for (let st = 0; st < 8; st++) {
        for (let x = 0; x < 4; x++) {
          const h = [st & 1, (st >> 1) & 1, (st >> 2) & 1],
            xs = [x & 1, x >> 1];
          const want = sim(n, h, xs);
          if (want.tie) ties++;
          expect(step(n, h, xs[0], xs[1])).toEqual(want);
          expect([table.next[st * 4 + x], table.out[st * 4 + x], table.tie[st * 4 + x]]).toEqual([want.h[0] | (want.h[1] << 1) | (want.h[2] << 2), want.y, want.tie ? 1 : 0]);
        }
      }
      const a = BigInt(ri(0, 1023)),
        b = BigInt(ri(0, 1023));
      let h = [0, 0, 0],
        tie = false;
      const y: number[] = [];
      for (let t = 0; t < 11; t++) {
        const r = sim(n, h, [Number((a >> BigInt(t)) & 1n), Number((b >> BigInt(t)) & 1n)]);
        h = r.h;
        tie ||= r.tie;
        y.push(r.y);
      }
      expect(runNetwork(n, a, b, 11)).toEqual({ y, tie });
    }
    expect(ties).toBeGreaterThan(0); // threshold ties were exercised
    expect(gtNets).toBe(30);
  });
});
