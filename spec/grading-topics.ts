/**
 * A synthetic topic for the grader's own specs: exercises what the RNN topic does not — a
 * formula answer given as a string, a randomized input chosen by the seed, a hidden check, a
 * per-claim time limit, extra credit, a `slow` claim, several courses and parts.  The grader
 * loads it through `topicsModule` (see spec/grading.spec.ts); it is not in the registry.
 */
import type { Claim, ContractSpec } from '../src/claims/types.ts';
import { defineTopic, fail } from '../src/claims/types.ts';
import { makeRng } from '../src/verify/rng.ts';

export interface SynthContract {
  synthSquare(x: number): number;
  /** the number of parameters of a layer with n inputs and n outputs, as a formula in n */
  synthParamCount: string;
  synthSpin(): number;
}

export const synthContract: ContractSpec<SynthContract> = {
  synthSquare: { kind: 'function', signature: '(x: number) => number', doc: 'x²' },
  synthParamCount: { kind: 'string', signature: 'string (a formula in n)', doc: 'weights + biases of an n→n layer' },
  synthSpin: { kind: 'function', signature: '() => number', doc: 'returns 42' },
};

/** Evaluate a formula in n written with + − * ^ ( ) and integers (enough for this test topic). */
export function evalFormula(src: string, n: number): number {
  const s = src.replace(/\s+/g, '');
  if (!/^[0-9n+\-*^()]+$/.test(s)) throw new Error(`cannot read the formula "${src}" (use n, integers, + - * ^ and parentheses)`);
  let i = 0;
  const peek = () => s[i];
  const num = (): number => {
    if (peek() === '(') {
      i++;
      const v = sum();
      if (s[i++] !== ')') throw new Error(`unbalanced parentheses in "${src}"`);
      return v;
    }
    if (peek() === 'n') {
      i++;
      return n;
    }
    const m = /^\d+/.exec(s.slice(i));
    if (!m) throw new Error(`unexpected "${s.slice(i, i + 1)}" in "${src}"`);
    i += m[0].length;
    return Number(m[0]);
  };
  const pow = (): number => {
    const b = num();
    if (peek() === '^') {
      i++;
      return b ** pow();
    }
    return b;
  };
  const prod = (): number => {
    let v = pow();
    while (peek() === '*' || peek() === 'n' || peek() === '(') {
      if (peek() === '*') i++;
      v *= pow();
    }
    return v;
  };
  const sum = (): number => {
    let v = peek() === '-' ? (i++, -prod()) : prod();
    while (peek() === '+' || peek() === '-') v = s[i++] === '+' ? v + prod() : v - prod();
    return v;
  };
  const v = sum();
  if (i !== s.length) throw new Error(`unexpected "${s.slice(i)}" in "${src}"`);
  return v;
}

const claims: Claim<SynthContract>[] = [
  {
    id: 'synth.square',
    course: 'CSE891',
    hw: 'HW3',
    problem: 1,
    part: '1',
    points: 1,
    alsoIn: [{ course: 'CSC421', hw: 'HW3', problem: 2, part: 'a', points: 2 }],
    statement: 'synthSquare(x) = x² on inputs drawn from the seed',
    answer: '$x^2$',
    uses: ['synthSquare'],
    check(impl, ctx) {
      const rng = makeRng(ctx.seed);
      const xs = Array.from({ length: ctx.runs(20) }, () => Math.round(rng.uniform(-100, 100)));
      for (const x of xs) {
        const got = impl.synthSquare(x);
        if (got !== x * x) fail(`synthSquare(${x}) is wrong: expected ${x * x}, received ${String(got)}`, { x, expected: x * x, received: String(got) });
      }
      return { cases: xs.length, inputs: xs.slice(0, 3) };
    },
  },
  {
    id: 'synth.formula',
    course: 'CSE891',
    hw: 'HW3',
    problem: 1,
    part: '2',
    points: 1.5,
    statement: 'the parameter count of an n→n dense layer is n² + n',
    answer: '$n^2+n$',
    uses: ['synthParamCount'],
    check(impl) {
      for (const n of [1, 2, 3, 7, 10]) {
        const got = evalFormula(impl.synthParamCount, n);
        if (got !== n * n + n) fail(`your formula "${impl.synthParamCount}" gives ${got} at n = ${n}; the count is ${n * n + n}`);
      }
      return { checkedAt: [1, 2, 3, 7, 10] };
    },
  },
  {
    id: 'synth.hidden',
    course: 'CSE891',
    hw: 'HW3',
    problem: 2,
    part: '1',
    points: 1,
    visibility: 'after_due_date',
    statement: 'synthSquare(3) = 9 (a hidden check)',
    answer: '9',
    uses: ['synthSquare'],
    check(impl) {
      if (impl.synthSquare(3) !== 9) fail('synthSquare(3) should be 9');
      return {};
    },
  },
  {
    id: 'synth.spin',
    course: 'CSE891',
    hw: 'HW3',
    problem: 1,
    part: '3 (extra credit)',
    points: 0.5,
    // its own limit (1.5 s; the grading specs' endless loops spin a core until it)
    timeoutMs: 1500,
    statement: 'synthSpin() returns 42',
    answer: '42',
    uses: ['synthSpin'],
    check(impl) {
      const v = impl.synthSpin();
      if (v !== 42) fail(`synthSpin() returned ${String(v)}, expected 42`);
      return { value: v };
    },
  },
  {
    id: 'synth.trained',
    course: 'CSE891',
    hw: 'HW3',
    problem: 3,
    points: 2,
    tags: ['slow'],
    statement: 'a slow claim (never run by the default grader)',
    answer: '—',
    uses: ['synthSquare'],
    check() {
      return { ran: true };
    },
  },
];

export const synthTopic = defineTopic<SynthContract>({
  id: 'synth',
  title: 'Synthetic topic for the grader specs',
  contract: synthContract,
  reference: { synthSquare: (x) => x * x, synthParamCount: 'n^2 + n', synthSpin: () => 42 },
  claims,
  knownWrong: [],
});

/** A topic whose check is itself wrong for some seeds (it rejects even the reference when the seed is odd). */
export const flakyTopic = defineTopic<Pick<SynthContract, 'synthSquare'>>({
  id: 'flaky',
  title: 'A check that is wrong for odd seeds',
  contract: { synthSquare: synthContract.synthSquare },
  reference: { synthSquare: (x) => x * x },
  claims: [
    {
      id: 'flaky.square',
      course: 'CSE891',
      hw: 'HW3',
      problem: 4,
      points: 1,
      statement: 'synthSquare(2) = 4, checked by a check that fails for odd seeds',
      answer: '4',
      uses: ['synthSquare'],
      check(impl, ctx) {
        if (ctx.seed % 2 === 1) fail('the check is broken for odd seeds');
        if (impl.synthSquare(2) !== 4) fail('synthSquare(2) should be 4');
        return {};
      },
    },
  ],
  knownWrong: [],
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const topics: any[] = [synthTopic, flakyTopic];
