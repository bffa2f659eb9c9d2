/**
 * Reading a student's trained InfoGAN generator (src/infogan/generator-artifact.ts): a TF.js
 * LayersModel and a PyTorch state_dict (.npz) of the same weights give the same images; bad files
 * are each refused with one line naming the problem; the reference submissions (TypeScript and
 * Python) pass the four generator claims, and the empty one gets none of their points.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backend.ts';
import { mnistMissing } from '../src/data/mnist.ts';
import { EMPTY_SUBMISSION, PY_REFERENCE_SUBMISSION, REFERENCE_SUBMISSION } from '../src/grading/fixtures.ts';
import { gradescopeResults, gradeSubmission } from '../src/grading/grade.ts';
import { pythonRuntime } from '../src/grading/python/sandbox.ts';
import { exportGenerator, type GeneratorTensors } from '../src/infogan/export-generator.ts';
import { loadGenerator, type GeneratorFiles } from '../src/infogan/generator-artifact.ts';
import { GENERATOR_CLAIM_IDS, realGreyShare } from '../src/infogan/generator-claims.ts';
import { LATENT_DIM, PIXELS } from '../src/infogan/model.ts';
import { submissionFiles } from '../src/verify/files.ts';
import { makeRng } from '../src/verify/rng.ts';
import { claimFailureAsync, fileFolders, npy } from './trained-files.ts';

const folder = fileFolders('dlspec-generator-');
const failure = claimFailureAsync;

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** A small generator of the family (FC 16, c₁ 4, c₂ 3) with random weights and running statistics, in the key's names. */
function smallGenerator(seed = 1, fc = 16, c1 = 4, c2 = 3): GeneratorTensors {
  const r = makeRng(`small-generator:${seed}`);
  const t = (shape: number[], f: () => number) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, f) });
  const bn = (name: string, n: number): GeneratorTensors => ({
    [`${name}/gamma`]: t([n], () => 1 + 0.2 * r.normal()),
    [`${name}/beta`]: t([n], () => 0.1 * r.normal()),
    [`${name}/running_mean`]: t([n], () => 0.1 * r.normal()),
    [`${name}/running_var`]: t([n], () => 1 + 0.5 * r.next()),
  });
  return {
    'g1/w': t([LATENT_DIM, fc], () => 0.3 * r.normal()),
    ...bn('g1bn', fc),
    'g2/w': t([fc, 49 * c1], () => 0.3 * r.normal()),
    ...bn('g2bn', 49 * c1),
    'g3/w': t([4, 4, c2, c1], () => 0.3 * r.normal()),
    ...bn('g3bn', c2),
    'g4/w': t([4, 4, 1, c2], () => 0.3 * r.normal()),
    'g4/b': t([1], () => 0.1),
  };
}

/** The same weights as a PyTorch state_dict: Linear [out, in]; the second Linear's outputs (and its BN) from the
 *  key's (h, w, c) order to PyTorch's (c, h, w); ConvTranspose2d [in, out, kh, kw] from tfjs's [kh, kw, out, in]. */
