/**
 * InfoGAN training throughput (images per second through one D/Q step + one G step), the CPU
 * model ('cpu', at the batch size of the slow claims' run), per tfjs backend available here, and the paper's conv architecture on wasm
 * with dlspec's training kernels (src/training/kernels/wasm.ts) — a few steps, to show why its claims
 * are `gpu` ones.
 * Run: npx tsx bench/infogan.ts  (or through npm run bench).  Timings on a shared machine are noisy.
 */
import { initBackend, tf } from '../src/backend.ts';
import { loadMnist, mnistFloat, mnistMissing } from '../src/data/mnist.ts';
import { disposeTrainState, trainInfoGan } from '../src/infogan/train.ts';
import type { Arch } from '../src/infogan/model.ts';
import { registerTrainingKernels, setupTrainingBackend } from '../src/training/setup.ts';
import { infoganReference } from '../src/infogan/reference.ts';

async function measure(backend: string, steps: number, batchSize: number, images: Float32Array, arch: Arch = 'cpu'): Promise<number> {
  await tf.setBackend(backend);
  await tf.ready();
  disposeTrainState(await trainInfoGan({ arch, seed: 1, steps: arch === 'cpu' ? 2 : 1, batchSize, images, logEvery: 0 })); // warm-up (kernel setup)
  const t0 = performance.now();
  const st = await trainInfoGan({ arch, seed: 2, steps, batchSize, images, logEvery: 0 });
  const ips = (steps * batchSize) / ((performance.now() - t0) / 1000);
  disposeTrainState(st);
  return ips;
}

export async function bench(): Promise<void> {
  const info = await initBackend({ quiet: true });
  registerTrainingKernels(info.name); // the CPU model's G is convolutional (weight gradients need them on wasm)
  const miss = mnistMissing();
  const images = miss ? new Float32Array(1000 * 784).map((_, i) => ((i * 7919) % 256) / 255) : mnistFloat(loadMnist('train'), 5000);
  const run = infoganReference.infoganRunConfig;
  const b = run.cpu.batchSize;
  const plan: [string, number][] =
    info.name === 'tensorflow'
      ? [['tensorflow', 50]]
      : [
          ['wasm', 20],
          ['cpu', 1],
        ];
  console.log(
    `InfoGAN (MNIST, CPU model: the paper's architecture with half its channels and FC 256, Q reading the code under style warps), batch ${b}${miss ? ' (synthetic images: MNIST absent)' : ''}`,
  );
  for (const [name, steps] of plan) {
    if (!tf.findBackend(name) && !(name === 'wasm' && info.name === 'wasm')) {
      console.log(`  ${name.padEnd(10)} not available`);
      continue;
    }
    const ips = await measure(name, steps, b, images);
    console.log(
      `  ${name.padEnd(10)} ${ips.toFixed(0).padStart(6)} img/s  (${steps} steps, one D/Q + one G step each): ${((run.cpu.steps * b) / ips / 60).toFixed(1)} min for the slow claims' ${run.cpu.steps} steps`,
    );
  }
  if (info.name === 'tensorflow') {
    console.log(`  paper conv architecture (tensorflow) ${(await measure('tensorflow', 20, run.paper.batchSize, images, 'paper')).toFixed(0).padStart(6)} img/s  (20 steps)`);
  } else {
    await setupTrainingBackend('wasm');
    const bp = run.paper.batchSize;
    const ips = await measure('wasm', 3, bp, images, 'paper');
    console.log(
      `  paper conv architecture (wasm + dlspec's training kernels), batch ${bp}: ${ips.toFixed(1)} img/s  (3 steps): ${((run.paper.steps * bp) / ips / 3600).toFixed(0)} h for the gpu claims' ${run.paper.steps} steps`,
    );
  }
  await tf.setBackend(info.name);
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
