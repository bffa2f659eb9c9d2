/**
 * G_t claims (CIE6032 HW2 P2 = ELEG5491 HW2 P2, 20 points): the expression (part 1) and the two
 * reasons an RNN overcomes the difficulties of modelling G_t directly (part 2), measured.
 */
import type { Claim, ProblemRef } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { compareTensor, formatComparison } from '../verify/compare.ts';
import { fc, forAll } from '../verify/property.ts';
import { readTensor } from '../verify/read.ts';
import { makeRng } from '../verify/rng.ts';
import { describe as describeValue, toTensor } from '../verify/tensor.ts';
import { ADDER_WEIGHTS } from '../adder/reference.ts';
import { readWeights } from '../adder/engine.ts';
import { portable } from '../verify/portable.ts';
import type { Cell, GtContract, GtModel } from './contract.ts';
import { builtParamCount, expression, randomCell, unrolled } from './reference.ts';
import { recogniseCount, recogniseExpression, recogniseFold } from './misconceptions.ts';
import { nameMistake, recognised } from '../verify/failure.ts';

/** Lower-case, without spaces, LaTeX decorations, subscript marks or θ: "F_\theta(\mathbf h_0, x_1)" → "f(h0,x1)". */
export function normaliseExpr(s: string): string {
  return s
    .replace(/\\(left|right|mathbf|boldsymbol|bm|mathrm)/g, '')
    .replace(/\\theta|θ/g, '')
    .replace(/[{}_$\s]/g, '')
    .replace(/\\[,;!]/g, '')
    .toLowerCase();
}

