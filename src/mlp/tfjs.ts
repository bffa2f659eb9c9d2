/** The parameter count of a built tfjs model of the MLP (dense layers, biases on). */
import { initBackend, tf } from '../backend.ts';
import type { Sizes } from './reference.ts';

export async function tfjsMlpParamCount({ d, L, n, c }: Sizes): Promise<number> {
  await initBackend();
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [d], units: n, activation: 'sigmoid' }));
  for (let l = 1; l < L; l++) model.add(tf.layers.dense({ units: n, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: c }));
  const count = model.countParams();
  model.dispose();
  return count;
}
