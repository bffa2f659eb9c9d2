/**
 * Unit tests of the verification core: each engine is shown to measure what it claims and to
 * reject what it must (shape errors, NaN, wrong gradients, throwing or slow implementations).
 */
import { describe, expect, test } from 'vitest';
import { ClaimFailure, defineTopic, fail, type Claim } from '../src/claims/types.ts';
import { guard, makeContext, missingExports, nearMiss, runClaim } from '../src/claims/run.ts';
import { autodiffGrad } from '../src/verify/autodiff.ts';
import { compareSets, compareTensor, fmtIndex, fmtNum, formatComparison, relErr } from '../src/verify/compare.ts';
import { recognise } from '../src/verify/diagnose.ts';
import { centralDiff1, FD_STEP, numericGrad } from '../src/verify/finite-diff.ts';
import { fc, forAll } from '../src/verify/property.ts';
import { field, readNumber, readTensor } from '../src/verify/read.ts';
import { makeRng, randnMatrix, randnVector, seedFrom } from '../src/verify/rng.ts';
import { describe as describeValue, firstNonFinite, fmtShape, shapeOf, ShapeError, tensor, toNested, toTensor, unravel } from '../src/verify/tensor.ts';
import { tf } from '../src/backend.ts';
import { portable } from '../src/verify/portable.ts';
import { ADDER_WEIGHTS, readWeights, step as adderStep } from '../src/adder/reference.ts';
import { randomCell } from '../src/gt/reference.ts';
import { adderCell } from '../src/gt/claims.ts';
import { logcoshQuartic, quadratic } from '../src/momentum/reference.ts';

describe('tensor: nested arrays ⇄ float64 tensors', () => {
  test('shapes, round trip and multi-indices', () => {
    expect(shapeOf(3)).toEqual([]);
    expect(
      shapeOf([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).toEqual([2, 3]);
    expect(shapeOf([])).toEqual([0]);
    expect(shapeOf(new Float64Array(4))).toEqual([4]);
    const t = toTensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toNested(t)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(toNested(toTensor(7))).toBe(7);
    expect(unravel(5, [2, 3])).toEqual([1, 2]);
    expect(fmtShape([])).toBe('a scalar');
    expect(fmtShape([4, 3])).toBe('4×3');
    expect(Array.from(tensor([2], [1, 2]).data)).toEqual([1, 2]);
    expect(tensor([2, 2]).data.length).toBe(4);
  });
  test('clear errors for ragged arrays, non-numbers and wrong shapes', () => {
    expect(() => shapeOf([[1, 2], [3]], 'W')).toThrow(/W: ragged array: W\[0\] has shape 2 but W\[1\] has shape 1/);
    expect(() => shapeOf([1, 'x'], 'v')).toThrow(/v\[1\]: expected a number or an array of numbers, got the string "x"/);
    expect(() => toTensor([[1, 2]], 'W', [2, 1])).toThrow(/W: wrong shape: expected 2×1, got 1×2/);
    expect(() => toTensor([[1, 2]], 'W', [2, 1])).toThrow(ShapeError);
    expect(() => tensor([2, 2], [1])).toThrow(/1 values do not fill shape 2×2/);
  });
  test('describe names what it got', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(2)).toBe('the number 2');
    expect(describeValue('a'.repeat(50))).toMatch(/…"$/);
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue([1, 2])).toBe('an array of length 2');
    expect(describeValue({ a: 1, b: 2 })).toBe('an object with keys {a, b}');
    expect(describeValue(true)).toBe('boolean');
  });
  test('firstNonFinite finds NaN and Infinity with their index', () => {
    expect(
      firstNonFinite(
        toTensor([
          [1, 2],
          [NaN, 4],
        ]),
      ),
    ).toEqual({ index: [1, 0], value: NaN });
    expect(firstNonFinite(toTensor([1, Infinity]))).toEqual({ index: [1], value: Infinity });
    expect(firstNonFinite(toTensor([1, 2]))).toBeUndefined();
  });
});