interface FoldSpec {
  kind: 'tanh' | 'gated';
  D: number;
  H: number;
  T: number;
  seed: number;
}
const foldArb: fc.Arbitrary<FoldSpec> = fc.record({
  kind: fc.constantFrom<'tanh' | 'gated'>('tanh', 'gated'),
  D: fc.integer({ min: 1, max: 5 }),
  H: fc.integer({ min: 1, max: 6 }),
  T: fc.integer({ min: 1, max: 50 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

/** Parameter-count misconceptions for gt.sharing, recognised from the wrong count. */
const refs = { course: 'CIE6032', hw: 'HW2', problem: 2 } as const;
const also = (part: string, points: number): ProblemRef[] => [{ course: 'ELEG5491', hw: 'HW2', problem: 2, part, points }];

/** The binary adder's cell F_θ (weights from the adder problem): state (h1, h2, h3), input (a_t, b_t). */
export function adderCell(): { F: Cell; out: (h: number[]) => number } {
  const n = readWeights(ADDER_WEIGHTS);
  // portable (src/verify/portable.ts): the same step as adderStep, run inside the sandbox under strict isolation
  const F = portable<Cell>(
    `(n, h, x) => [0, 1, 2].map((j) => {
      const z = n.Wxh[j][0] * x[0] + n.Wxh[j][1] * x[1] + n.Whh[j][0] * h[0] + n.Whh[j][1] * h[1] + n.Whh[j][2] * h[2] + n.bh[j];
      return (n.ge ? z >= 0 : z > 0) ? 1 : 0;
    })`,
    { Wxh: n.Wxh, Whh: n.Whh, bh: n.bh, ge: n.ge },
    `
def portable(n, h, x):
    def z(j):
        return n["Wxh"][j][0] * x[0] + n["Wxh"][j][1] * x[1] + n["Whh"][j][0] * h[0] + n["Whh"][j][1] * h[1] + n["Whh"][j][2] * h[2] + n["bh"][j]
    return [1 if (z(j) >= 0 if n["ge"] else z(j) > 0) else 0 for j in range(3)]
`,
  );
  return { F, out: (h) => (n.Why[0] * h[0] + n.Why[1] * h[1] + n.Why[2] * h[2] + n.by >= 0 ? 1 : 0) };
}

/** t = 1…32, 1000, and a seeded sample of 33…999: `n` values of t in 1…1000, sorted */
export function sampleTs(n: number, seed: number): number[] {
  const ts = new Set<number>([...Array.from({ length: 32 }, (_, i) => i + 1), 1000]);
  const rng = makeRng(`gt.sharing:${seed}`);
  while (ts.size < Math.min(n, 1000)) ts.add(33 + Math.floor(rng.uniform(0, 967)));
  return [...ts].sort((a, b) => a - b);
}

export const gtClaims: Claim<GtContract>[] = [
  {
    id: 'gt.expression',
    ...refs,
    part: '1',
    points: 4,
    alsoIn: also('1', 4),
    statement: 'the explicit expression of G_t is F_θ nested t times, innermost F_θ(h_0, x_1), outermost x_t (checked for t = 1–6)',
    answer:
      '$$G_t(\\mathbf x_t,\\dots,\\mathbf x_1)=F_\\theta\\big(F_\\theta(\\cdots F_\\theta(F_\\theta(\\mathbf h_0,\\mathbf x_1),\\mathbf x_2)\\cdots,\\mathbf x_{t-1}),\\mathbf x_t\\big),$$ ' +
      'e.g. $G_3=F_\\theta(F_\\theta(F_\\theta(\\mathbf h_0,\\mathbf x_1),\\mathbf x_2),\\mathbf x_3)$; recursively $G_t=F_\\theta(G_{t-1}(\\mathbf x_{t-1},\\dots,\\mathbf x_1),\\mathbf x_t)$ with $G_0=\\mathbf h_0$ ' +
      '(a left fold of $F_\\theta$ over the sequence).',
    uses: ['gtExpression'],
    check(impl) {
      const shown: Record<string, string> = {};
      for (let t = 1; t <= 6; t++) {
        const got = impl.gtExpression(t);
        if (typeof got !== 'string') fail(`gtExpression(${t}) should return a string, got ${describeValue(got)}`);
        const want = expression(t);
        if (normaliseExpr(got) !== normaliseExpr(want)) {
          const m = nameMistake(() => recogniseExpression(t, got, normaliseExpr));
          fail([`gtExpression(${t}) is wrong: got "${got}", expected "${want}" (compared without spaces, subscripts, θ or LaTeX markup).`, ...(m ? [`  ${recognised(m)}.`] : [])].join('\n'));
        }
        shown[`G${t}`] = got;
      }
      return { checked: 6, G3: expression(3), ...shown };
    },
  },
  {
    id: 'gt.fold',
    ...refs,
    part: '1',
    points: 6,
    alsoIn: also('1', 6),
    statement: "G_t computed as the nested F_θ equals the unrolled RNN's h_t, for random tanh and gated cells, random sequences and t = 1–50",
    answer: "Unrolling $\\mathbf h_t=F_\\theta(\\mathbf h_{t-1},\\mathbf x_t)$ from $\\mathbf h_0$ gives exactly the nested expression above: $G_t$ is the RNN's state after $t$ steps.",
    uses: ['gtUnroll'],
    async check(impl, ctx) {
      const rep = await forAll(
        foldArb,
        (s) => {
          const rng = makeRng(s.seed);
          const F = randomCell(rng, s.kind, s.D, s.H);
          const h0 = Array.from({ length: s.H }, () => 0.5 * rng.normal());
          const xs = Array.from({ length: s.T }, () => Array.from({ length: s.D }, () => rng.normal()));
          const hs = unrolled(F, h0, xs);
          let worst = 0;
          // every prefix: G_t for t = 1 … T
          for (let t = 1; t <= s.T; t++) {
            const got = readTensor(
              impl.gtUnroll(
                F,
                h0.slice(),
                xs.slice(0, t).map((x) => x.slice()),
              ),
              `gtUnroll(F, h0, [x_1 … x_${t}])`,
              [s.H],
            );
            const cmp = compareTensor(`h_${t}`, got, toTensor(hs[t - 1]), 1e-12);
            if (!cmp.pass) {
              const m = nameMistake(() => recogniseFold(F, h0, xs.slice(0, t), got, hs[t - 1]));
              fail([`G_${t} differs from the unrolled RNN's h_${t}: ${formatComparison(cmp, `h_${t}`)}`, ...(m ? [`  ${recognised(m)}.`] : [])].join('\n'));
            }
            worst = Math.max(worst, cmp.relErr);
          }
          return { relErr: worst, prefixes: s.T };
        },
        {
          numRuns: ctx.runs(40),
          seed: ctx.seed,
          examples: [
            { kind: 'gated', D: 3, H: 4, T: 50, seed: 3 },
            { kind: 'tanh', D: 1, H: 1, T: 1, seed: 4 },
          ] as FoldSpec[],
          show: (s) => `${s.kind} cell, D=${s.D}, H=${s.H}, t=1…${s.T}, seed ${s.seed}`,
        },
      );
      return { sequences: rep.cases, worstRelErr: rep.worst.relErr, longestT: rep.worst.prefixes };
    },
  },
  {
    id: 'gt.sharing',
    ...refs,
    part: '2',
    points: 5,
    alsoIn: also('2', 5),
    statement:
      'reason (1), parameter sharing, counted: the RNN has the same parameters for every t = 1…1000, while a separate model per length grows — linearly in t (dense on the concatenated inputs) or as 2^t (a lookup table over binary sequences)',
    answer:
      '**Parameter sharing.** The RNN applies the same $F_\\theta$ at every step, so one set of parameters $\\theta$ serves $G_t$ for every $t$: ' +
      'for the tanh cell, $H^2+HD+H$ parameters whatever $t$ is. Modelling each $G_t$ directly needs a separate model per length, whose size grows with $t$ — ' +
      '$H(tD+1)$ for one dense layer on the concatenated inputs, and $2^t H$ for a table over binary sequences (the exponential complexity of the question). ' +
      'Every training sequence, of any length, trains the same $\\theta$, so there is enough data for it, and the model size stays fixed.',
    uses: ['gtParamCount'],
    check(impl, ctx) {
      const ts = [1, 2, 3, 5, 8, 10, 16, 50, 100, 500, 1000];
      const dims = [
        [1, 1],
        [1, 4],
        [3, 5],
      ];
      const rows: Record<string, string> = {};
      const label: Record<GtModel, string> = { rnn: 'the RNN cell', dense: 'a dense model on the concatenated inputs', table: 'a lookup table over binary sequences' };
      for (const [D, H] of dims) {
        for (const model of ['rnn', 'dense', 'table'] as GtModel[]) {
          if (model === 'table' && D !== 1) continue;
          const counted: string[] = [];
          for (const t of ts) {
            const want = builtParamCount(model, t, D, H);
            const raw = impl.gtParamCount(model, t, D, H);
            let got: bigint;
            if (typeof raw === 'bigint') got = raw;
            else if (typeof raw === 'number' && Number.isInteger(raw)) got = BigInt(raw);
            else fail(`gtParamCount('${model}', ${t}, ${D}, ${H}) should return an integer (number or bigint), got ${describeValue(raw)}`);
            if (got !== want) {
              const m = nameMistake(() => recogniseCount(model, got, want, t, D, H));
              const hint = m ? `\n  ${recognised(m)}` : '';
              fail(
                `gtParamCount('${model}', t = ${t}, D = ${D}, H = ${H}) = ${got}, but ${label[model]} built for length ${t} has ${want} parameters (counted from the built model${model === 'table' && t > 16 ? '; beyond t = 16 as 2^t·H' : ''}).${hint}`,
              );
            }
            counted.push(`${t}:${want.toString().length > 12 ? `≈2^${want.toString(2).length - 1}` : want}`);
          }
          rows[`${model} D=${D} H=${H}`] = counted.join(' ');
        }
      }
      // every t = 1…1000 for the key; a student's function (each call a round trip to the sandbox,
      // ≈0.25 ms) at t = 1…32, 1000 and a seeded sample of the rest: ctx.runs(200) values in all
      const rnnTs = ctx.mode === 'reference' ? Array.from({ length: 1000 }, (_, i) => i + 1) : sampleTs(Math.max(50, ctx.runs(200)), ctx.seed);
      const rnnCounts = new Map<string, number>();
      for (const t of rnnTs) {
        const v = String(impl.gtParamCount('rnn', t, 3, 5));
        if (!rnnCounts.has(v)) rnnCounts.set(v, t);
      }
      if (rnnCounts.size !== 1) {
        const seen = [...rnnCounts]
          .map(([v, t]) => `${v} at t = ${t}`)
          .slice(0, 4)
          .join(', ');
        fail(
          `the RNN's parameter count changes with t over t = 1…1000 (${rnnCounts.size} different values among the ${rnnTs.length} t checked: ${seen}): the cell is shared by every step.\n  Recognised mistake: the unrolled copies are counted as separate parameters: the RNN shares one θ across all steps, so its count does not depend on t.`,
        );
      }
      return { countsByT: rows, rnnDistinctCountsOverT1to1000: rnnCounts.size, rnnTsChecked: rnnTs.length };
    },
  },
  {
    id: 'gt.any-length',
    ...refs,
    part: '2',
    points: 5,
    alsoIn: also('2', 5),
    statement: "reason (2), one model for every length: the binary adder's F_θ, checked only on sequences of length ≤ 3, folded by gtUnroll adds correctly at every length up to 64",
    answer:
      '**One model serves every length.** Because $G_t$ is built from the same $F_\\theta$, what is learned about the step transfers to every $t$, including lengths never seen: ' +
      'the model generalises across lengths instead of needing a separate $G_t$ (and separate training data) for each. ' +
      'Measured on the binary adder: its cell, verified on the 16 pairs of 2-bit numbers (length 3), adds correctly at every length 1–64; a per-length model built for lengths ≤ 3 has no parameters at all for length 4.',
    uses: ['gtUnroll'],
    check(impl, ctx) {
      const { F, out } = adderCell();
      const rng = makeRng(ctx.seed);
      const run = (a: bigint, b: bigint, L: number): number[] => {
        const xs = Array.from({ length: L }, (_, t) => [Number((a >> BigInt(t)) & 1n), Number((b >> BigInt(t)) & 1n)]);
        return Array.from({ length: L }, (_, t) => out(readTensor(impl.gtUnroll(F, [0, 0, 0], xs.slice(0, t + 1)), `gtUnroll(adder cell, h0, x_1…x_${t + 1})`, [3]).data as unknown as number[]));
      };
      let built = 0,
        tested = 0;
      for (let a = 0n; a < 4n; a++)
        for (let b = 0n; b < 4n; b++) {
          const y = run(a, b, 3);
          if (y.join() !== Array.from({ length: 3 }, (_, t) => Number(((a + b) >> BigInt(t)) & 1n)).join())
            fail(`on the short sequences the adder cell was built from (${a} + ${b}, 3 steps), folding with gtUnroll gives the bits ${y.join(',')}: the fold itself is wrong.${hint(impl)}`);
          built++;
        }
      // every length 1–64: G_L(x_1…x_L) (one gtUnroll call) must output sum bit L, for a pair whose
      // top bit is the carry out (L − 1 random bits each) and a pair whose top bit is a sum bit with
      // a carry in (L random bits each); runs(2) of each per length
      const lengths: number[] = [];
      const lastBit = (a: bigint, b: bigint, L: number): number => {
        const xs = Array.from({ length: L }, (_, t) => [Number((a >> BigInt(t)) & 1n), Number((b >> BigInt(t)) & 1n)]);
        return out(readTensor(impl.gtUnroll(F, [0, 0, 0], xs), `gtUnroll(adder cell, h0, x_1…x_${L})`, [3]).data as unknown as number[]);
      };
      for (let L = 1; L <= 64; L++) {
        for (let k = 0; k < ctx.runs(2); k++) {
          for (const bits of [L - 1, L]) {
            let a = 0n,
              b = 0n;
            for (let i = 0; i < bits; i++) {
              a |= BigInt(rng.int(0, 1)) << BigInt(i);
              b |= BigInt(rng.int(0, 1)) << BigInt(i);
            }
            const y = lastBit(a, b, L);
            const want = Number(((a + b) >> BigInt(L - 1)) & 1n);
            if (y !== want)
              fail(
                `length ${L}: ${a} + ${b}: the sum bit ${L} (${bits < L ? 'the carry out' : 'a sum bit with its carry in'}) from folding the adder cell with gtUnroll over all ${L} inputs is ${y}, expected ${want}.${hint(impl)}`,
              );
            tested++;
          }
        }
        lengths.push(L);
      }
      return { pairsUsedToBuild: built, buildLengths: '≤ 3', pairsTested: tested, lengthsServed: `1–${lengths.length}`, perLengthModelServes: '1–3 only (no parameters for longer inputs)' };
    },
  },
];

/** Name a fold mistake by running the variants on a small tanh cell. */
function hint(impl: GtContract): string {
  const rng = makeRng(11);
  const F = randomCell(rng, 'tanh', 2, 3);
  const xs = Array.from({ length: 4 }, () => [rng.normal(), rng.normal()]);
  let got: number[];
  try {
    got = impl.gtUnroll(F, [0.1, -0.2, 0.3], xs);
  } catch {
    return '';
  }
  const m = nameMistake(() => recogniseFold(F, [0.1, -0.2, 0.3], xs, toTensor(got)));
  return m ? `\n  ${recognised(m)}.` : '';
}
