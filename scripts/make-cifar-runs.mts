/**
 * The reference submission's HW2 P5 artifacts: each variant trained with the key's trainer (the recipe
 * of src/cifar/slow.ts: 5 epochs, batch 32, SGD, LR ×0.1 after epoch 4, seed 1) and handed in as a
 * student would — the trained network as a TensorFlow.js LayersModel (`model.json` + `weights.bin`)
 * and the per-epoch log (`log.json`: `[{ epoch, trainLoss, testAccuracy }]`, accuracy a fraction):
 *   fixtures/submissions/reference/cifar-runs/<std001|he|bn>/
 * Each artifact is then loaded back with tfjs and evaluated on the 10,000 test images: its accuracy
 * must equal the log's last one within 0.5 points.
 *   CIFAR10_DIR=… npx tsx scripts/make-cifar-runs.mts [std0.01,he,bn]     (train, export, check)
 *   CIFAR10_DIR=… npx tsx scripts/make-cifar-runs.mts --check [ids]       (re-check written artifacts)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exportLeNetLayersModel } from '../src/cifar/export-model.ts';
import { loadLayersModelArtifacts, WEIGHTS_FILE } from '../src/verify/layers-artifacts.ts';
import { normalizePixel } from '../src/cifar/replica.ts';
import { SLOW_EPOCHS } from '../src/cifar/slow.ts';
import { checkpointParams, trainCifar, VARIANTS, type VariantId } from '../src/cifar/train.ts';
import { loadCifar10, type Cifar10Split } from '../src/data/cifar10.ts';
import { setupTrainingBackend } from '../src/training/setup.ts';

const OUT = path.join(import.meta.dirname, '..', 'fixtures', 'submissions', 'reference', 'cifar-runs');
const DIRS: Partial<Record<VariantId, string>> = { 'std0.01': 'std001', he: 'he', bn: 'bn' };

interface LogLine {
  epoch: number;
  trainLoss: number;
  testAccuracy: number;
}

const args = process.argv.slice(2);
const checkOnly = args.includes('--check');
const ids = (args.find((a) => !a.startsWith('--'))?.split(',') ?? ['std0.01', 'he', 'bn']) as VariantId[];
for (const id of ids) if (!DIRS[id]) throw new Error(`unknown variant ${id} (std0.01, he, bn)`);

const data = loadCifar10();
await setupTrainingBackend('wasm');

/** accuracy of a loaded LayersModel on the whole test split (x = v/127.5 − 1, NHWC) */
async function accuracy(model: tf.LayersModel, split: Cifar10Split): Promise<number> {
  const B = 500;
  let correct = 0;
  for (let s = 0; s < split.n; s += B) {
    const n = Math.min(B, split.n - s);
    const x = new Float32Array(n * 3072);
    for (let i = 0; i < x.length; i++) x[i] = normalizePixel(split.images[s * 3072 + i]);
    const pred = tf.tidy(() => (model.predict(tf.tensor4d(x, [n, 32, 32, 3])) as tf.Tensor).argMax(1).dataSync());
    for (let i = 0; i < n; i++) if (pred[i] === split.labels[s + i]) correct++;
  }
  return correct / split.n;
}

async function train(id: VariantId, dir: string): Promise<void> {
  const ckDir = mkdtempSync(path.join(os.tmpdir(), 'dlspec-cifar-runs-'));
  const checkpointDir = path.join(ckDir, id);
  try {
    const r = await trainCifar(data, {
      variant: VARIANTS[id],
      epochs: SLOW_EPOCHS,
      batchSize: 32,
      workers: 0,
      backend: 'wasm',
      checkpointDir,
      logEvery: 100,
    });
    if (!r.completed || r.epochs.length !== SLOW_EPOCHS) throw new Error(`${id}: training did not complete`);
    // the trainer's final checkpoint (written after the last epoch) holds every parameter and BN's running statistics
    const { epoch, params } = checkpointParams(checkpointDir, Math.floor(data.train.n / 32));
    if (epoch !== SLOW_EPOCHS) throw new Error(`${id}: the checkpoint is of epoch ${epoch}`);
    const art = await exportLeNetLayersModel(params, VARIANTS[id].batchNorm);
    const log: LogLine[] = r.epochs.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, testAccuracy: e.testAcc }));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'model.json'), art.modelJson);
    writeFileSync(path.join(dir, WEIGHTS_FILE), art.weights);
    writeFileSync(path.join(dir, 'log.json'), `${JSON.stringify(log, null, 2)}\n`);
    for (const e of r.epochs) console.error(`[${id}] epoch ${e.epoch}: loss ${e.trainLoss.toFixed(4)} test ${(100 * e.testAcc).toFixed(2)}% (${Math.round(e.seconds)} s)`);
  } finally {
    rmSync(ckDir, { recursive: true, force: true });
  }
}

let bad = 0;
for (const id of ids) {
  const dir = path.join(OUT, DIRS[id]!);
  if (!checkOnly) await train(id, dir);
  const model = await loadLayersModelArtifacts(readFileSync(path.join(dir, 'model.json'), 'utf8'), readFileSync(path.join(dir, WEIGHTS_FILE)));
  const acc = await accuracy(model, data.test);
  model.dispose();
  const log = JSON.parse(readFileSync(path.join(dir, 'log.json'), 'utf8')) as LogLine[];
  const logged = log[log.length - 1].testAccuracy;
  const ok = Math.abs(acc - logged) <= 0.005;
  if (!ok) bad++;
  console.log(`${id}: log ${(100 * logged).toFixed(2)}%, LayersModel re-measured ${(100 * acc).toFixed(2)}% ${ok ? 'ok' : 'MISMATCH (> 0.5 points)'}`);
}
if (bad) process.exit(1);