describe('rng: seeded and reproducible', () => {
  test('same seed, same stream; string seeds hash; ranges hold', () => {
    const a = makeRng(42),
      b = makeRng(42),
      c = makeRng('student-7');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
    expect(seedFrom('student-7')).toBe(seedFrom('student-7'));
    expect(seedFrom(12)).toBe(12);
    for (let i = 0; i < 1000; i++) {
      const k = a.int(2, 5);
      expect(k >= 2 && k <= 5 && Number.isInteger(k)).toBe(true);
      const u = a.uniform(-1, 1);
      expect(u >= -1 && u < 1).toBe(true);
    }
    expect(randnMatrix(a, 3, 2).length).toBe(3);
    expect(randnVector(a, 4, 2).length).toBe(4);
  });
  test('normals have mean 0 and variance 1 (n = 200,000; 5-sigma bounds)', () => {
    const r = makeRng(7);
    const n = 200_000;
    let s = 0,
      s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    const mean = s / n,
      variance = s2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n)); // sd of the mean = 1/√n
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n)); // sd of the variance ≈ √(2/n)
  });
});

describe('finite differences (float64)', () => {
  test('4th-order stencil is accurate to ~1e-12 relative; 2nd-order to ~1e-9', () => {
    for (const x of [-3, -0.5, 0, 0.7, 12]) {
      // the step is relative (h = ε^{1/5}·max(1,|x|)), so the truncation error h⁴/30 grows like x⁴: 2e-10 at x = 12
      expect(Math.abs(centralDiff1(Math.sin, x) - Math.cos(x))).toBeLessThan(Math.abs(x) > 1 ? 1e-9 : 1e-11);
      expect(Math.abs(centralDiff1(Math.sin, x, { order: 2 }) - Math.cos(x))).toBeLessThan(1e-9);
      expect(Math.abs(centralDiff1(Math.exp, x) - Math.exp(x)) / Math.exp(x)).toBeLessThan(Math.abs(x) > 1 ? 1e-9 : 1e-11);
    }
    expect(FD_STEP[4]).toBeCloseTo(7.4e-4, 4);
    expect(FD_STEP[2]).toBeCloseTo(6.06e-6, 7);
    // the Richardson step removes D₄'s h⁴ error: at a coarse step it is orders of magnitude better
    const coarse = { step: 0.05 };
    const plain = Math.abs(centralDiff1(Math.exp, 1, { ...coarse, richardson: false }) - Math.E);
    const extrapolated = Math.abs(centralDiff1(Math.exp, 1, coarse) - Math.E);
    expect(extrapolated).toBeLessThan(plain / 100);
    // an absurd step is visibly worse: the engine really uses the step it is given
    expect(Math.abs(centralDiff1(Math.sin, 1, { order: 2, step: 0.5 }) - Math.cos(1))).toBeGreaterThan(1e-2);
  });
  test('numericGrad of a quadratic form equals the analytic gradient and restores the parameters', () => {
    const A = toTensor([
      [2, 1],
      [1, 3],
    ]);
    const x = toTensor([0.5, -1.5]);
    const before = Array.from(x.data);
    const g = numericGrad(
      (p) => {
        const v = p.x.data,
          a = p.A.data;
        return 0.5 * (v[0] * (a[0] * v[0] + a[1] * v[1]) + v[1] * (a[2] * v[0] + a[3] * v[1]));
      },
      { x, A },
    );
    // ∇_x ½xᵀAx = Ax (A symmetric); ∇_A = ½ x xᵀ
    expect(relErr(g.x.data, [2 * 0.5 + 1 * -1.5, 1 * 0.5 + 3 * -1.5])).toBeLessThan(1e-12);
    expect(relErr(g.A.data, [0.125, -0.375, -0.375, 1.125])).toBeLessThan(1e-12);
    expect(Array.from(x.data)).toEqual(before);
  });
});

