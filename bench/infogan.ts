/**
 * InfoGAN training throughput (images per second through one D/Q step + one G step), the CPU
 * model ('mlp', batch 64), per tfjs backend available here.  The paper's conv architecture needs
 * @tensorflow/tfjs-node-gpu (its conv weight gradients are missing on wasm and take seconds on cpu).
 * Run: npx tsx bench/infogan.ts  (or through npm run bench).  Timings on a shared machine are noisy.
 */
import { initBackend, tf } from '../src/backend.ts';
import { loadMnist, mnistFloat, mnistMissing } from '../src/data/mnist.ts';
import { trainInfoGan } from '../src/infogan/train.ts';

async function measure(backend: string, steps: number, batchSize: number, images: Float32Array): Promise<number> {
  await tf.setBackend(backend);
  await tf.ready();
  await trainInfoGan({ arch: 'mlp', seed: 1, steps: 2, batchSize, images, logEvery: 0 }); // warm-up (kernel setup)
  const t0 = performance.now();
  await trainInfoGan({ arch: 'mlp', seed: 2, steps, batchSize, images, logEvery: 0 });
  return (steps * batchSize) / ((performance.now() - t0) / 1000);
}

export async function bench(): Promise<void> {
  const info = await initBackend({ quiet: true });
  const miss = mnistMissing();
  const images = miss ? new Float32Array(1000 * 784).map((_, i) => (i * 7919) % 256 / 255) : mnistFloat(loadMnist('train'), 5000);
  const b = 64;
  const plan: [string, number][] = info.name === 'tensorflow' ? [['tensorflow', 50]] : [['wasm', 20], ['cpu', 2]];
  console.log(`InfoGAN (MNIST, CPU model: dense G 74→256→512→784, D 784→512→256, Q head), batch ${b}${miss ? ' (synthetic images: MNIST absent)' : ''}`);
  for (const [name, steps] of plan) {
    if (!tf.findBackend(name) && !(name === 'wasm' && info.name === 'wasm')) {
      console.log(`  ${name.padEnd(10)} not available`);
      continue;
    }
    const ips = await measure(name, steps, b, images);
    console.log(`  ${name.padEnd(10)} ${ips.toFixed(0).padStart(6)} img/s  (${steps} steps, one D/Q + one G step each)`);
  }
  await tf.setBackend(info.name);
  console.log('  paper conv architecture: needs @tensorflow/tfjs-node-gpu (npm run test:gpu); not measured here');
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
