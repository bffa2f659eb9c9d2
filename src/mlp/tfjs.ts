/** The parameter count of a built tfjs model of the MLP (dense layers, biases on). */
import { tf } from '../backend.ts';
import { onCpuBackend } from '../verify/tfjs-count.ts';
import type { Sizes } from './reference.ts';

export function tfjsMlpParamCount(s: Sizes): Promise<number> {
  return onCpuBackend(() => build(s));
}

function build({ d, L, n, c }: Sizes): number {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [d], units: n, activation: 'sigmoid' }));
  for (let l = 1; l < L; l++) model.add(tf.layers.dense({ units: n, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: c }));
  const count = model.countParams();
  model.dispose();
  return count;
}