function torchStateDict(g: GeneratorTensors): Record<string, Uint8Array> {
  const fc = g['g1/w'].shape[1],
    c2 = g['g3/w'].shape[2],
    c1 = g['g3/w'].shape[3];
  const chw = (j: number) => (j % 49) * c1 + Math.floor(j / 49); // PyTorch feature j = c·49 + s → key feature s·c₁ + c
  const linear = (w: Float32Array, I: number, O: number, perm = (o: number) => o) =>
    npy(
      [O, I],
      Float32Array.from({ length: O * I }, (_, k) => w[(k % I) * O + perm(Math.floor(k / I))]),
    );
  const deconv = (w: Float32Array, cin: number, cout: number) =>
    npy([cin, cout, 4, 4], Float32Array.from({ length: cin * cout * 16 }, (_, k) => { const i = Math.floor(k / (cout * 16)), o = Math.floor(k / 16) % cout, h = Math.floor(k / 4) % 4, x = k % 4; return w[((h * 4 + x) * cout + o) * cin + i]; })); // prettier-ignore
  const vec = (a: Float32Array, perm?: (j: number) => number) => npy([a.length], perm ? Float32Array.from({ length: a.length }, (_, j) => a[perm(j)]) : a);
  const bn = (name: string, key: string, perm?: (j: number) => number): Record<string, Uint8Array> => ({
    [`${name}.weight.npy`]: vec(g[`${key}/gamma`].data, perm),
    [`${name}.bias.npy`]: vec(g[`${key}/beta`].data, perm),
    [`${name}.running_mean.npy`]: vec(g[`${key}/running_mean`].data, perm),
    [`${name}.running_var.npy`]: vec(g[`${key}/running_var`].data, perm),
  });
  return {
    'fc1.weight.npy': linear(g['g1/w'].data, LATENT_DIM, fc),
    ...bn('bn1', 'g1bn'),
    'fc2.weight.npy': linear(g['g2/w'].data, fc, 49 * c1, chw),
    ...bn('bn2', 'g2bn', chw),
    'deconv1.weight.npy': deconv(g['g3/w'].data, c1, c2),
    ...bn('bn3', 'g3bn'),
    'deconv2.weight.npy': deconv(g['g4/w'].data, c2, 1),
    'deconv2.bias.npy': vec(g['g4/b'].data),
  };
}

async function tfjsFiles(g: GeneratorTensors, float16 = false): Promise<Record<string, string | Uint8Array>> {
  const { modelJson, weights } = await exportGenerator(g, { float16 });
  return { 'gen/model.json': modelJson, 'gen/weights.bin': weights };
}

const latents = (n: number): Float32Array => {
  const r = makeRng('latents');
  const z = new Float32Array(n * LATENT_DIM);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 62; j++) z[i * LATENT_DIM + j] = r.normal();
    z[i * LATENT_DIM + 62 + (i % 10)] = 1;
    z[i * LATENT_DIM + 72] = r.uniform(-1, 1);
    z[i * LATENT_DIM + 73] = r.uniform(-1, 1);
  }
  return z;
};

const load = (files: Record<string, string | Uint8Array>, g: GeneratorFiles) => loadGenerator(submissionFiles(folder(files)), g, 'infoganTrainedGenerator');

describe('the two formats give the same generator', () => {
  test('a TF.js LayersModel and a PyTorch state_dict of the same weights draw the same images; widths are read from the file', async () => {
    const g = smallGenerator();
    const a = await load(await tfjsFiles(g), { model: 'gen/model.json' });
    const b = await load({ 'g.npz': zipSync(torchStateDict(g)) }, { model: 'g.npz' });
    expect(a.widths).toEqual({ fc: 16, c1: 4, c2: 3 });
    expect(b.widths).toEqual({ fc: 16, c1: 4, c2: 3 });
    const z = latents(12);
    const x = a.generate(z, 12),
      y = b.generate(z, 12);
    expect(x.length).toBe(12 * PIXELS);
    let d = 0;
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
    expect(d).toBeLessThan(1e-5);
    // float16-quantized weights (tfjs-converter's --quantize_float16) load too, the images within float16's rounding
    const h = await load(await tfjsFiles(g, true), { model: 'gen/model.json' });
    const w = h.generate(z, 12);
    let e = 0;
    for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i] - w[i]));
    expect(e).toBeLessThan(1e-2);
    for (const m of [a, b, h]) m.dispose();
  });

  test("the reference submissions' generators load: the key's CPU model (TF.js) and the PyTorch one", async () => {
    const ts = await loadGenerator(submissionFiles(REFERENCE_SUBMISSION), { model: 'infogan-generator/model.json' }, 'ts');
    const py = await loadGenerator(submissionFiles(PY_REFERENCE_SUBMISSION), { model: 'infogan-generator/generator.npz' }, 'py');
    expect([ts.format, ts.widths]).toEqual(['tfjs', { fc: 256, c1: 64, c2: 32 }]);
    expect([py.format, py.widths]).toEqual(['pytorch', { fc: 256, c1: 64, c2: 32 }]);
    ts.dispose();
    py.dispose();
  });
});

