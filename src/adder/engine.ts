/**
 * The adder's evaluation engine: it runs a student's weights, never the key's.
 *
 * With hard thresholds every hidden unit is 0 or 1, so the network is a finite-state machine with
 * at most 2³ = 8 states.  `transitionTable` evaluates the network itself (float64, the student's
 * weights) once for each of the 8 states × 4 input pairs; the exhaustive check then runs all 2^20
 * pairs of 10-bit numbers in parallel over typed arrays (one lane per pair, a table lookup per bit).
 * `runNetwork` evaluates the network directly (no table) on BigInt operands of any length — the two
 * engines cross-check each other.  `provedAllLengths` is a product-automaton search: the network's
 * reachable states × the true carry; if every reachable (state, carry, input) gives the right sum bit,
 * the weights are correct for every length (a finite proof, not a sample).
 */
import { fail } from '../claims/types.ts';
import { field, readNumber, readTensor } from '../verify/read.ts';

export interface Net {
  Wxh: number[][];
  Whh: number[][];
  Why: number[];
  bh: number[];
  by: number;
  ge: boolean;
}

/** Read and validate a weights object (shapes, finite numbers, threshold). */
export function readWeights(w: unknown, where = 'adderWeights'): Net {
  const Wxh = readTensor(field(w, 'Wxh', where), `${where}.Wxh`, [3, 2]);
  const Whh = readTensor(field(w, 'Whh', where), `${where}.Whh`, [3, 3]);
  const whyRaw = field(w, 'Why', where);
  const Why = readTensor(Array.isArray(whyRaw) && Array.isArray(whyRaw[0]) ? whyRaw[0] : whyRaw, `${where}.Why`, [3]);
  const bh = readTensor(field(w, 'bh', where), `${where}.bh`, [3]);
  const byRaw = field(w, 'by', where);
  const by = readNumber(Array.isArray(byRaw) && byRaw.length === 1 ? byRaw[0] : byRaw, `${where}.by`);
  const th = (w as Record<string, unknown>).threshold ?? '>=';
  if (th !== '>=' && th !== '>') fail(`${where}.threshold must be '>=' or '>', got ${JSON.stringify(th)}`);
  const rows = (d: Float64Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(d.subarray(i * c, i * c + c)));
  return { Wxh: rows(Wxh.data, 3, 2), Whh: rows(Whh.data, 3, 3), Why: Array.from(Why.data), bh: Array.from(bh.data), by, ge: th === '>=' };
}

const phi = (z: number, ge: boolean): number => (ge ? (z >= 0 ? 1 : 0) : z > 0 ? 1 : 0);

/** One step of the network, directly: returns the new hidden state and the output, and whether any pre-activation was exactly 0. */
export function step(n: Net, h: number[], x1: number, x2: number): { h: number[]; y: number; tie: boolean } {
  let tie = false;
  const hn = [0, 1, 2].map((j) => {
    const z = n.Wxh[j][0] * x1 + n.Wxh[j][1] * x2 + n.Whh[j][0] * h[0] + n.Whh[j][1] * h[1] + n.Whh[j][2] * h[2] + n.bh[j];
    if (z === 0) tie = true;
    return phi(z, n.ge);
  });
  const zy = n.Why[0] * hn[0] + n.Why[1] * hn[1] + n.Why[2] * hn[2] + n.by;
  if (zy === 0) tie = true;
  return { h: hn, y: phi(zy, n.ge), tie };
}

const bitsOf = (s: number): number[] => [s & 1, (s >> 1) & 1, (s >> 2) & 1];
const stateOf = (h: number[]): number => h[0] | (h[1] << 1) | (h[2] << 2);

export interface Table {
  /** next[s·4 + x] = next state, x = x1 + 2·x2 */
  next: Uint8Array;
  /** out[s·4 + x] = output bit */
  out: Uint8Array;
  /** tie[s·4 + x] = 1 when a pre-activation is exactly 0 there */
  tie: Uint8Array;
}