describe('comparison: relative error per tensor and the worst element', () => {
  test('reports relative error, worst element and index', () => {
    const c = compareTensor(
      'W',
      toTensor([
        [1, 2],
        [3, 4],
      ]),
      toTensor([
        [1, 2],
        [3, 5],
      ]),
      1e-3,
    );
    expect(c.pass).toBe(false);
    expect(c.worst).toEqual({ index: [1, 1], got: 4, want: 5, absErr: 1 });
    expect(c.relErr).toBeCloseTo(1 / Math.sqrt(1 + 4 + 9 + 25), 12);
    expect(formatComparison(c)).toMatch(/W: relative error 0\.1601\d* \(tolerance 0\.001\); worst element \[1,1\]: got 4, expected 5/);
  });
  test('zero tensors, NaN, shapes, absolute floor, missing tensors', () => {
    expect(compareTensor('z', toTensor([0, 0]), toTensor([0, 0]), 1e-9).relErr).toBe(0);
    expect(relErr([0, 0], [0, 0])).toBe(0);
    expect(relErr([0, 1], [0, 0])).toBe(1);
    const nan = compareTensor('n', toTensor([NaN, 1]), toTensor([0, 1]), 1e-3);
    expect(nan.pass).toBe(false);
    expect(nan.worst?.index).toEqual([0]);
    const shape = compareTensor('s', toTensor([1, 2]), toTensor([[1, 2]]), 1);
    expect(shape.pass).toBe(false);
    expect(formatComparison(shape, 's', [2], [1, 2])).toBe('s: wrong shape: expected 1×2, got 2');
    // data that does not fill its shape: the missing values must not go uncompared (a too-short dW passed before)
    const short = compareTensor('dW', { shape: [3, 3], data: new Float64Array([1]) }, { shape: [3, 3], data: new Float64Array(9).fill(1) }, 1e-7);
    expect(short.pass).toBe(false);
    expect(formatComparison(short)).toBe('dW: got 1 values for shape 3×3 (9)');
    expect(
      compareTensor(
        'w',
        toTensor([
          [1, 2],
          [3, 4],
        ]),
        { shape: [2, 2], data: new Float64Array(3) },
        1,
      ).pass,
    ).toBe(false);
    const floor = compareTensor('f', toTensor([1e-14]), toTensor([0]), 1e-7, 1e-10);
    expect(floor).toMatchObject({ pass: true, passedBy: 'abs' });
    const sets = compareSets({ a: toTensor([1]) }, { a: toTensor([1]), b: toTensor([2]) }, 1e-9);
    expect(sets.map((s) => s.pass)).toEqual([true, false]);
    expect(fmtNum(0)).toBe('0');
    expect(fmtNum(Infinity)).toBe('Infinity');
    expect(fmtNum(1234.5)).toBe('1234.5');
    expect(fmtNum(1.5e-9)).toBe('1.500e-9');
    expect(fmtIndex([])).toBe('(scalar)');
  });
});

describe('tfjs autodiff adapter (float32)', () => {
  test('∇ Σ x² = 2x, and the loss value comes back', async () => {
    const x = toTensor([
      [0.5, -1],
      [2, 3],
    ]);
    const { loss, grads } = await autodiffGrad((p) => tf.sum(tf.square(p.x)) as tf.Scalar, { x });
    expect(loss).toBeCloseTo(0.25 + 1 + 4 + 9, 5);
    expect(relErr(grads.x.data, [1, -2, 4, 6])).toBeLessThan(1e-6);
    expect(grads.x.shape).toEqual([2, 2]);
  });
});

describe('property runs (fast-check)', () => {
  test('tracks the worst metric over generated and fixed cases', async () => {
    const rep = await forAll(fc.integer({ min: 0, max: 10 }), (n) => ({ n }), { numRuns: 30, seed: 1, examples: [99] });
    expect(rep.cases).toBe(31);
    expect(rep.worst.n).toBe(99);
  });
  test('a failing case is shrunk and reported with its input', async () => {
    const run = forAll(fc.integer({ min: 0, max: 1000 }), (n) => (n >= 17 ? fail(`too big: ${n}`) : undefined), {
      numRuns: 200,
      seed: 3,
      show: (n) => `n=${n}`,
    });
    await expect(run).rejects.toThrow(/too big: 17\n {2}on input n=17/);
  });
  test('a failing fixed example is reported too', async () => {
    const run = forAll(fc.constant(1), (n) => (n > 5 ? fail('bad example') : { n }), { numRuns: 3, seed: 1, examples: [9] });
    await expect(run).rejects.toThrow(/bad example\n {2}on input 9/);
    await expect(
      forAll(
        fc.constant(1),
        () => {
          throw new Error('plain');
        },
        { numRuns: 1, seed: 1 },
      ),
    ).rejects.toBeInstanceOf(ClaimFailure);
    await expect(forAll(fc.constant(1), (n) => (n ? undefined : (0 as never)), { numRuns: 1, seed: 1, examples: [0] })).resolves.toBeTruthy();
    await expect(
      forAll(
        fc.constant(1),
        (n) => {
          if (n === 2) throw 'str';
        },
        { numRuns: 1, seed: 1, examples: [2] },
      ),
    ).rejects.toThrow(/str/);
  });
});

