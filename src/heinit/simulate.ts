/**
 * Monte-Carlo experiments for He initialization (ELEG5491 HW2 P5.2 a).
 *
 * One layer (eq. 3, eq. 4): float64, seeded, iid trials → intervals from src/heinit/statistics.ts.
 * Many layers (eq. 5): T independent ReLU networks of L layers, float64.  After every layer each
 * network's activations are divided by the root of their mean square and the log of that scale is
 * accumulated: ReLU networks without biases are positively homogeneous, so this changes no ratio
 * and keeps the numbers far from underflow (std 0.01 over 30 layers shrinks the signal by ~1e-60).
 *
 * The deep experiment draws weights w = ±σ with equal probability (Rademacher): the derivation uses
 * only zero mean, independence and Var[w] = σ², and ±σ is the cheapest such law to draw
 * (one random bit per weight).
 */
import { makeRng } from '../verify/rng.ts';

/** Per network, the mean square at the start and at the end of the chain (forward: y_1, y_L; backward: Δx_L, Δx_1). */
export interface DeepRun {
  first: number[];
  last: number[];
  /** last/first per network */
  ratio: number[];
}

/** Fill `w` with ±sd, one random bit each: sfc32 (state `st`, seeded from the caller's rng), 32 signs per draw. */
function fillSigns(w: Float64Array, sd: number, st: Int32Array): void {
  let a = st[0],
    b = st[1],
    c = st[2],
    d = st[3];
  let bits = 0;
  for (let i = 0; i < w.length; i++) {
    if ((i & 31) === 0) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      bits = t;
    }
    w[i] = bits & 1 ? sd : -sd;
    bits >>>= 1;
  }
  st[0] = a;
  st[1] = b;
  st[2] = c;
  st[3] = d;
}

/**
 * T networks with layer widths `widths` (widths[0] = input size; L = widths.length − 1 weight layers),
 * layer l's weights ±std(fanIn, fanOut), no biases, a batch of B standard-normal inputs.
 * Forward: y_1 = W_1 x_0, x_{l+1} = ReLU(y_l), y_{l+1} = W_{l+1} x_{l+1} → mean y_1², mean y_L² per network.
 * Backward: Δy_L iid N(0, 1), Δx_l = W_lᵀ Δy_l, Δy_{l−1} = ReLU′(y_{l−1}) ⊙ Δx_l → mean Δx_L², mean Δx_1².
 * Float64 throughout; per-layer rescaling as described above.
 */
export function deepRun(opts: { widths: number[]; batch: number; networks: number; seed: number; std: (fanIn: number, fanOut: number) => number; direction: 'forward' | 'backward' }): DeepRun {
  const { widths, batch: B, networks: T } = opts;
  const L = widths.length - 1;
  const stds = widths.slice(1).map((nout, l) => opts.std(widths[l], nout));
  for (const [l, s] of stds.entries()) {
    if (typeof s !== 'number' || !(s > 0) || !Number.isFinite(s)) throw new Error(`weight std of layer ${l + 1} (fan-in ${widths[l]}, fan-out ${widths[l + 1]}) is ${s}: expected a finite number > 0`);
  }
  const rng = makeRng(opts.seed);
  const first: number[] = [],
    last: number[] = [];
  for (let t = 0; t < T; t++) {
    const st = Int32Array.from([0, 0, 0, 1], (v, i) => (i < 3 ? Math.floor(rng.next() * 2 ** 32) | 0 : v));
    const W: Float64Array[] = [];
    const masks: Uint8Array[] = [];
    let x = new Float64Array(B * widths[0]);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    let logScale = 0,
      logFirst = 0;
    for (let l = 0; l < L; l++) {
      const nin = widths[l],
        nout = widths[l + 1],
        sd = stds[l];
      const w = new Float64Array(nout * nin);
      fillSigns(w, sd, st);
      W.push(w);
      const y = new Float64Array(B * nout);
      let m = 0;
      for (let b = 0; b < B; b++) {
        const xo = b * nin;
        for (let j = 0; j < nout; j++) {
          const wo = j * nin;
          let s = 0;
          for (let i = 0; i < nin; i++) s += w[wo + i] * x[xo + i];
          y[b * nout + j] = s;
          m += s * s;
        }
      }
      m /= y.length;
      logScale += Math.log(m);
      if (l === 0) logFirst = logScale;
      if (l < L - 1) {
        const r = 1 / Math.sqrt(m);
        const mask = new Uint8Array(y.length);
        x = new Float64Array(y.length);
        for (let i = 0; i < y.length; i++)
          if (y[i] > 0) {
            x[i] = y[i] * r;
            mask[i] = 1;
          }
        masks.push(mask);
      }
    }
    if (opts.direction === 'forward') {
      first.push(Math.exp(logFirst));
      last.push(Math.exp(logScale));
      continue;
    }
    let dy = new Float64Array(B * widths[L]);
    for (let i = 0; i < dy.length; i++) dy[i] = rng.normal();
    let bScale = 0,
      bFirst = 0;
    for (let l = L - 1; l >= 0; l--) {
      const nin = widths[l],
        nout = widths[l + 1],
        w = W[l];
      const dx = new Float64Array(B * nin);
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < nout; j++) {
          const g = dy[b * nout + j];
          if (g === 0) continue;
          const wo = j * nin,
            xo = b * nin;
          for (let i = 0; i < nin; i++) dx[xo + i] += w[wo + i] * g;
        }
      }
      let m = 0;
      for (let i = 0; i < dx.length; i++) m += dx[i] * dx[i];
      m /= dx.length;
      bScale += Math.log(m);
      if (l === L - 1) bFirst = bScale;
      if (l > 0) {
        const r = 1 / Math.sqrt(m),
          mask = masks[l - 1];
        dy = new Float64Array(dx.length);
        for (let i = 0; i < dx.length; i++) if (mask[i]) dy[i] = dx[i] * r;
      }
    }
    first.push(Math.exp(bFirst));
    last.push(Math.exp(bScale));
  }
  return { first, last, ratio: last.map((v, i) => v / first[i]) };
}

/**
 * Eq. (5)'s prediction for `deepRun`: forward Π_{l=2}^{L} ½ n_l Var[w_l] with n_l = fan-in;
 * backward Π_{l=1}^{L−1} ½ n̂_l Var[w_l] with n̂_l = fan-out (the backward chain Δx_L → Δx_1).
 */
export function eq5Prediction(widths: number[], std: (fanIn: number, fanOut: number) => number, direction: 'forward' | 'backward'): number {
  const L = widths.length - 1;
  let p = 1;
  if (direction === 'forward') for (let l = 1; l < L; l++) p *= 0.5 * widths[l] * std(widths[l], widths[l + 1]) ** 2;
  else for (let l = 0; l < L - 1; l++) p *= 0.5 * widths[l + 1] * std(widths[l], widths[l + 1]) ** 2;
  return p;
}

/** Layer widths for the depth experiment: L weight layers, widths cycling through `cycle` so fan-in ≠ fan-out. */
export const depthWidths = (L: number, cycle: number[]): number[] => Array.from({ length: L + 1 }, (_, i) => cycle[i % cycle.length]);
