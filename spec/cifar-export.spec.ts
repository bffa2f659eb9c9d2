/**
 * The key's LeNet exported as a TensorFlow.js LayersModel (what a student hands in for HW2 P5):
 * loaded back from its `model.json` + `weights.bin`, it gives the key's inference logits.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { exportLeNetLayersModel } from '../src/cifar/export-model.ts';
import { loadLayersModelArtifacts, WEIGHTS_FILE } from '../src/verify/layers-artifacts.ts';
import { initLeNetParams, LeNet, LENET_PARAM_COUNT, type ParamArrays } from '../src/cifar/lenet.ts';
import { setupTrainingBackend } from '../src/training/setup.ts';
import { makeRng } from '../src/verify/rng.ts';

beforeAll(async () => {
  await setupTrainingBackend('wasm');
});

/** He-initialised parameters with non-trivial biases and, with BN, non-trivial γ, β and running statistics */
function randomParams(seed: number, batchNorm: boolean): ParamArrays {
  const p = initLeNetParams({ init: 'he', batchNorm, seed });
  const rng = makeRng(seed + 7);
  for (const [k, a] of Object.entries(p)) {
    if (k.endsWith('b') || k.endsWith('Beta')) for (let i = 0; i < a.length; i++) a[i] = 0.1 * rng.normal();
    if (k.endsWith('Gamma')) for (let i = 0; i < a.length; i++) a[i] = 0.5 + rng.next();
  }
  if (batchNorm) {
    for (const [bn, c] of Object.entries({ bn1: 6, bn2: 16, bn3: 120, bn4: 84 })) {
      p[`running:${bn}Mean`] = Float32Array.from({ length: c }, () => 0.5 * rng.normal());
      p[`running:${bn}Var`] = Float32Array.from({ length: c }, () => 0.2 + 3 * rng.next());
    }
  }
  return p;
}

describe('cifar export: the key LeNet as a LayersModel', () => {
  for (const batchNorm of [false, true]) {
    test(`${batchNorm ? 'with' : 'without'} batch norm: loaded back from model.json + weights.bin, the same logits as LeNet.forward(x, false)`, async () => {
      const params = randomParams(batchNorm ? 11 : 5, batchNorm);
      // the constructor takes the trainable parameters; setParams also sets the running statistics
      const net = new LeNet(Object.fromEntries(Object.entries(params).filter(([k]) => !k.startsWith('running:'))), batchNorm);
      net.setParams(params);
      // exported from the net's own getParams(): trainable tensors plus running:bn*Mean/Var
      const exported = await net.getParams();
      if (batchNorm) expect(exported['running:bn3Var']).toEqual(params['running:bn3Var']);
      const art = await exportLeNetLayersModel(exported, batchNorm);
      const json = JSON.parse(art.modelJson);
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0].paths).toEqual([WEIGHTS_FILE]);
      const bnValues = batchNorm ? 4 * (6 + 16 + 120 + 84) : 0;
      expect(art.weights.byteLength).toBe(4 * (LENET_PARAM_COUNT + bnValues));
      const model = await loadLayersModelArtifacts(art.modelJson, art.weights);
      try {
        expect(model.inputs[0].shape).toEqual([null, 32, 32, 3]);
        expect(model.outputs[0].shape).toEqual([null, 10]);
        const rng = makeRng(99);
        const N = 16;
        const x = tf.tensor4d(
          Float32Array.from({ length: N * 3072 }, () => 2 * rng.next() - 1),
          [N, 32, 32, 3],
        );
        const want = tf.tidy(() => net.forward(x, false));
        const got = model.predict(x) as tf.Tensor;
        const w = want.dataSync(),
          g = got.dataSync();
        tf.dispose([x, want, got]);
        expect(g.length).toBe(N * 10);
        let maxErr = 0,
          scale = 0;
        for (let i = 0; i < w.length; i++) {
          maxErr = Math.max(maxErr, Math.abs(w[i] - g[i]));
          scale = Math.max(scale, Math.abs(w[i]));
        }
        expect(scale).toBeGreaterThan(0.1); // the logits are not trivially 0
        expect(maxErr).toBeLessThan(1e-5 * Math.max(1, scale));
      } finally {
        model.dispose();
        net.dispose();
      }
    });
  }

  test('a missing running statistic is refused', async () => {
    const p = randomParams(3, true);
    delete p['running:bn1Mean'];
    await expect(exportLeNetLayersModel(p, true)).rejects.toThrow(/running:bn1Mean is missing/);
  });
});
