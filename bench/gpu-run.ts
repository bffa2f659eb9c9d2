/**
 * The heaviest `gpu` claim that fits a GPU machine lent for minutes: the paper's InfoGAN (the
 * `infogan.gpu.*` claims' run, 25,000 steps of batch 64) trained on the GPU backend for a time budget,
 * in chunks that resume from a checkpoint, then measured as the claims measure it.  Prints one JSON
 * line: the adapter, steps reached, steps/s, the time the whole run takes at that pace, and at the step
 * reached I(c₁; Q)'s lower bound and Q's categorical accuracy on the 10,000 MNIST test digits, beside
 * the claims' floors.  Run here (software adapter: DLSPEC_GPU_BACKEND=webgpu) or from the bundle that
 * scripts/gpu-bundle.sh makes for a machine without Node:
 *   npx tsx bench/gpu-run.ts [--seconds 420] [--steps 25000] [--chunk 500] [--dir out/gpu-run]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.ts';
import { loadMnist, mnistFloat, mnistMissing } from '../src/data/mnist.ts';
import { ACC_FLOOR, MI_FLOOR } from '../src/infogan/claims.ts';
import { categoricalAccuracy, measureMi } from '../src/infogan/evaluate.ts';
import { infoganReference } from '../src/infogan/reference.ts';
import { gpuTrainingBackend } from '../src/training/setup.ts';
import type { InfoganTrained } from '../src/infogan/contract.ts';

const { values: a } = parseArgs({
  options: {
    seconds: { type: 'string', default: '420' },
    steps: { type: 'string', default: String(infoganReference.infoganRunConfig.paper.steps) },
    batch: { type: 'string', default: String(infoganReference.infoganRunConfig.paper.batchSize) },
    chunk: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string', default: 'out/gpu-run' },
    json: { type: 'string' },
  },
});
const num = (k: keyof typeof a): number => {
  const v = Number(a[k]);
  if (v > 0) return v;
  console.error(`gpu-run: --${k} must be a positive number, got ${a[k]}`);
  return process.exit(2);
};
const [budget, total, batch, chunk, seed] = [num('seconds'), num('steps'), num('batch'), num('chunk'), num('seed')];

const missing = mnistMissing();
if (missing) {
  console.error(`gpu-run: ${missing}`);
  process.exit(2);
}
const checks = (await initBackend({ quiet: true })).name;
const gpu = await gpuTrainingBackend();
if (!gpu.backend) {
  console.error(`gpu-run: no GPU backend: ${gpu.reason}`);
  process.exit(2);
}
const images = mnistFloat(loadMnist('train'));
// a fresh run: the chunks of this one resume from each other, not from an earlier run's checkpoint
rmSync(a.dir!, { recursive: true, force: true });
mkdirSync(a.dir!, { recursive: true });
const t0 = performance.now();
let step = 0;
let model: InfoganTrained | undefined;
const chunks: { steps: number; seconds: number }[] = [];
// a chunk resumes from the last one's checkpoint; the next starts only if it fits the budget at the pace measured so far
while (step < total) {
  const n = Math.min(chunk, total - step);
  const c0 = performance.now();
  model = await infoganReference.infoganTrain({ images, arch: 'paper', seed, steps: total, batchSize: batch, checkpointDir: path.resolve(a.dir!), stopAfter: n, log: (l) => console.error(l) });
  const seconds = (performance.now() - c0) / 1000;
  step += n;
  chunks.push({ steps: n, seconds });
  const pace = chunks.length > 1 ? chunks.slice(1).reduce((s, c) => s + c.seconds / c.steps, 0) / (chunks.length - 1) : seconds / n;
  if ((performance.now() - t0) / 1000 + pace * Math.min(chunk, total - step) > budget) break;
}
// the first chunk compiles the shaders: the pace is that of the others where there are others
const steady = chunks.length > 1 ? chunks.slice(1) : chunks;
const stepsPerSec = steady.reduce((s, c) => s + c.steps, 0) / steady.reduce((s, c) => s + c.seconds, 0);
const trainSeconds = (performance.now() - t0) / 1000;
const test = loadMnist('test');
const e0 = performance.now();
const mi = await measureMi(model!, seed);
const acc = await categoricalAccuracy(model!, mnistFloat(test), test.labels);
const result = {
  backend: gpu.detail,
  checks,
  stepsReached: step,
  stepsOfRun: total,
  batch,
  stepsPerSec: +stepsPerSec.toFixed(2),
  trainSeconds: Math.round(trainSeconds),
  firstChunkSeconds: Math.round(chunks[0].seconds),
  wholeRunMinutes: +(total / stepsPerSec / 60).toFixed(1),
  miLowerBoundNats: +mi.miLowerBound.toFixed(3),
  miFloor: +MI_FLOOR.toFixed(3),
  categoricalAccuracy: +acc.accuracy.toFixed(4),
  accuracyFloor: ACC_FLOOR,
  evalSeconds: Math.round((performance.now() - e0) / 1000),
  note: step < total ? `measured after ${step} of ${total} steps: the claims' verdict needs the whole run` : 'the whole run: these are the claims’ measurements',
};
console.log(JSON.stringify(result));
if (a.json) writeFileSync(a.json, `${JSON.stringify(result, null, 2)}\n`);
