/**
 * The reference submission's CIE6032 HW2 P5 artifact: the key's CPU InfoGAN (src/infogan/train.ts,
 * arch 'cpu', batch 32, seed 20260611: the slow suite's 5,000-step run, taken at step 2,250, where it already
 * meets every generator claim — training it on, at ≈ 0.3 s a step, cost more than the fixture gains), its
 * generator exported as a TensorFlow.js LayersModel (`model.json` + `weights.bin`, what `model.save()` writes):
 *   fixtures/submissions/reference/infogan-generator/
 * The exported model is loaded back and must give the key's own generator's images (max pixel
 * difference ≤ 1e-5); then the grader's four generator claims measure it.
 *   npx tsx scripts/make-infogan-generator.mts [--checkpoint DIR]    train (resumable in DIR) or export DIR's checkpoint, check, measure
 *   npx tsx scripts/make-infogan-generator.mts --measure FOLDER REL   measure any generator file (e.g. a PyTorch .npz checkpoint)
 * It also writes the known-wrong generators, from the same weights, as float16 LayersModels (half the bytes):
 *   fixtures/wrong/infogan/generators/code-ignored/       the categorical code's weights (g1's rows 62–71) zeroed
 *   fixtures/wrong/infogan/generators/continuous-inert/   c₂'s weights (g1's row 72) zeroed
 *   fixtures/wrong/infogan/generators/untrained/          a freshly initialised generator (FC 32, c₁ 8, c₂ 8)
 *   fixtures/wrong/infogan/generators/tanh-output/        the key's model.json with a tanh on the last layer (no weights)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeContext } from '../src/claims/run.ts';
import { ClaimFailure } from '../src/claims/types.ts';
import { loadMnist, mnistFloat } from '../src/data/mnist.ts';
import { initBackend, tf } from '../src/backend.ts';
import type { InfoganContract } from '../src/infogan/contract.ts';
import { exportGenerator, type GeneratorTensors } from '../src/infogan/export-generator.ts';
import { WEIGHTS_FILE } from '../src/verify/layers-artifacts.ts';
import { generatorClaims } from '../src/infogan/generator-claims.ts';
import { loadGenerator } from '../src/infogan/generator-artifact.ts';
import { InfoGanNet, LATENT_DIM } from '../src/infogan/model.ts';
import { trainInfoGan } from '../src/infogan/train.ts';
import { readCheckpoint } from '../src/training/loop.ts';
import { registerTrainingKernels } from '../src/training/setup.ts';
import { submissionFiles } from '../src/verify/files.ts';
import { makeRng } from '../src/verify/rng.ts';

const ROOT = path.join(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'fixtures', 'submissions', 'reference', 'infogan-generator');
const SEED = 20260611;
const REFERENCE_STEP = 2250;
const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

/** The grader's four generator claims on one generator file; prints what each measured. */
async function measure(folder: string, rel: string, seed?: number): Promise<boolean> {
  const impl = { infoganTrainedGenerator: { model: rel } } as unknown as InfoganContract;
  const ctx = makeContext({ filesRoot: folder, mode: 'submission', outDir: path.join(ROOT, 'out'), seed });
  if (seed !== undefined) console.log(`seed ${seed}`);
  let ok = true;
  for (const c of generatorClaims) {
    const t0 = performance.now();
    try {
      const ev = await c.check(impl, ctx);
      const { confusion: _c, meanCurve: _m, ...shown } = ev as Record<string, unknown>;
      console.log(`PASS ${c.id} (${((performance.now() - t0) / 1000).toFixed(1)} s) ${JSON.stringify(shown, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v))}`);
    } catch (e) {
      ok = false;
      console.log(`FAIL ${c.id} (${((performance.now() - t0) / 1000).toFixed(1)} s) ${e instanceof ClaimFailure ? e.message : (e as Error).stack}`);
    }
  }
  return ok;
}

await initBackend();
const measureArgs = opt('--measure');
if (measureArgs) {
  const rel = args[args.indexOf('--measure') + 2];
  // --seeds a,b,c: the seeds a grade would use for other students
  const seeds = opt('--seeds')?.split(',').map(Number) ?? [undefined];
  let ok = true;
  for (const seed of seeds) ok = (await measure(path.resolve(measureArgs), rel, seed)) && ok;
  process.exit(ok ? 0 : 1);
}

