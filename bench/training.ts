/**
 * Training speed of the ELEG5491 HW2 P5 LeNet (CIFAR-10 shapes, SGD momentum 0.9 + weight decay):
 * img/s per backend (wasm in this thread; wasm data-parallel over 2 worker threads; one replica on
 * wasm with 2 XNNPACK threads, src/wasm-threads.ts; the pure-JS cpu backend) and, when
 * `/usr/bin/python3 -c 'import torch'` works, PyTorch's img/s on the same network and batch with 2 threads — and the ratio.  Random images (the speed does not depend
 * on the pixels).  Times are wall clock of the training steps only; on a shared machine they are
 * noisy, so the load average is printed with them.
 *   npx tsx bench/training.ts        (or via npm run bench)
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Cifar10 } from '../src/data/cifar10.ts';
import { trainCifar, VARIANTS } from '../src/cifar/train.ts';
import type { TrainingBackend } from '../src/training/setup.ts';
import { makeRng } from '../src/verify/rng.ts';

const PY = '/usr/bin/python3';

function randomData(n: number): Cifar10 {
  const rng = makeRng(1);
  const images = new Uint8Array(new SharedArrayBuffer(n * 3072)),
    labels = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < images.length; i++) images[i] = rng.int(0, 255);
  for (let i = 0; i < n; i++) labels[i] = rng.int(0, 9);
  return { train: { images, labels, n }, test: { images, labels, n }, dir: 'random' };
}

export interface Speed {
  /** images per second of wall clock */
  imgPerSec: number;
  /** images per CPU-second (all threads of the process): what a core delivers, robust to other load */
  imgPerCpuSec: number;
}

export async function dlspecSpeed(backend: TrainingBackend, workers: number, batch: number, images: number, variant: keyof typeof VARIANTS = 'he'): Promise<Speed> {
  const data = randomData(Math.max(images, batch));
  const r = await trainCifar(data, { variant: VARIANTS[variant], epochs: 1, batchSize: batch, trainLimit: images, testLimit: batch, workers, backend });
  return { imgPerSec: r.imgPerSec, imgPerCpuSec: r.imgPerCpuSec };
}

/**
 * The same measurement in a child process whose wasm runs `threads` XNNPACK threads (a process fixes
 * its thread count when it first starts wasm, and this one already did): one replica, intra-op threads.
 */
export function dlspecSpeedThreaded(threads: number, batch: number, images: number): Speed {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(batch), String(images)], {
    encoding: 'utf8',
    env: { ...process.env, DLSPEC_WASM_THREADS: String(threads), DLSPEC_QUIET_BACKEND: '1' },
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`threaded dlspec benchmark failed (status ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Speed;
}

const TORCH_SCRIPT = `
import json, sys, time, torch, torch.nn as nn, torch.nn.functional as F
B = int(sys.argv[1]); bn = sys.argv[2] == 'bn'; torch.set_num_threads(int(sys.argv[3])); torch.manual_seed(0)
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(3, 6, 5); s.c2 = nn.Conv2d(6, 16, 5)
        s.f1 = nn.Linear(400, 120); s.f2 = nn.Linear(120, 84); s.f3 = nn.Linear(84, 10)
        s.b = nn.ModuleList([nn.BatchNorm2d(6), nn.BatchNorm2d(16), nn.BatchNorm1d(120), nn.BatchNorm1d(84)]) if bn else None
    def n(s, i, x): return s.b[i](x) if s.b is not None else x
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.n(0, s.c1(x))), 2); x = F.max_pool2d(F.relu(s.n(1, s.c2(x))), 2)
        x = x.flatten(1); x = F.relu(s.n(2, s.f1(x))); x = F.relu(s.n(3, s.f2(x))); return s.f3(x)
net = Net(); opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9, weight_decay=5e-4)
x = torch.randn(B, 3, 32, 32); y = torch.randint(0, 10, (B,))
def step():
    opt.zero_grad(); F.cross_entropy(net(x), y).backward(); opt.step()
