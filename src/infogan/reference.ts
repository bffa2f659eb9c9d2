/**
 * The reference implementation of the InfoGAN contract.
 */
import { initBackend, tf } from '../backend.ts';
import { parseIdx } from '../data/mnist.ts';
import { gpuTrainingBackend, registerTrainingKernels, setupTrainingBackend } from '../training/setup.ts';
import { makeRng } from '../verify/rng.ts';
import type { InfoganContract, InfoganTrained, InfoganTrainOptions } from './contract.ts';
import { bestAssignment, infoLoss } from './measure.ts';
import { CONT_DIM, InfoGanNet, LATENT_DIM, PIXELS } from './model.ts';
import { sampleLatent, trainInfoGan } from './train.ts';

/** G and Q of a trained net as plain functions on Float32Arrays (batch-norm running statistics). */
export function netModel(net: InfoGanNet): InfoganTrained {
  return {
    generate(z: Float32Array, n: number): Float32Array {
      const t = tf.tidy(() => net.generate(tf.tensor2d(z, [n, LATENT_DIM]), false));
      const out = t.dataSync() as Float32Array;
      t.dispose();
      return Float32Array.from(out);
    },
    q(x: Float32Array, n: number) {
      const [l, m] = tf.tidy(() => {
        const r = net.qHead(net.body(tf.tensor2d(x, [n, PIXELS]), false), false);
        return [r.logits, r.mean];
      });
      const out = { logits: Float32Array.from(l.dataSync()), mean: Float32Array.from(m.dataSync()) };
      l.dispose();
      m.dispose();
      return out;
    },
  };
}

export const infoganReference: InfoganContract = {
  infoganReadIdx: (bytes) => parseIdx(bytes),
  infoganSampleLatent(n, seed) {
    const l = sampleLatent(makeRng(seed), n);
    const rows = (a: Float32Array, k: number) => Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * k, (i + 1) * k)));
    return { z: rows(l.z, LATENT_DIM), cat: Array.from(l.cat), cont: rows(l.cont, CONT_DIM) };
  },
  infoganInfoLoss: (logits, cat, mean, cont) => infoLoss(logits, cat, mean, cont),
  infoganAssign: (c) => bestAssignment(c),
  async infoganTrain(o: InfoganTrainOptions) {
    const checks = (await initBackend()).name;
    // the paper's model trains on a GPU where there is one (tfjs-node-gpu, else WebGPU)
    const gpu = o.arch === 'paper' ? await gpuTrainingBackend() : undefined;
    if (gpu) process.stderr.write(`[infogan] paper model trains on ${gpu.backend ? gpu.detail : `${checks} (${gpu.reason})`}\n`);
    if (gpu?.backend) await setupTrainingBackend(gpu.backend);
    else registerTrainingKernels(checks); // the CPU model's G is convolutional: its weight gradients need the training kernels on wasm
    const st = await trainInfoGan({ ...o, logEvery: o.log ? 100 : 0 });
    // a resumed run reads Adam's state from the checkpoint, not from these
    st.optD.dispose();
    st.optG.dispose();
    if (gpu?.backend !== 'webgpu') return netModel(st.net);
    // the checks read G and Q synchronously, which webgpu cannot: the trained net moves to their backend
    const values = await Promise.all(st.net.namedTensors().map(([, v]) => v.data()));
    if (checks === 'webgpu')
      await setupTrainingBackend('wasm'); // DLSPEC_BACKEND=webgpu: read back on wasm
    else await tf.setBackend(checks);
    const net = new InfoGanNet(st.net.arch, o.seed);
    tf.tidy(() => net.namedTensors().forEach(([, v], i) => v.assign(tf.tensor(values[i], v.shape))));
    st.net.dispose();
    return netModel(net);
  },
  /** CPU: 5,000 steps of batch 32 with the code read under style warps, one core in the slow suite;
   *  the paper's model: 25,000 steps of batch 64 (docs/topics/infogan.md) */
  infoganRunConfig: { cpu: { steps: 5000, batchSize: 32 }, paper: { steps: 25_000, batchSize: 64 } },
  // the key's CPU model's generator, in the reference submission's folder (scripts/make-infogan-generator.mts)
  infoganTrainedGenerator: { model: 'infogan-generator/model.json' },
};
