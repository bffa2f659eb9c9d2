/**
 * The binary adder's claims (CSE891 HW3 P1, 2.5 points): the hand-designed weights add correctly —
 * exhaustively on every pair of numbers of up to 10 bits, then on random and adversarial 64-bit pairs
 * with a product-automaton proof that covers every length.
 */
import type { Claim } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { makeRng } from '../verify/rng.ts';
import type { AdderContract } from './contract.ts';
import { describeFailure, exhaustive, longestChain, provedAllLengths, readWeights, runNetwork, situation, situationKey, sumBits, type Failure, type Net, type Situation } from './engine.ts';
import { nameMistake, recognised } from '../verify/failure.ts';
import { recogniseAdder } from './misconceptions.ts';

const bitList = (v: number[], n: number): string => v.slice(0, n).join(',');
const bitsLsb = (v: bigint, n: number): string => Array.from({ length: n }, (_, t) => Number((v >> BigInt(t)) & 1n)).join(',');

function showFailure(f: Failure): string {
  const n = Math.min(f.expected.length, Math.max(f.t + 2, (f.a + f.b).toString(2).length + 1));
  const s = situation(f.a, f.b, f.t);
  return (
    `smallest counterexample: a = ${f.a} + b = ${f.b} = ${f.a + f.b}; inputs (least significant bit first) x1 = ${bitsLsb(f.a, n)}, x2 = ${bitsLsb(f.b, n)}; ` +
    `expected y = ${bitList(f.expected, n)}, got y = ${bitList(f.got, n)}; first wrong output at t = ${f.t + 1}, where the network sees ${situationKey(s)}`
  );
}

