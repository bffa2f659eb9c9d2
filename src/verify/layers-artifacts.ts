/**
 * Writing a TensorFlow.js LayersModel as a student's `model.save()` does (`model.json` + one weights
 * file), and loading such artifacts back: the key's trained networks are handed in this way.
 */
import * as tf from '@tensorflow/tfjs';

export interface LayersModelArtifacts {
  /** the text of `model.json` (topology + weights manifest pointing at `weights.bin`) */
  modelJson: string;
  /** the contents of `weights.bin` */
  weights: Uint8Array;
}

export const WEIGHTS_FILE = 'weights.bin';

/** Give each named layer its weights (in the layer's own order); the tensors are disposed, and so is the model on failure. */
export function setLayerWeights(model: tf.LayersModel, weights: [string, tf.Tensor[]][]): void {
  try {
    for (const [layer, ws] of weights) model.getLayer(layer).setWeights(ws);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(weights.flatMap(([, ws]) => ws));
  }
}

/** The artifacts of `model`, in the layout tf.io's file savers write (tfjs-node `file://`, browser downloads); disposes the model. */
export async function saveLayersModel(model: tf.LayersModel): Promise<LayersModelArtifacts> {
  let out: LayersModelArtifacts | undefined;
  try {
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        if (!a.modelTopology || !a.weightSpecs || !a.weightData) throw new Error('model.save() gave no topology or weights');
        const data = tf.io.concatenateArrayBuffers(Array.isArray(a.weightData) ? a.weightData : [a.weightData]);
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