for _ in range(10): step()
n = 0; t0 = time.perf_counter(); c0 = time.process_time()
while time.perf_counter() - t0 < 4: step(); n += 1
print(json.dumps({"imgPerSec": n * B / (time.perf_counter() - t0), "imgPerCpuSec": n * B / (time.process_time() - c0), "torch": torch.__version__}))
`;

/** PyTorch's speed on the same LeNet and batch, or undefined when torch is absent. */
export function torchSpeed(batch: number, threads = 2, bn = false): (Speed & { version: string }) | undefined {
  const probe = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const r = spawnSync(PY, ['-c', TORCH_SCRIPT, String(batch), bn ? 'bn' : 'plain', String(threads)], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`PyTorch benchmark failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { imgPerSec: number; imgPerCpuSec: number; torch: string };
  return { imgPerSec: j.imgPerSec, imgPerCpuSec: j.imgPerCpuSec, version: j.torch };
}

export async function bench(): Promise<void> {
  const load = () => os.loadavg()[0].toFixed(1);
  const line = (s: string) => console.log(`[bench training] ${s}`);
  const fmt = (x: Speed) => `${Math.round(x.imgPerSec)} img/s (${Math.round(x.imgPerCpuSec)} img per CPU-s)`;
  line(`LeNet (62,006 params) training steps on random 32×32×3 images, SGD momentum + weight decay; ${os.cpus().length} CPU cores, load average ${load()}`);
  line('img/s = wall clock (what you wait for; depends on other load); img per CPU-s = per core busy (robust to load)');
  const torchOk = torchSpeed(8, 1) !== undefined;
  // 12,800 images a measurement (400 steps at batch 32): fewer let the first steps' JIT warm-up weigh in
  // (40 steps at batch 32 measured 2,104 img/s where 400 gave 2,491, same code, same quiet machine)
  const IMAGES = 12_800;
  for (const batch of [32, 128]) {
    const w1 = await dlspecSpeed('wasm', 0, batch, IMAGES);
    line(`batch ${batch}: dlspec wasm, 1 thread (own kernels): ${fmt(w1)}  [load ${load()}]`);
    const w2 = await dlspecSpeed('wasm', 2, batch, IMAGES);
    line(`batch ${batch}: dlspec wasm, 2 worker threads (data-parallel): ${fmt(w2)}  [load ${load()}]`);
    const wt = dlspecSpeedThreaded(2, batch, IMAGES);
    line(`batch ${batch}: dlspec wasm, 1 replica with 2 XNNPACK threads (DLSPEC_WASM_THREADS=2): ${fmt(wt)}  [load ${load()}]`);
    const bn = await dlspecSpeed('wasm', 2, batch, IMAGES, 'bn');
    line(`batch ${batch}: dlspec wasm + batch norm, 2 workers: ${fmt(bn)}`);
    if (!torchOk) {
      line(`batch ${batch}: PyTorch not available (${PY} -c 'import torch' fails; apt-get install -y python3-torch) — no ratio`);
      continue;
    }
    const t1 = torchSpeed(batch, 1)!,
      t2 = torchSpeed(batch, 2)!;
    line(`batch ${batch}: PyTorch ${t2.version} CPU, 1 thread: ${fmt(t1)}; 2 threads: ${fmt(t2)}  [load ${load()}]`);
    const best = Math.max(w1.imgPerSec, w2.imgPerSec, wt.imgPerSec),
      tbest = Math.max(t1.imgPerSec, t2.imgPerSec);
    line(`batch ${batch}: ratio dlspec/PyTorch — wall clock, best of each: ${(best / tbest).toFixed(2)}×; per CPU-second, 1 thread each: ${(w1.imgPerCpuSec / t1.imgPerCpuSec).toFixed(2)}×`);
  }
  const cpu = await dlspecSpeed('cpu', 0, 32, 64);
  line(`batch 32: tfjs cpu backend (pure JS, stock kernels; for reference): ${cpu.imgPerSec.toFixed(1)} img/s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (process.argv[2] === '--child') {
    const s = await dlspecSpeed('wasm', 0, Number(process.argv[3]), Number(process.argv[4]));
    process.stdout.write(`${JSON.stringify(s)}\n`);
  } else await bench();
}
