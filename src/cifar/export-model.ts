/**
 * The key's LeNet (src/cifar/lenet.ts) as a TensorFlow.js LayersModel: the artifacts `model.save()`
 * writes (`model.json` + `weights.bin`), which is what a student hands in for each HW2 P5 variant.
 * The model is an equivalent `tf.sequential`, in the order of `LeNet.forward`:
 *   conv 5×5 ×6 (valid, bias) → [BN] → ReLU → maxpool 2 → conv 5×5 ×16 (valid, bias) → [BN] → ReLU
 *   → maxpool 2 → flatten (NHWC, row-major: the key's reshape) → dense 120 → [BN] → ReLU
 *   → dense 84 → [BN] → ReLU → dense 10 (logits, no softmax)
 * BN is Keras's batchNormalization over the channel axis with ε = BN_EPS and the key's running mean
 * and variance as moving statistics, so in inference mode it computes exactly the key's
 * `tf.batchNorm(z, mean, var, β, γ, ε)`.  Input shape [32, 32, 3], pixels x = v/127.5 − 1.
 */
import * as tf from '@tensorflow/tfjs';
import { saveLayersModel, setLayerWeights, type LayersModelArtifacts } from '../verify/layers-artifacts.ts';
import { BN_EPS, BN_MOMENTUM, LENET_SHAPES, type ParamArrays } from './lenet.ts';

/** the running statistics of a BN layer, as `LeNet.getParams()` names them */
const BN_CHANNELS: Record<string, number> = { bn1: 6, bn2: 16, bn3: 120, bn4: 84 };
const runningKey = (bn: string, stat: 'Mean' | 'Var') => `running:${bn}${stat}`;

function need(p: ParamArrays, name: string, n: number): Float32Array {
  const a = p[name];
  if (!a) throw new Error(`LeNet parameter ${name} is missing`);
  if (a.length !== n) throw new Error(`LeNet parameter ${name} has ${a.length} values, expected ${n}`);
  return a;
}

/** A `tf.sequential` computing the key's `LeNet.forward(x, false)` with these parameters (caller disposes). */
export function lenetLayersModel(params: ParamArrays, batchNorm: boolean): tf.Sequential {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  // every parameter checked before any tensor is made
  for (const [k, s] of Object.entries(LENET_SHAPES)) need(params, k, size(s));
  if (batchNorm) {
    for (const [bn, c] of Object.entries(BN_CHANNELS)) for (const k of [`${bn}Gamma`, `${bn}Beta`, runningKey(bn, 'Mean'), runningKey(bn, 'Var')]) need(params, k, c);
  }
  const model = tf.sequential({ name: batchNorm ? 'lenet_bn' : 'lenet' });
  /** each layer's weights in its own order (a model's weights list the non-trainable ones last) */
  const weights: [string, tf.Tensor[]][] = [];
  const bnLayer = (bn: string, c: number) => {
    if (!batchNorm) return;
    const layer = tf.layers.batchNormalization({ name: bn, axis: -1, epsilon: BN_EPS, momentum: 1 - BN_MOMENTUM });
    model.add(layer);
    // Keras order: gamma, beta, moving mean, moving variance
    weights.push([
      bn,
      [
        tf.tensor1d(need(params, `${bn}Gamma`, c)),
        tf.tensor1d(need(params, `${bn}Beta`, c)),
        tf.tensor1d(need(params, runningKey(bn, 'Mean'), c)),
        tf.tensor1d(need(params, runningKey(bn, 'Var'), c)),
      ],
    ]);
  };
  const withBias = (layer: string, w: string, b: string) => {
    weights.push([layer, [tf.tensor(need(params, w, size(LENET_SHAPES[w])), LENET_SHAPES[w]), tf.tensor1d(need(params, b, size(LENET_SHAPES[b])))]]);
  };
  model.add(tf.layers.conv2d({ name: 'conv1', inputShape: [32, 32, 3], filters: 6, kernelSize: 5, strides: 1, padding: 'valid', useBias: true }));
  withBias('conv1', 'conv1W', 'conv1b');
  bnLayer('bn1', 6);
  model.add(tf.layers.reLU({ name: 'relu1' }));
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2, padding: 'valid' }));
  model.add(tf.layers.conv2d({ name: 'conv2', filters: 16, kernelSize: 5, strides: 1, padding: 'valid', useBias: true }));
  withBias('conv2', 'conv2W', 'conv2b');
  bnLayer('bn2', 16);
  model.add(tf.layers.reLU({ name: 'relu2' }));
  model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2, padding: 'valid' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ name: 'fc1', units: 120, useBias: true }));
  withBias('fc1', 'fc1W', 'fc1b');
  bnLayer('bn3', 120);
  model.add(tf.layers.reLU({ name: 'relu3' }));
  model.add(tf.layers.dense({ name: 'fc2', units: 84, useBias: true }));
  withBias('fc2', 'fc2W', 'fc2b');
  bnLayer('bn4', 84);
  model.add(tf.layers.reLU({ name: 'relu4' }));
  model.add(tf.layers.dense({ name: 'fc3', units: 10, useBias: true }));
  withBias('fc3', 'fc3W', 'fc3b');
  setLayerWeights(model, weights);
  return model;
}

/**
 * The LayersModel artifacts (`model.json` + `weights.bin`, as `model.save()` writes them) of the key's
 * LeNet with `params` (`LeNet.getParams()`: trainable parameters and, with BN, `running:bn*Mean/Var`).
 */
export async function exportLeNetLayersModel(params: ParamArrays, batchNorm: boolean): Promise<LayersModelArtifacts> {
  return saveLayersModel(lenetLayersModel(params, batchNorm));
}
