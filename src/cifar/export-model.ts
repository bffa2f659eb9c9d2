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
import { BN_EPS, BN_MOMENTUM, LENET_SHAPES, type ParamArrays } from './lenet.ts';

export interface LayersModelArtifacts {
  /** the text of `model.json` (topology + weights manifest pointing at `weights.bin`) */
  modelJson: string;
  /** the contents of `weights.bin` */
  weights: Uint8Array;
}

export const WEIGHTS_FILE = 'weights.bin';

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
  try {
    for (const [layer, ws] of weights) model.getLayer(layer).setWeights(ws);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(weights.flatMap(([, ws]) => ws));
  }
  return model;
}

/**
 * The LayersModel artifacts (`model.json` + `weights.bin`, as `model.save()` writes them) of the key's
 * LeNet with `params` (`LeNet.getParams()`: trainable parameters and, with BN, `running:bn*Mean/Var`).
 */
export async function exportLeNetLayersModel(params: ParamArrays, batchNorm: boolean): Promise<LayersModelArtifacts> {
  const model = lenetLayersModel(params, batchNorm);
  let out: LayersModelArtifacts | undefined;
  try {
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        if (!a.modelTopology || !a.weightSpecs || !a.weightData) throw new Error('model.save() gave no topology or weights');
        const data = tf.io.concatenateArrayBuffers(Array.isArray(a.weightData) ? a.weightData : [a.weightData]);
        // the layout of tf.io's file savers (tfjs-node `file://`, browser downloads)
        const json = {
          modelTopology: a.modelTopology,
          format: a.format,
          generatedBy: a.generatedBy,
          convertedBy: a.convertedBy ?? null,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs }],
        };
        out = { modelJson: JSON.stringify(json), weights: new Uint8Array(data) };
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
      }),
    );
  } finally {
    model.dispose();
  }
  if (!out) throw new Error('model.save() did not call the save handler');
  return out;
}

/** Load artifacts (the text of `model.json` and the bytes of its single weights file) back as a LayersModel. */
export async function loadLayersModelArtifacts(modelJson: string, weights: Uint8Array): Promise<tf.LayersModel> {
  const json = JSON.parse(modelJson) as tf.io.ModelJSON;
  const manifest = json.weightsManifest ?? [];
  const weightSpecs = manifest.flatMap((g) => g.weights);
  const data = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: data, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy }));
}
