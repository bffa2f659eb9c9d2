/**
 * The key's InfoGAN generator (src/infogan/model.ts, raw tfjs ops over named parameters) exported as a
 * TensorFlow.js LayersModel — what a TypeScript student hands in for P5 (`model.save()`):
 *   dense (no bias) → BN → ReLU → dense (no bias) → BN → ReLU → reshape [7, 7, c₁]
 *   → conv2dTranspose c₂ 4×4 stride 2 'same' (no bias) → BN → ReLU → conv2dTranspose 1 4×4 stride 2 'same' (sigmoid)
 * BN ε 1e-5 and the running statistics, as `InfoGanNet.generate(z, false)` computes.
 */
import { tf } from '../backend.ts';
import { float16Bytes } from './digit-classifier.ts';
import { LATENT_DIM } from './model.ts';
import { saveLayersModel, setLayerWeights, type LayersModelArtifacts } from '../verify/layers-artifacts.ts';

/** The generator's tensors by the names `InfoGanNet.namedTensors()` gives them (`g1/w`, `g1bn/running_mean`, …). */
export type GeneratorTensors = Record<string, { shape: number[]; data: Float32Array }>;

/** A `tf.sequential` computing `InfoGanNet.generate(z, false)` with these tensors (caller disposes). */
export function generatorLayersModel(t: GeneratorTensors): tf.Sequential {
  const get = (n: string) => {
    const x = t[n];
    if (!x) throw new Error(`generator tensor ${n} is missing`);
    return tf.tensor(x.data, x.shape);
  };
  const fc = t['g1/w'].shape[1],
    c2 = t['g3/w'].shape[2],
    c1 = t['g3/w'].shape[3];
  const model = tf.sequential({ name: 'infogan_generator' });
  const weights: [string, tf.Tensor[]][] = [];
  const bn = (name: string) => {
    model.add(tf.layers.batchNormalization({ name, axis: -1, epsilon: 1e-5, momentum: 0.9 }));
    weights.push([name, [get(`${name}/gamma`), get(`${name}/beta`), get(`${name}/running_mean`), get(`${name}/running_var`)]]);
  };
  model.add(tf.layers.dense({ name: 'g1', inputShape: [LATENT_DIM], units: fc, useBias: false }));
  weights.push(['g1', [get('g1/w')]]);
  bn('g1bn');
  model.add(tf.layers.reLU({ name: 'relu1' }));
  model.add(tf.layers.dense({ name: 'g2', units: 49 * c1, useBias: false }));
  weights.push(['g2', [get('g2/w')]]);
  bn('g2bn');
  model.add(tf.layers.reLU({ name: 'relu2' }));
  model.add(tf.layers.reshape({ name: 'to_maps', targetShape: [7, 7, c1] }));
  model.add(tf.layers.conv2dTranspose({ name: 'g3', filters: c2, kernelSize: 4, strides: 2, padding: 'same', useBias: false }));
  weights.push(['g3', [get('g3/w')]]);
  bn('g3bn');
  model.add(tf.layers.reLU({ name: 'relu3' }));
  model.add(tf.layers.conv2dTranspose({ name: 'g4', filters: 1, kernelSize: 4, strides: 2, padding: 'same', useBias: true, activation: 'sigmoid' }));
  weights.push(['g4', [get('g4/w'), get('g4/b')]]);
  setLayerWeights(model, weights);
  return model;
}

/** model.json (text) and weights.bin (bytes) of the generator, as `model.save()` writes them;
 *  `float16`: the weights quantized to float16 as tfjs-converter's --quantize_float16 writes them (half the bytes). */
export async function exportGenerator(t: GeneratorTensors, opts: { float16?: boolean } = {}): Promise<LayersModelArtifacts> {
  const art = await saveLayersModel(generatorLayersModel(t));
  if (!opts.float16) return art;
  const json = JSON.parse(art.modelJson) as { weightsManifest: { weights: object[] }[] };
  for (const g of json.weightsManifest) g.weights = g.weights.map((w) => ({ ...w, quantization: { dtype: 'float16' } }));
  const w = art.weights;
  return { modelJson: JSON.stringify(json), weights: float16Bytes([new Float32Array(w.buffer, w.byteOffset, w.byteLength / 4)]) };
}