describe('misconception recognition', () => {
  const bank = [
    { id: 'double', label: 'doubles it', compute: (x: number) => 2 * x },
    { id: 'neg', label: 'negates it', compute: (x: number) => -x },
    {
      id: 'boom',
      label: 'throws',
      compute: (): number => {
        throw new Error('x');
      },
    },
  ];
  const d = (a: number, b: number) => Math.abs(a - b);
  test('names the variant that reproduces the output', () => {
    expect(recognise(bank, 3, 6, d)?.id).toBe('double');
    expect(recognise(bank, 3, -3, d, 1e-9, 3)?.label).toBe('negates it');
    expect(recognise(bank, 3, 7, d)).toBeUndefined();
  });
  test('never names a mistake when the student is right, nor one invisible on this input', () => {
    expect(recognise(bank, 3, 3, d, 1e-9, 3)).toBeUndefined();
    // at x = 0 both variants give 0: against a reference of 0 the mistake cannot be told apart…
    expect(recognise([bank[0]], 0, 0, d, 1e-9, 0)).toBeUndefined();
    expect(recognise([bank[0]], 0, 5, d, 1e-9, 0)).toBeUndefined();
    // …against a reference of 1 it can (ties go to the first variant in the bank)
    expect(recognise(bank, 0, 0, d, 1e-9, 1)?.id).toBe('double');
  });
});

describe('reading an implementation’s output', () => {
  test('missing fields, wrong types, shapes and NaN get named', () => {
    expect(() => field(5, 'x', 'f()')).toThrow(/f\(\): expected an object \(Python: a dict\) with a field `x`, got the number 5/);
    expect(() => field({}, 'x', 'f()')).toThrow(/f\(\): the field `x` is missing \(an empty object\)/);
    // a tuple returned where a dict is expected, a key spelled differently: said as such
    expect(() => field([1, 2], 'x', 'f()')).toThrow(/got an array \(Python: a list or tuple\) of 2 values/);
    expect(() => field({ c_bar: 1, hbar: 2 }, 'cbar', 'f()')).toThrow(/the field `cbar` is missing \(the fields given: `c_bar`, `hbar`\)/);
    expect(field({ x: 1 }, 'x', 'f()')).toBe(1);
    expect(() => readTensor([[1, 2]], 'f().W', [2, 2])).toThrow(/f\(\)\.W: wrong shape: expected 2×2, got 1×2/);
    expect(() => readTensor([[1, NaN]], 'f().W', [1, 2])).toThrow(/f\(\)\.W contains NaN at \[0,1\]/);
    expect(() => readNumber('1', 'f().loss')).toThrow(/expected a number, got the string "1"/);
    expect(() => readNumber(Infinity, 'f().loss')).toThrow(/f\(\)\.loss is Infinity/);
    expect(readNumber(2, 'x')).toBe(2);
  });
});

interface Toy {
  twice(x: number): number;
  answer: string;
}
const toyContract = {
  twice: { kind: 'function', signature: '(x: number) => number', doc: 'doubles x' },
  answer: { kind: 'string', signature: 'string', doc: 'a formula' },
} as const;
const toyClaim = (over: Partial<Claim<Toy>> = {}): Claim<Toy> => ({
  id: 'toy.twice',
  course: 'CIE6032',
  hw: 'HW2',
  problem: 1,
  points: 3,
  statement: 'twice doubles',
  answer: '$2x$',
  uses: ['twice'],
  check: (impl) => {
    if (impl.twice(2) !== 4) fail(`twice(2) returned ${impl.twice(2)}, expected 4`);
    return { ok: true };
  },
  ...over,
});

