/**
 * An independent judge of "which digit is this": multinomial logistic regression on the real MNIST
 * training set (≈ 92% test accuracy), trained in seconds.  The continuous-code claim uses it to check
 * that a sweep keeps the digit (Q's own argmax reads the code, so it cannot tell).
 */
import { initBackend, tf } from '../backend.ts';
import { loadMnist, mnistFloat } from '../data/mnist.ts';
import { makeRng } from '../verify/rng.ts';
import { PIXELS } from './model.ts';

export interface DigitClassifier {
  predict(x: Float32Array, n: number): Int32Array;
  testAccuracy: number;
}

let cached: Promise<DigitClassifier> | undefined;

export function digitClassifier(): Promise<DigitClassifier> {
  cached ??= (async () => {
    await initBackend();
    const tr = loadMnist('train'), te = loadMnist('test');
    const x = mnistFloat(tr), n = tr.n;
    const W = tf.variable(tf.zeros([PIXELS, 10])), b = tf.variable(tf.zeros([10]));
    const opt = tf.train.adam(0.01);
    const rng = makeRng('digit-classifier');
    const B = 500;
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let s = 0; s < n / B; s++) {
        const xb = new Float32Array(B * PIXELS), yb = new Int32Array(B);
        for (let i = 0; i < B; i++) {
          const k = rng.int(0, n - 1);
          xb.set(x.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
          yb[i] = tr.labels[k];
        }
        tf.tidy(() => {
          const X = tf.tensor2d(xb, [B, PIXELS]), Y = tf.oneHot(tf.tensor1d(yb, 'int32'), 10);
          opt.minimize(() => tf.losses.softmaxCrossEntropy(Y, tf.add(tf.matMul(X, W), b)) as tf.Scalar, false, [W, b]);
        });
      }
    }
    const predict = (xs: Float32Array, m: number): Int32Array => {
      const t = tf.tidy(() => tf.argMax(tf.add(tf.matMul(tf.tensor2d(xs, [m, PIXELS]), W), b), 1));
      const out = Int32Array.from(t.dataSync());
      t.dispose();
      return out;
    };
    const p = predict(mnistFloat(te), te.n);
    let hit = 0;
    for (let i = 0; i < te.n; i++) if (p[i] === te.labels[i]) hit++;
    return { predict, testAccuracy: hit / te.n };
  })();
  return cached;
}
