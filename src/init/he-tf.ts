/**
 * He initialization as tfjs tensors, for the training topic: `heTensor(shape, seed)` is a float32
 * tensor of iid N(0, 2/fan-in) weights in tfjs layout, reproducible from the seed
 * (see `heWeights` in he.ts for the float64 values it is made from).
 */
import { tf } from '../backend.ts';
import { heWeights, type FanMode } from './he.ts';

export function heTensor(shape: number[], seed: number | string, mode: FanMode = 'fan-in'): tf.Tensor {
  return tf.tensor(Float32Array.from(heWeights(shape, seed, { mode })), shape, 'float32');
}