export function transitionTable(n: Net): Table {
  const next = new Uint8Array(32),
    out = new Uint8Array(32),
    tie = new Uint8Array(32);
  for (let s = 0; s < 8; s++) {
    for (let x = 0; x < 4; x++) {
      const r = step(n, bitsOf(s), x & 1, x >> 1);
      next[s * 4 + x] = stateOf(r.h);
      out[s * 4 + x] = r.y;
      tie[s * 4 + x] = r.tie ? 1 : 0;
    }
  }
  return { next, out, tie };
}

/** The situation at a bit: the two input bits, the true carry in, and how far that carry has travelled. */
export interface Situation {
  x1: number;
  x2: number;
  carryIn: number;
  /** positions the incoming carry has passed through, counting its generating 1+1 (0 when no carry) */
  chain: number;
}

export function situation(a: bigint | number, b: bigint | number, t: number): Situation {
  const bit = typeof a === 'number' && typeof b === 'number' ? (v: bigint | number, i: number) => ((v as number) >>> i) & 1 : (v: bigint | number, i: number) => Number((BigInt(v) >> BigInt(i)) & 1n);
  let carry = 0,
    chain = 0;
  for (let i = 0; i < t; i++) {
    const s = bit(a, i) + bit(b, i) + carry;
    const cout = s >= 2 ? 1 : 0;
    chain = cout ? (carry ? chain + 1 : 1) : 0;
    carry = cout;
  }
  return { x1: bit(a, t), x2: bit(b, t), carryIn: carry, chain };
}

export interface Failure {
  a: bigint;
  b: bigint;
  /** first wrong output position (0-based bit index) */
  t: number;
  expected: number[];
  got: number[];
  tie: boolean;
}

export interface ExhaustiveReport {
  pairs: number;
  wrong: number;
  /** smallest counterexample (by a + b, then a) */
  first?: Failure;
  /** count of wrong pairs by the situation at their first wrong bit */
  bySituation: Record<string, number>;
  situations: Situation[];
  tiesUsed: number;
  ms: number;
}

export const situationKey = (s: Situation): string => `${s.x1}+${s.x2}${s.carryIn ? '+carry' : ''}${s.carryIn && s.chain >= 2 ? ` (carry chain ${s.chain >= 3 ? '≥3' : '2'})` : ''}`;

/** All 2^(2·bits) pairs of `bits`-bit numbers, bits + 1 time steps each, one lane per pair. */
export function exhaustive(n: Net, bits = 10): ExhaustiveReport {
  const t0 = performance.now();
  const tab = transitionTable(n);
  const N = 1 << (2 * bits);
  const mask = (1 << bits) - 1;
  const state = new Uint8Array(N);
  const firstWrong = new Int8Array(N).fill(-1);
  const usedTie = new Uint8Array(N);
  for (let t = 0; t <= bits; t++) {
    for (let lane = 0; lane < N; lane++) {
      const a = lane & mask,
        b = lane >>> bits;
      const k = state[lane] * 4 + ((a >>> t) & 1) + 2 * ((b >>> t) & 1);
      state[lane] = tab.next[k];
      usedTie[lane] |= tab.tie[k];
      if (tab.out[k] !== (((a + b) >>> t) & 1) && firstWrong[lane] < 0) firstWrong[lane] = t;
    }
  }
  let wrong = 0,
    tiesUsed = 0;
  let best = -1;
  // situation code at the first wrong bit: x1 + 2·x2 + 4·carryIn + 8·min(chain, 3)
  const counts = new Int32Array(32);
  for (let lane = 0; lane < N; lane++) {
    if (usedTie[lane]) tiesUsed++;
    const t = firstWrong[lane];
    if (t < 0) continue;
    wrong++;
    const a = lane & mask,
      b = lane >>> bits;
    if (best < 0 || a + b < (best & mask) + (best >>> bits) || (a + b === (best & mask) + (best >>> bits) && a < (best & mask))) best = lane;
    let carry = 0,
      chain = 0;
    for (let i = 0; i < t; i++) {
      const cout = ((a >>> i) & 1) + ((b >>> i) & 1) + carry >= 2 ? 1 : 0;
      chain = cout ? (carry ? chain + 1 : 1) : 0;
      carry = cout;
    }
    counts[((a >>> t) & 1) + 2 * ((b >>> t) & 1) + 4 * carry + 8 * Math.min(chain, 3)]++;
  }
  const bySituation: Record<string, number> = {};
  const situations: Situation[] = [];
  counts.forEach((c, code) => {
    if (!c) return;
    const s: Situation = { x1: code & 1, x2: (code >> 1) & 1, carryIn: (code >> 2) & 1, chain: code >> 3 };
    bySituation[situationKey(s)] = (bySituation[situationKey(s)] ?? 0) + c;
    situations.push(s);
  });
  const first = best < 0 ? undefined : describeFailure(n, BigInt(best & mask), BigInt(best >>> bits), bits + 1);
  return { pairs: N, wrong, first, bySituation, situations, tiesUsed, ms: performance.now() - t0 };
}

