/** The RNN loss written with tfjs ops, for autodiff (float32). */
import { tf } from '../backend.ts';

export function rnnLossTf(p: Record<string, tf.Tensor>, xs: number[][], ys: number[], C: number): tf.Scalar {
  return tf.tidy(() => {
    const H = p.Whh.shape[0];
    let h: tf.Tensor = tf.zeros([1, H]);
    const logits: tf.Tensor[] = [];
    const X = tf.tensor2d(xs, [xs.length, xs[0].length], 'float32');
    const ax = tf.add(tf.matMul(X, p.Wxh, false, true), p.bh); // T×H, all inputs at once
    for (let t = 0; t < xs.length; t++) {
      const a = tf.add(tf.slice(ax, [t, 0], [1, H]), tf.matMul(h, p.Whh, false, true));
      h = tf.tanh(a);
      logits.push(tf.add(tf.matMul(h, p.Whz, false, true), p.bz));
    }
    const logp = tf.logSoftmax(tf.concat(logits, 0), 1); // T×C
    // the one-hot mask is built in JS: tf.oneHot refuses depth 1 (C = 1 is a legal, degenerate case)
    const onehot = tf.tensor2d(
      ys.map((y) => Array.from({ length: C }, (_, k) => (k === y ? 1 : 0))),
      [ys.length, C],
    );
    return tf.neg(tf.sum(tf.mul(onehot, logp))) as tf.Scalar;
  });
}
