/** Worker-thread side of data-parallel training: one Replica on its own wasm backend. */
import { parentPort, workerData } from 'node:worker_threads';
import { serveWorker } from '../training/spawn.ts';
import { setupTrainingBackend, type TrainingBackend } from '../training/setup.ts';
import type { Cifar10Split } from '../data/cifar10.ts';
import { Replica, type ReplicaConfig } from './replica.ts';

const wd = workerData as { train: Cifar10Split; test: Cifar10Split; cfg: ReplicaConfig; backend: TrainingBackend };
await setupTrainingBackend(wd.backend);
const r = new Replica(wd.train, wd.test, wd.cfg);
serveWorker(parentPort!, {
  grads: (a: { idx: Int32Array; seed: number }) => r.grads(a.idx, a.seed),
  apply: (a: { flat: Float32Array; lr: number }) => r.apply(a.flat, a.lr),
  evaluate: (a: { start: number; end: number }) => r.evaluate(a.start, a.end),
  variances: (a: { n: number }) => r.preActivationVariances(a.n),
  getState: () => r.getState(),
  setState: (a: Parameters<Replica['setState']>[0]) => r.setState(a),
});
parentPort!.postMessage({ id: -1, ok: true, value: 'ready' });