/** Run the network directly (float64, no table) for `steps` bits of a and b. */
/** bits of a non-negative BigInt, least significant first, padded to `steps` */
export function lsbBits(v: bigint, steps: number): Uint8Array {
  const s = v.toString(2);
  const out = new Uint8Array(steps);
  for (let i = 0; i < steps && i < s.length; i++) out[i] = s.charCodeAt(s.length - 1 - i) - 48;
  return out;
}

export function runNetwork(n: Net, a: bigint, b: bigint, steps: number): { y: number[]; tie: boolean } {
  let h = [0, 0, 0];
  let tie = false;
  const y: number[] = [];
  const A = lsbBits(a, steps),
    B = lsbBits(b, steps);
  for (let t = 0; t < steps; t++) {
    const r = step(n, h, A[t], B[t]);
    h = r.h;
    tie ||= r.tie;
    y.push(r.y);
  }
  return { y, tie };
}

/** the longest carry chain in a + b (positions a carry passes through, counting its generating 1+1) */
export function longestChain(a: bigint, b: bigint, steps: number): number {
  let carry = 0,
    chain = 0,
    best = 0;
  const A = lsbBits(a, steps),
    B = lsbBits(b, steps);
  for (let i = 0; i < steps; i++) {
    const s = A[i] + B[i] + carry;
    const cout = s >= 2 ? 1 : 0;
    chain = cout ? (carry ? chain + 1 : 1) : 0;
    carry = cout;
    if (chain > best) best = chain;
  }
  return best;
}

export const sumBits = (a: bigint, b: bigint, steps: number): number[] => Array.from(lsbBits(a + b, steps));

export function describeFailure(n: Net, a: bigint, b: bigint, steps: number): Failure | undefined {
  const r = runNetwork(n, a, b, steps);
  const want = sumBits(a, b, steps);
  const t = want.findIndex((v, i) => v !== r.y[i]);
  return t < 0 ? undefined : { a, b, t, expected: want, got: r.y, tie: r.tie };
}

/** Product-automaton proof: every reachable (network state, true carry) pair and every input gives the right bit. */
export function provedAllLengths(n: Net): { proved: boolean; reachable: number; networkStates: number; counterexample?: string } {
  const tab = transitionTable(n);
  const seen = new Set<number>([0]);
  const queue: { s: number; c: number; path: string }[] = [{ s: 0, c: 0, path: '' }];
  const states = new Set<number>([0]);
  while (queue.length) {
    const { s, c, path } = queue.shift()!;
    for (let x = 0; x < 4; x++) {
      const x1 = x & 1,
        x2 = x >> 1;
      const sum = x1 + x2 + c;
      const k = s * 4 + x;
      const p = `${path}${x1}${x2} `;
      if (tab.out[k] !== (sum & 1)) return { proved: false, reachable: seen.size, networkStates: states.size, counterexample: p.trim() };
      const ns = tab.next[k],
        nc = sum >> 1;
      states.add(ns);
      if (!seen.has(ns * 2 + nc)) {
        seen.add(ns * 2 + nc);
        queue.push({ s: ns, c: nc, path: p });
      }
    }
  }
  return { proved: true, reachable: seen.size, networkStates: states.size };
}