export const adderClaims: Claim<AdderContract>[] = [
  {
    id: 'adder.exhaustive',
    course: 'CSE891',
    hw: 'HW3',
    problem: 1,
    points: 1.5,
    statement: 'the hand-designed weights add every pair of numbers of up to 10 bits (all 2^20 pairs, 11 time steps each, exhaustively)',
    answer:
      'Hidden unit $j$ counts the ones among $x_1^{(t)}, x_2^{(t)}$ and the carry $c^{(t-1)} = h_2^{(t-1)}$: ' +
      '$h_1=[s\\ge 1]$, $h_2=[s\\ge 2]$ (the carry out), $h_3=[s\\ge 3]$ with $s=x_1+x_2+h_2^{(t-1)}$; the sum bit is odd$(s)=[h_1-h_2+h_3\\ge \\tfrac12]$.\n\n' +
      '$$W_{xh}=\\begin{pmatrix}1&1\\\\1&1\\\\1&1\\end{pmatrix},\\quad W_{hh}=\\begin{pmatrix}0&1&0\\\\0&1&0\\\\0&1&0\\end{pmatrix},\\quad ' +
      'b_h=\\begin{pmatrix}-0.5\\\\-1.5\\\\-2.5\\end{pmatrix},\\quad W_{hy}=\\begin{pmatrix}1&-1&1\\end{pmatrix},\\quad b_y=-0.5.$$\n\n' +
      'with $h^{(t)}=\\phi(W_{xh}x^{(t)}+W_{hh}h^{(t-1)}+b_h)$, $y^{(t)}=\\phi(W_{hy}h^{(t)}+b_y)$, $h^{(0)}=0$. The biases sit half-way between integers, ' +
      'so no unit is ever exactly at its threshold and either convention $\\phi(0)=1$ or $0$ works.',
    uses: ['adderWeights'],
    check(impl) {
      const n = readWeights(impl.adderWeights);
      const r = exhaustive(n, 10);
      if (r.wrong) {
        const tie = r.first?.tie ?? false;
        const m = nameMistake(() => recogniseAdder(r.situations, tie));
        fail(
          [
            `The adder is wrong on ${r.wrong.toLocaleString('en')} of ${r.pairs.toLocaleString('en')} pairs of 10-bit numbers (threshold φ(z) = 1 iff z ${n.ge ? '≥' : '>'} 0).`,
            `  ${r.first ? showFailure(r.first) : ''}`,
            `  wrong pairs by the situation at their first wrong bit: ${Object.entries(r.bySituation)
              .map(([k, v]) => `${k}: ${v}`)
              .join('; ')}`,
            ...(m ? [`  ${recognised(m)}.`] : []),
          ].join('\n'),
          { wrong: r.wrong, pairs: r.pairs, bySituation: r.bySituation },
        );
      }
      return { pairs: r.pairs, wrong: 0, timeSteps: 11, pairsTouchingAThresholdTie: r.tiesUsed, ms: Math.round(r.ms) };
    },
  },
  {
    id: 'adder.long',
    course: 'CSE891',
    hw: 'HW3',
    problem: 1,
    points: 1,
    statement: 'the same weights add random 64-bit pairs and every carry chain up to 64 bits (BigInt, 65 steps), and a product-automaton search proves them right for every length',
    answer:
      'Nothing in the weights depends on the length: the same step is applied at every bit, and the only thing carried between steps is the carry $h_2$. ' +
      'With hard thresholds the network is a finite-state machine (at most $2^3$ states); pairing its reachable states with the true carry and checking every input ' +
      'at each reachable pair proves the sum bit right for sequences of every length.',
    uses: ['adderWeights'],
    check(impl, ctx) {
      const n: Net = readWeights(impl.adderWeights);
      const rng = makeRng(ctx.seed);
      const rand64 = (): bigint => (BigInt(rng.int(0, 2 ** 32 - 1)) << 32n) | BigInt(rng.int(0, 2 ** 32 - 1));
      const pairs: [bigint, bigint][] = [];
      for (let k = 0; k < ctx.runs(1000); k++) pairs.push([rand64(), rand64()]);
      for (let L = 1; L <= 64; L++) {
        const ones = (1n << BigInt(L)) - 1n;
        pairs.push([ones, 1n], [1n, ones], [ones, ones], [ones - 1n, 1n + (1n << BigInt(L))]);
      }
      const alt = 0x5555555555555555n;
      pairs.push([alt, alt << 1n], [alt, alt], [(1n << 64n) - 1n, (1n << 64n) - 1n]);
      let wrong = 0;
      let first: Failure | undefined;
      const sits = new Map<string, Situation>();
      let maxChain = 0;
      for (const [a, b] of pairs) {
        const r = runNetwork(n, a, b, 65);
        const want = sumBits(a, b, 65);
        maxChain = Math.max(maxChain, longestChain(a, b, 65));
        const t = want.findIndex((v, i) => v !== r.y[i]);
        if (t < 0) continue;
        wrong++;
        const s = situation(a, b, t);
        sits.set(situationKey(s), s);
        if (!first || a + b < first.a + first.b) first = describeFailure(n, a, b, 65)!;
      }
      const proof = provedAllLengths(n);
      if (wrong || !proof.proved) {
        const m = nameMistake(() => recogniseAdder([...sits.values()], first?.tie ?? false));
        fail(
          [
            `The adder is wrong on long inputs: ${wrong} of ${pairs.length} 64-bit pairs (random, and carry chains of every length 1–64) give a wrong sum.`,
            ...(first ? [`  ${showFailure(first)}`] : []),
            ...(proof.proved ? [] : [`  a shortest input (x1 x2 per step, least significant first) on which the state machine of your network outputs a wrong bit: ${proof.counterexample}`]),
            ...(m ? [`  ${recognised(m)}.`] : []),
          ].join('\n'),
          { wrong, pairs: pairs.length },
        );
      }
      return {
        pairs: pairs.length,
        wrong: 0,
        timeSteps: 65,
        longestCarryChainTested: maxChain,
        provedAllLengths: proof.proved,
        reachableStateCarryPairs: proof.reachable,
        networkStates: proof.networkStates,
      };
    },
  },
];