describe('running a claim', () => {
  test('passes, fails with the message, and names missing or mistyped exports', async () => {
    const ok = await runClaim(toyClaim(), { twice: (x) => 2 * x }, toyContract);
    expect(ok).toMatchObject({ passed: true, points: 3, maxPoints: 3, evidence: { ok: true } });
    const bad = await runClaim(toyClaim(), { twice: (x) => x + 1 }, toyContract);
    expect(bad).toMatchObject({ passed: false, points: 0, message: 'twice(2) returned 3, expected 4' });
    const missing = await runClaim(toyClaim(), {}, toyContract);
    expect(missing.message).toMatch(/missing export `twice`: expected a function \(x: number\) => number — doubles x/);
    expect(missingExports({ twice: 3 } as never, toyContract, ['twice'])[0]).toMatch(/`twice` should be a function .* got the number 3/);
    expect(missingExports({ answer: 3 } as never, toyContract, ['answer'])[0]).toMatch(/`answer` should be a string/);
    expect(missingExports({ answer: 'n^2' }, toyContract, ['answer'])).toEqual([]);
  });
  test('a throwing implementation, a crashing check and a time limit are contained', async () => {
    const threw = await runClaim(
      toyClaim(),
      {
        twice: () => {
          throw new RangeError('nope');
        },
      },
      toyContract,
    );
    expect(threw.message).toBe('`twice` threw RangeError: nope');
    // a thrown value that throws when its prototype or fields are read (a hostile Proxy) is still contained
    const hostile: object = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw hostile;
        },
        get: () => {
          throw hostile;
        },
      },
    );
    const proxied = await runClaim(
      toyClaim(),
      {
        twice: () => {
          throw hostile;
        },
      },
      toyContract,
    );
    expect(proxied).toMatchObject({ passed: false, message: '`twice` threw an unprintable value' });
    const rejected = await guard({
      f: async () => {
        throw 'bare';
      },
    })
      .f()
      .catch((e: Error) => e.message);
    expect(rejected).toBe('`f` threw the string "bare"');
    const crash = await runClaim(
      toyClaim({
        check: () => {
          throw new TypeError('bug in the check');
        },
      }),
      { twice: (x) => 2 * x },
      toyContract,
    );
    expect(crash.message).toBe('the check crashed: TypeError: bug in the check');
    const slow = await runClaim(toyClaim({ check: () => new Promise(() => {}) }), { twice: (x) => 2 * x }, toyContract, makeContext(), { timeoutMs: 50 });
    expect(slow.message).toMatch(/did not finish within 50 ms/);
    expect(guard({ k: 1, f: (x: number) => x }).k).toBe(1);
  });
  test('contexts carry the seed, the mode, scaled run counts and notes', () => {
    const ctx = makeContext({ seed: 5, mode: 'submission', runScale: 0.25 });
    expect(ctx.seed).toBe(5);
    expect(ctx.mode).toBe('submission');
    expect(ctx.runs(100)).toBe(25);
    expect(ctx.runs(1)).toBe(1);
    expect(ctx.thorough).toBe(true);
    expect(makeContext({ thorough: false }).thorough).toBe(false);
    ctx.note('hello');
    expect(ctx.notes).toEqual(['hello']);
  });
  test('a missing export names the near miss among the exports given', () => {
    expect(nearMiss('lstmBptt', ['lstmBpt', 'other'])).toBe('lstmBpt');
    expect(nearMiss('lstmBptt', ['lstm_bptt2'])).toBe('lstm_bptt2');
    expect(nearMiss('lstmBptt', ['rnnForward'])).toBeUndefined();
  });
  test('topics are validated when declared', () => {
    const base = { id: 'toy', title: 'Toy', contract: toyContract, reference: { twice: (x: number) => 2 * x, answer: '2x' }, knownWrong: [] };
    expect(defineTopic({ ...base, claims: [toyClaim()] }).id).toBe('toy');
    expect(() => defineTopic({ ...base, claims: [toyClaim({ id: 'other.x' })] })).toThrow(/must start with its topic id/);
    expect(() => defineTopic({ ...base, claims: [toyClaim(), toyClaim()] })).toThrow(/duplicate claim id toy.twice/);
    expect(() => defineTopic({ ...base, claims: [toyClaim()], knownWrong: [{ mistake: 'm', rejectedBy: ['toy.none'], named: 'x' }] })).toThrow(/unknown claim toy.none/);
    // a fixture's file is derived from the topic and the mistake
    expect(defineTopic({ ...base, claims: [toyClaim()], knownWrong: [{ mistake: 'm', rejectedBy: ['toy.twice'], named: 'x' }] }).knownWrong[0].file).toBe('fixtures/wrong/toy/m.ts');
  });
});