const ckDir = path.resolve(opt('--checkpoint') ?? path.join(ROOT, 'out', 'infogan', 'reference-generator-ckpt'));
let ck = readCheckpoint<{ step: number }>(ckDir);
if (!ck || ck.meta.step < REFERENCE_STEP) {
  if (args.includes('--no-train')) {
    if (!ck) throw new Error(`no checkpoint in ${ckDir}`);
    console.log(`exporting the checkpoint at step ${ck.meta.step}`);
  } else {
    registerTrainingKernels((await initBackend()).name);
    // the 5,000-step run's first REFERENCE_STEP steps: every step's draws come from (seed, step), so stopping changes nothing before it
    const stopAfter = REFERENCE_STEP - (ck?.meta.step ?? 0);
    const st = await trainInfoGan({
      images: mnistFloat(loadMnist('train')),
      arch: 'cpu',
      seed: SEED,
      steps: 5000,
      stopAfter,
      batchSize: 32,
      checkpointDir: ckDir,
      checkpointEvery: 250,
      logEvery: 100,
    });
    st.net.dispose();
    st.optD.dispose();
    st.optG.dispose();
    ck = readCheckpoint<{ step: number }>(ckDir)!;
  }
}
// the generator's tensors (G's parameters and its batch norms' running statistics)
const net = new InfoGanNet('cpu', SEED);
const tensors: GeneratorTensors = {};
for (const [name, v] of net.namedTensors()) {
  const t = ck.tensor(`net/${name}`);
  v.assign(tf.tensor(t.data, t.shape));
  if (/^g\d/.test(name)) tensors[name] = { shape: t.shape, data: t.data };
}
async function write(dir: string, t: GeneratorTensors, float16: boolean): Promise<void> {
  const { modelJson, weights } = await exportGenerator(t, { float16 });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.json'), modelJson);
  writeFileSync(path.join(dir, WEIGHTS_FILE), weights);
  console.log(`wrote ${path.relative(ROOT, dir)}: model.json ${modelJson.length} bytes, ${WEIGHTS_FILE} ${weights.length} bytes`);
}
console.log(`the key's generator at step ${ck.meta.step}`);
await write(OUT, tensors, false);
const WRONG = path.join(ROOT, 'fixtures', 'wrong', 'infogan', 'generators');
const zeroRows = (rows: number[]): GeneratorTensors => {
  const w = tensors['g1/w'];
  const data = w.data.slice();
  const fc = w.shape[1];
  for (const r of rows) data.fill(0, r * fc, (r + 1) * fc);
  return { ...tensors, 'g1/w': { shape: w.shape, data } };
};
await write(path.join(WRONG, 'code-ignored'), zeroRows([62, 63, 64, 65, 66, 67, 68, 69, 70, 71]), true);
await write(path.join(WRONG, 'continuous-inert'), zeroRows([72]), true);
{
  // tanh on the last layer: the model.json alone (the grader refuses it before reading a weight)
  const json = JSON.parse((await exportGenerator(tensors)).modelJson) as { modelTopology: { config: { layers: { config: { activation?: string } }[] } } };
  json.modelTopology.config.layers.at(-1)!.config.activation = 'tanh';
  mkdirSync(path.join(WRONG, 'tanh-output'), { recursive: true });
  writeFileSync(path.join(WRONG, 'tanh-output', 'model.json'), JSON.stringify(json));
}
{
  // untrained: the key's initialisation (Glorot dense, N(0, 0.02²) up-convolutions, BN γ 1, β 0, running mean 0, variance 1) at small widths
  const r = makeRng('untrained-generator');
  const fc = 32,
    c1 = 8,
    c2 = 8;
  const glorot = (i: number, o: number) => ({ shape: [i, o], data: Float32Array.from({ length: i * o }, () => r.uniform(-1, 1) * Math.sqrt(6 / (i + o))) });
  const normal = (shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.02 * r.normal()) });
  const fill = (n: number, v: number) => ({ shape: [n], data: new Float32Array(n).fill(v) });
  const bn = (name: string, n: number): GeneratorTensors => ({
    [`${name}/gamma`]: fill(n, 1),
    [`${name}/beta`]: fill(n, 0),
    [`${name}/running_mean`]: fill(n, 0),
    [`${name}/running_var`]: fill(n, 1),
  });
  const fresh: GeneratorTensors = {
    'g1/w': glorot(LATENT_DIM, fc),
    ...bn('g1bn', fc),
    'g2/w': glorot(fc, 49 * c1),
    ...bn('g2bn', 49 * c1),
    'g3/w': normal([4, 4, c2, c1]),
    ...bn('g3bn', c2),
    'g4/w': normal([4, 4, 1, c2]),
    'g4/b': fill(1, 0),
  };
  await write(path.join(WRONG, 'untrained'), fresh, false);
}

// the file, read as the grader reads it, must give the key's generator's images
const g = await loadGenerator(submissionFiles(path.dirname(OUT)), { model: 'infogan-generator/model.json' }, 'check');
const rng = makeRng('export-check');
const n = 64;
const z = Float32Array.from({ length: n * LATENT_DIM }, () => rng.normal());
const a = g.generate(z, n);
const b = tf.tidy(() => net.generate(tf.tensor2d(z, [n, LATENT_DIM]), false)).dataSync();
let diff = 0;
for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
console.log(`exported model vs the key's generator: max pixel difference ${diff.toExponential(2)}`);
if (!(diff <= 1e-5)) throw new Error('the exported generator does not reproduce the key’s');
g.dispose();
net.dispose();
process.exit((await measure(path.dirname(OUT), 'infogan-generator/model.json')) ? 0 : 1);