describe('bad generator files: one line each, naming the problem', () => {
  const oneLine = (m: string) => {
    expect(m.includes('\n'), m).toBe(false);
    expect(m).not.toMatch(/\n\s+at /);
  };
  test('the TF.js model.json: missing, not JSON, truncated weights, a wrong layer, a wrong input, a tanh output, NaN weights', async () => {
    const good = await tfjsFiles(smallGenerator());
    const json = JSON.parse(good['gen/model.json'] as string);
    const edit = (f: (layers: { class_name?: string; className?: string; config: Record<string, unknown> }[]) => void) => {
      const j = structuredClone(json);
      f(j.modelTopology.config.layers);
      return { ...good, 'gen/model.json': JSON.stringify(j) };
    };
    const nan = (good['gen/weights.bin'] as Uint8Array).slice();
    new Float32Array(nan.buffer).fill(NaN, 0, 5);
    const cases: [string, Record<string, string | Uint8Array>, RegExp][] = [
      ['missing', {}, /"gen\/model\.json" is not in your submission/],
      ['not JSON', { 'gen/model.json': '{"modelTopology": ' }, /is not valid JSON/],
      ['truncated weights', { ...good, 'gen/weights.bin': (good['gen/weights.bin'] as Uint8Array).slice(0, 1000) }, /weight files hold 1000 bytes, but the manifest describes \d+ bytes \(truncated/],
      ['a conv2d layer', edit((l) => (l[7].class_name = 'Conv2D')), /layer 8 is a Conv2D layer; the generator uses Dense, BatchNormalization/],
      ['a 100-value input', edit((l) => (l[0].config.batch_input_shape = [null, 100])), /takes inputs of shape \[100\]; the grader feeds latents as \[N, 74\]/],
      ['a tanh output', edit((l) => (l[l.length - 1].config.activation = 'tanh')), /layer 11 ends in tanh: a tanh output gives images in \[−1, 1\]/],
      ['a tanh inside', edit((l) => (l[3].config.activation = 'tanh')), /layer 4 uses the activation tanh; the generator uses ReLU inside and a sigmoid at the end/],
      ['a 3×3 up-conv', edit((l) => (l[7].config.kernel_size = [3, 3])), /layer 8 is a 3×3 transposed convolution to 3 channels.*expected a 4×4 transposed convolution/],
      ['NaN weights', { ...good, 'gen/weights.bin': nan }, /5 of the \d+ weights are NaN or infinite: the weights hold NaN or infinite values \(the training diverged\)/],
    ];
    for (const [what, files, want] of cases) {
      const m = await failure(() => load(files, { model: 'gen/model.json' }));
      expect(m, what).toMatch(want);
      oneLine(m);
    }
  });

  test('the PyTorch .npz: not a zip, a wrong shape, a missing module, NaN weights, a zip bomb, float16, another extension', async () => {
    const sd = torchStateDict(smallGenerator());
    const nanSd = { ...sd, 'fc2.weight.npy': npy([196, 16], new Float32Array(196 * 16).fill(NaN)) };
    const wide = { ...sd, 'fc1.weight.npy': npy([16, 70], new Float32Array(16 * 70)) };
    const { 'deconv2.weight.npy': _w, 'deconv2.bias.npy': _b, ...noLast } = sd;
    const half = { ...sd, 'fc1.weight.npy': npy([16, 74], new Float32Array(16 * 37), '<f2') };
    const bomb = zipSync({ 'big.npy': new Uint8Array(41 * 2 ** 20) }, { level: 9 });
    const cases: [string, Record<string, string | Uint8Array>, string, RegExp][] = [
      ['not a zip', { 'g.npz': 'not a zip' }, 'g.npz', /"g\.npz" is not a \.npz archive .*expected np\.savez/],
      ['a 70-value input', { 'g.npz': zipSync(wide) }, 'g.npz', /"fc1\.weight" has shape \(16, 70\), expected \(16, 74\)/],
      ['the last up-conv missing', { 'g.npz': zipSync(noLast) }, 'g.npz', /state_dict module 7 \(missing\) is nothing, expected a ConvTranspose2d/],
      ['NaN weights', { 'g.npz': zipSync(nanSd) }, 'g.npz', /3136 of the \d+ weights are NaN or infinite/],
      ['a zip bomb', { 'g.npz': bomb }, 'g.npz', /unpacks to over 40 MB/],
      ['float16', { 'g.npz': zipSync(half) }, 'g.npz', /float16 weights; save float32/],
      ['a .pt file', { 'g.pt': 'x' }, 'g.pt', /"g\.pt" is neither a TF\.js model\.json nor a PyTorch \.npz state_dict/],
    ];
    for (const [what, files, rel, want] of cases) {
      const m = await failure(() => load(files, { model: rel }));
      expect(m, what).toMatch(want);
      oneLine(m);
    }
  });

  test('the export itself: not an object, no path', async () => {
    expect(await failure(() => loadGenerator(submissionFiles(folder({})), undefined, 'infoganTrainedGenerator'))).toMatch(/expected \{ model: "<path>" \}/);
    expect(await failure(() => loadGenerator(submissionFiles(folder({})), { model: 3 } as unknown as GeneratorFiles, 'infoganTrainedGenerator'))).toMatch(/expected "model": a path/);
  });
});

if (mnistMissing()) console.warn(`the generator items are not graded here: ${mnistMissing()}`);
describe.skipIf(mnistMissing() !== undefined)('graded from the files: full marks for the references, none for the empty submission', () => {
  test('the TypeScript reference passes the four generator claims; the categorical accuracy is a leaderboard entry', async () => {
    const r = await gradeSubmission(REFERENCE_SUBMISSION, { course: 'CIE6032', topicIds: ['infogan'] });
    for (const id of GENERATOR_CLAIM_IDS) expect(r.claims[id].status, `${id}: ${r.claims[id].message}`).toBe('passed');
    const board = gradescopeResults(r).leaderboard as { name: string; value: number }[];
    expect(board.map((e) => e.name)).toEqual(['P5 InfoGAN: categorical code as a digit classifier (%)']);
    expect(board[0].value).toBeGreaterThan(80);
    // the digit judge's stored weights were read (training it would cost ≈ 20 s of every grade)
    expect(r.claims['infogan.generator.categorical'].evidence.judgeWeights).toBe('stored');
  }, 120_000);

  let python = '';
  try {
    pythonRuntime();
  } catch (e) {
    python = (e as Error).message;
  }
  test.skipIf(python !== '')(
    python ? `the Python reference: not run here, ${python}` : 'the Python reference (a PyTorch state_dict) passes them too',
    async () => {
      const r = await gradeSubmission(PY_REFERENCE_SUBMISSION, { course: 'CIE6032', topicIds: ['infogan'] });
      for (const id of GENERATOR_CLAIM_IDS) expect(r.claims[id].status, `${id}: ${r.claims[id].message}`).toBe('passed');
    },
    120_000,
  );

  test('real MNIST digits have about 9% grey pixels (0.1 … 0.9), far below the 50% that names a generator untrained', () => {
    const g = realGreyShare();
    expect(g).toBeGreaterThan(0.05);
    expect(g).toBeLessThan(0.2);
  });

  test('the empty submission gets none of their points, and no P5 claim worth points trains at grading time or uses nothing', async () => {
    const r = await gradeSubmission(EMPTY_SUBMISSION, { course: 'CIE6032', topicIds: ['infogan'] });
    for (const id of GENERATOR_CLAIM_IDS) expect(r.claims[id].status, id).not.toBe('passed');
    const p5 = r.courses.find((c) => c.course === 'CIE6032');
    expect(p5?.score).toBe(0);
    const { infoganTopic } = await import('../src/infogan/topic.ts');
    const paid = infoganTopic.claims.filter((c) => c.points > 0);
    expect(paid.filter((c) => c.uses.length === 0 || c.uses.includes('infoganRunConfig')).map((c) => c.id)).toEqual([]);
    expect(paid.filter((c) => c.problem === 5).reduce((a, c) => a + c.points, 0)).toBe(20);
    expect(readFileSync(path.join(REFERENCE_SUBMISSION, 'infogan.ts'), 'utf8')).toContain('infoganTrainedGenerator');
  }, 120_000);
});
