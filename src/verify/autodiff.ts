/**
 * The same loss's gradients from TensorFlow.js autodiff (float32: no tfjs backend has float64).
 * The caller writes the loss with tf ops over named parameter tensors; this adapter uploads the
 * float64 parameters (rounded to float32), differentiates, and returns float64 copies of the
 * float32 gradients together with the loss value.
 */
import { initBackend, tf } from '../backend.ts';
import type { ParamSet } from './finite-diff.ts';

export async function autodiffGrad(loss: (p: Record<string, tf.Tensor>) => tf.Scalar, params: ParamSet): Promise<{ loss: number; grads: ParamSet }> {
  await initBackend();
  const names = Object.keys(params);
  const inputs = names.map((n) => tf.tensor(Array.from(params[n].data), [...params[n].shape], 'float32'));
  try {
    const f = (...xs: tf.Tensor[]): tf.Scalar => loss(Object.fromEntries(names.map((n, i) => [n, xs[i]])));
    const { value, grads } = tf.valueAndGrads(f)(inputs);
    const out: ParamSet = {};
    // read the values outside any tidy (dataSync inside tidy walks every element)
    const lossValue = (await value.data())[0];
    for (let i = 0; i < names.length; i++) {
      out[names[i]] = { shape: [...params[names[i]].shape], data: Float64Array.from(await grads[i].data()) };
    }
    tf.dispose([value, ...grads]);
    return { loss: lossValue, grads: out };
  } finally {
    tf.dispose(inputs);
  }
}
