/**
 * Training speed of the CIFAR LeNet on WebGPU (Dawn on a Vulkan driver, src/webgpu.ts) beside the same
 * Replica step on wasm (one thread, dlspec's kernels) and PyTorch (CPU, when installed): img/s of
 * Replica.trainStep on random 32×32×3 images, batch 32 and 128, after warm-up steps (the first
 * steps compile shaders). WebGPU runs in a child process: its Dawn instance and backend stay out of
 * this one. On a software adapter (llvmpipe) the number measures the GPU code path's cost on a CPU,
 * not a GPU: the output says so.
 *   npx tsx bench/webgpu.ts        (or via npm run bench)
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Replica } from '../src/cifar/replica.ts';
import { initLeNetParams } from '../src/cifar/lenet.ts';
import { setupTrainingBackend } from '../src/training/setup.ts';
import { probeWebGpu } from '../src/webgpu.ts';
import { makeRng } from '../src/verify/rng.ts';
import { torchSpeed } from './training.ts';

interface Measured {
  imgPerSec: number;
  steps: number;
  /** the adapter (webgpu) */
  adapter?: string;
  software?: boolean;
}

/** img/s of `seconds` of Replica steps (at least 5) after `warm` warm-up steps, in this process */
async function replicaSpeed(backend: 'wasm' | 'webgpu', batch: number, seconds: number, warm: number): Promise<Measured> {
  await setupTrainingBackend(backend);
  const r = makeRng(1);
  const n = batch * 4;
  const split = { images: Uint8Array.from({ length: n * 3072 }, () => r.int(0, 255)), labels: Uint8Array.from({ length: n }, () => r.int(0, 9)), n };
  const rep = new Replica(split, split, {
    batchNorm: false,
    params: initLeNetParams({ init: 'he', batchNorm: false, seed: 1 }),
    optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9, weightDecay: 5e-4 },
    augment: false,
  });
  const idx = (s: number) => Int32Array.from({ length: batch }, (_, i) => ((s % 4) * batch + i) % n);
  for (let s = 0; s < warm; s++) await rep.trainStep(idx(s), s, 0.001);
  let steps = 0;
  const t0 = performance.now();
  while (steps < 5 || performance.now() - t0 < seconds * 1000) {
    await rep.trainStep(idx(steps), steps, 0.001);
    steps++;
  }
  const imgPerSec = (steps * batch) / ((performance.now() - t0) / 1000);
  rep.dispose();
  return { imgPerSec, steps };
}

/** the WebGPU measurement in a child process; a string says why there is none */
function webgpuSpeed(batch: number): Measured | string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(batch)], {
    encoding: 'utf8',
    env: { ...process.env, DLSPEC_QUIET_BACKEND: '1' },
    timeout: 600_000,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) return `the WebGPU run failed (status ${r.status}): ${(r.stderr || last).trim().split('\n').slice(-3).join(' ')}`;
  return JSON.parse(last) as Measured;
}

export async function bench(): Promise<void> {
  const line = (s: string) => console.log(`[bench webgpu] ${s}`);
  const probe = await probeWebGpu();
  if (!probe.ok) {
    line(`no WebGPU adapter here: ${probe.reason}`);
    return;
  }
  line(`LeNet (62,006 params) training steps, Replica.trainStep, random 32×32×3 images; ${os.cpus().length} CPU cores, load average ${os.loadavg()[0].toFixed(1)}`);
  line(
    probe.software
      ? `adapter: ${probe.description} — a SOFTWARE adapter: WebGPU runs on the CPU here, so its img/s is the GPU code path's cost on a CPU (a correctness path, checked by spec/gpu-smoke.spec.ts), not a GPU's speed`
      : `adapter: ${probe.description} (a GPU)`,
  );
  const torchOk = torchSpeed(8, 1) !== undefined;
  for (const batch of [32, 128]) {
    const w = await replicaSpeed('wasm', batch, 4, 10);
    const g = webgpuSpeed(batch);
    const t = torchOk ? torchSpeed(batch, 2) : undefined;
    const gpuText = typeof g === 'string' ? g : `${Math.round(g.imgPerSec)} img/s (${g.steps} steps)`;
    line(
      `batch ${batch}: webgpu ${gpuText}; wasm 1 thread ${Math.round(w.imgPerSec)} img/s; ` +
        (t ? `PyTorch ${t.version} CPU 2 threads ${Math.round(t.imgPerSec)} img/s` : `PyTorch not available (apt-get install -y python3-torch)`) +
        (typeof g === 'string'
          ? ''
          : ` — webgpu/wasm ${(g.imgPerSec / w.imgPerSec).toFixed(2)}×${t ? `, webgpu/PyTorch ${(g.imgPerSec / t.imgPerSec).toFixed(2)}×` : ''}${probe.software ? ' (software adapter: not a GPU figure)' : ''}`),
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (process.argv[2] === '--child') {
    const batch = Number(process.argv[3]);
    const p = await probeWebGpu();
    if (!p.ok) {
      process.stdout.write(`${JSON.stringify({ error: p.reason })}\n`);
      process.exit(1);
    }
    // a software adapter is slow: fewer warm-up steps, the same measuring time
    const m = await replicaSpeed('webgpu', batch, 4, 3);
    process.stdout.write(`${JSON.stringify({ ...m, adapter: p.description, software: p.software })}\n`);
    process.exit(0); // Dawn's instance would keep the process alive
  } else await bench();
}
