/**
 * Style warps of digit images: a shear (the slant) and a horizontal stretch (the width), both about the
 * image's centre of mass, with linear interpolation along x (rows stay rows).  These are the two style
 * factors the continuous codes are expected to carry (the paper: c₂ rotation/slant, c₃ width), and they
 * never change which digit an image shows.  Used twice:
 *  - the digit judge (./digit-classifier.ts) is trained on warped real digits, so that it does not call a
 *    slanted 7 another digit;
 *  - the CPU model's training (./train.ts, `codeWarp`) asks Q to read the categorical code from warped
 *    generated images, so that the code cannot be a slant or a width — it has to be a shape.  There a third
 *    style factor joins them, the stroke width (`strokeWarp`: blending with a grey dilation or erosion).
 */
import { tf } from '../backend.ts';
import type { Rng } from '../verify/rng.ts';
import { IMG, PIXELS } from './model.ts';

export interface StyleWarp {
  /** x moves by shear·(cy − y): > 0 leans the top right */
  shear: number;
  /** horizontal scale about the centre of mass */
  xScale: number;
}

function centreOfMass(src: Float32Array, off: number): { cx: number; cy: number } {
  let m = 0,
    cx = 0,
    cy = 0;
  for (let y = 0; y < IMG; y++) {
    for (let x = 0; x < IMG; x++) {
      const v = src[off + y * IMG + x];
      m += v;
      cx += v * x;
      cy += v * y;
    }
  }
  return m > 0 ? { cx: cx / m, cy: cy / m } : { cx: (IMG - 1) / 2, cy: (IMG - 1) / 2 };
}

/** For output pixel (x, y): the source column x0 and weight fx of x0 + 1 (linear interpolation). */
function sourceColumn(x: number, y: number, c: { cx: number; cy: number }, w: StyleWarp): { x0: number; fx: number } {
  const xs = (x - c.cx - w.shear * (c.cy - y)) / w.xScale + c.cx;
  const x0 = Math.floor(xs);
  return { x0, fx: xs - x0 };
}

/** Warp one image (`src` at `srcOffset`) into `out` at `outOffset`. */
export function affineWarp(src: Float32Array, srcOffset: number, shear: number, xScale: number, out: Float32Array, outOffset: number): void {
  const c = centreOfMass(src, srcOffset);
  for (let y = 0; y < IMG; y++) {
    for (let x = 0; x < IMG; x++) {
      const { x0, fx } = sourceColumn(x, y, c, { shear, xScale });
      let v = 0;
      if (x0 >= 0 && x0 < IMG) v += (1 - fx) * src[srcOffset + y * IMG + x0];
      if (x0 + 1 >= 0 && x0 + 1 < IMG) v += fx * src[srcOffset + y * IMG + x0 + 1];
      out[outOffset + y * IMG + x] = v;
    }
  }
}

/** n warps with shear ~ U(−shear, shear) and x-scale ~ U(1 − stretch, 1 + stretch), drawn in that order per image. */
export function drawStyleWarps(rng: Rng, n: number, shear: number, stretch: number): StyleWarp[] {
  return Array.from({ length: n }, () => ({ shear: rng.uniform(-shear, shear), xScale: rng.uniform(1 - stretch, 1 + stretch) }));
}

/**
 * The same warps as linear maps, so that a warp can sit inside a tfjs graph and pass gradients: one 28×28
 * matrix per (image, row), [n·28, 28, 28], with out[i, y, :] = src[i, y, :] · M[i·28 + y].  The centres of
 * mass are taken from `images` (n × 784) and held fixed.
 */
export function styleWarpMatrices(images: ArrayLike<number>, warps: readonly StyleWarp[]): Float32Array {
  const n = warps.length;
  const src = images instanceof Float32Array ? images : Float32Array.from(images);
  if (src.length !== n * PIXELS) throw new Error(`styleWarpMatrices: ${n} warps need ${n} × ${PIXELS} pixels, got ${src.length}`);
  const M = new Float32Array(n * IMG * IMG * IMG);
  for (let i = 0; i < n; i++) {
    const c = centreOfMass(src, i * PIXELS);
    for (let y = 0; y < IMG; y++) {
      const o = (i * IMG + y) * IMG * IMG;
      for (let x = 0; x < IMG; x++) {
        const { x0, fx } = sourceColumn(x, y, c, warps[i]);
        if (x0 >= 0 && x0 < IMG) M[o + x0 * IMG + x] += 1 - fx;
        if (x0 + 1 >= 0 && x0 + 1 < IMG) M[o + (x0 + 1) * IMG + x] += fx;
      }
    }
  }
  return M;
}

/** Apply `styleWarpMatrices` to a batch x (n × 784) inside a tfjs graph. */
export function applyStyleWarp(x: tf.Tensor2D, M: tf.Tensor3D): tf.Tensor2D {
  const n = x.shape[0];
  return tf.reshape(tf.matMul(tf.reshape(x, [n * IMG, 1, IMG]) as tf.Tensor3D, M), [n, PIXELS]);
}

/** n stroke-width changes t ~ U(−thickness, thickness) (see `strokeWarp`). */
export function drawStrokeWarps(rng: Rng, n: number, thickness: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-thickness, thickness));
}

/**
 * Thicker or thinner strokes, differentiably: image i is blended with its 3×3 grey dilation (max over the
 * neighbourhood) by t_i > 0, or with its 3×3 grey erosion (min) by −t_i > 0 — (1 − |t|)·x + |t|·(dilated or
 * eroded x).  t = 0 is the image, t = 1 the dilation, t = −1 the erosion.  x: n × 784, t: n × 1.
 */
export function strokeWarp(x: tf.Tensor2D, t: tf.Tensor2D): tf.Tensor2D {
  const n = x.shape[0];
  const x4 = tf.reshape(x, [n, IMG, IMG, 1]) as tf.Tensor4D;
  const dil = tf.reshape(tf.maxPool(x4, 3, 1, 'same'), [n, PIXELS]);
  const ero = tf.reshape(tf.neg(tf.maxPool(tf.neg(x4), 3, 1, 'same')), [n, PIXELS]);
  const tp = tf.relu(t),
    tn = tf.relu(tf.neg(t));
  return tf.addN([tf.mul(tf.sub(1, tf.add(tp, tn)), x), tf.mul(tp, dil), tf.mul(tn, ero)]) as tf.Tensor2D;
}
