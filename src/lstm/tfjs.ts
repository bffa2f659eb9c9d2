/** The LSTM loss with tfjs ops, for autodiff (float32).  Zero perturbations added after every
 *  quantity make the error signals themselves gradients: ∂L/∂eps_h[t] = h̄(t), and so on. */
import { tf } from '../backend.ts';

export function lstmLossTf(p: Record<string, tf.Tensor>, xs: number[], ys: number[]): tf.Scalar {
  return tf.tidy(() => {
    const T = xs.length;
    // slices, not tf.unstack: unstack's gradient refuses the missing (zero) gradients of unused pieces
    const e = (n: string) => Array.from({ length: T }, (_, t) => tf.reshape(tf.slice(p[n], [t], [1]), []));
    const [ei, ef, eo, eg, ec, eh] = ['eps_i', 'eps_f', 'eps_o', 'eps_g', 'eps_c', 'eps_h'].map(e);
    let h: tf.Tensor = tf.scalar(0),
      c: tf.Tensor = tf.scalar(0);
    let loss: tf.Tensor = tf.scalar(0);
    for (let t = 0; t < T; t++) {
      const x = tf.scalar(xs[t]);
      const pre = (a: string, b: string) => tf.add(tf.mul(p[a], x), tf.mul(p[b], h));
      const i = tf.add(tf.sigmoid(pre('wix', 'wih')), ei[t]);
      const f = tf.add(tf.sigmoid(pre('wfx', 'wfh')), ef[t]);
      const o = tf.add(tf.sigmoid(pre('wox', 'woh')), eo[t]);
      const g = tf.add(tf.tanh(pre('wgx', 'wgh')), eg[t]);
      c = tf.add(tf.add(tf.mul(f, c), tf.mul(i, g)), ec[t]);
      h = tf.add(tf.mul(o, tf.tanh(c)), eh[t]);
      loss = tf.add(loss, tf.mul(0.5, tf.square(tf.sub(h, ys[t]))));
    }
    return loss as tf.Scalar;
  });
}