describe('RNN diagnosis on broken implementations', async () => {
  const { diagnoseBptt } = await import('../src/rnn/misconceptions.ts');
  const { makeRnnCase } = await import('../src/rnn/cases.ts');
  const { rnnBptt } = await import('../src/rnn/reference.ts');
  const c = makeRnnCase({ I: 2, H: 3, C: 2, T: 3, scale: 1, seed: 4 });
  test('a student whose output has no dh, and who throws on shorter sequences, still gets a diagnosis', () => {
    const student = { ...rnnBptt(c.params, c.xs, c.ys), dh: undefined as never };
    const lines = diagnoseBptt(
      {
        rnnBptt: () => {
          throw new Error('boom');
        },
      },
      c,
      student,
    );
    expect(lines[0]).toBe('∂L/∂h_t is already wrong at the last step, t = T = 3.');
    expect(lines.some((l) => l.startsWith('Recognised'))).toBe(false);
  });
  test('a wrong gradient of the wrong shape on the prefix counts as wrong there', () => {
    const good = rnnBptt(c.params, c.xs, c.ys);
    const lines = diagnoseBptt({ rnnBptt: () => ({ ...good, grads: { ...good.grads, Wxh: [[1]] } }) }, c, good);
    expect(lines).toContain('∂L/∂h_t is right at every t.');
    expect(lines.join(' ')).toMatch(/First time step where the gradients differ: t = 1 \(on the sequence cut after x_1, ∂L\/∂W_xh, .* are already wrong\)/);
  });
});

describe("portable functions (the checks' functions that run inside the strict sandbox)", () => {
  test('compiled once, bound to their state, carrying {source, state} as a non-enumerable property', () => {
    const st = { k: 3, calls: 0 };
    const f = portable<(x: number) => number>('(s, x) => { s.calls++; return s.k * x; }', st);
    expect(f(2)).toBe(6);
    expect(st.calls).toBe(1);
    const p = (f as unknown as { portable: { source: string; state: unknown } }).portable;
    expect(p.state).toBe(st);
    expect(Object.keys(f)).toEqual([]);
    expect(() => portable('(s, x) => y', {})(1 as never)).toThrow(ReferenceError); // no closures: only its arguments and built-ins
  });
  test('the portable cells and costs compute what their closed forms say', () => {
    // the G_t adder cell is the adder's step, on every state and input
    const n = readWeights(ADDER_WEIGHTS);
    const gtAdderCell = adderCell().F;
    expect((gtAdderCell as unknown as { portable?: unknown }).portable).toBeDefined();
    for (let s = 0; s < 8; s++)
      for (let x = 0; x < 4; x++) {
        const h = [s & 1, (s >> 1) & 1, (s >> 2) & 1];
        expect(gtAdderCell(h, [x & 1, x >> 1])).toEqual(adderStep(n, h, x & 1, x >> 1).h);
      }
    // the random tanh cell is tanh(W_hh h + W_xh x + b): linear part checked against a second draw of the same weights
    const rng = makeRng(5),
      F = randomCell(rng, 'tanh', 2, 3);
    const r2 = makeRng(5),
      Wh = randnMatrix(r2, 3, 3, 1.2 / Math.sqrt(3)),
      Wx = randnMatrix(r2, 3, 2, 1 / Math.sqrt(2)),
      b = randnVector(r2, 3, 0.3);
    const h = [0.1, -0.2, 0.3],
      x = [1, -1];
    const want = [0, 1, 2].map((j) => Math.tanh(Wh[j].reduce((s, w, k) => s + w * h[k], 0) + Wx[j].reduce((s, w, k) => s + w * x[k], 0) + b[j]));
    expect(F(h, x)).toEqual(want);
    // the momentum costs: the gradient is the derivative of nothing else than the Hessian's integral — check grad against hess by differences
    for (const c of [quadratic(3, 1), logcoshQuartic(3, 2)]) {
      const t = [0.3, -0.1, 0.2],
        H = c.hess(t),
        e = 1e-6;
      for (let j = 0; j < 3; j++) {
        const tp = t.slice(),
          tm = t.slice();
        tp[j] += e;
        tm[j] -= e;
        const gp = c.grad(tp),
          gm = c.grad(tm);
        for (let i = 0; i < 3; i++) expect(Math.abs((gp[i] - gm[i]) / (2 * e) - H[i][j])).toBeLessThan(1e-7);
      }
    }
  });
});
