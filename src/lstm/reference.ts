/**
 * Reference LSTM, float64: forward pass (with a perturbation hook used to measure the error signals
 * by central differences) and closed-form BPTT.  `bpttVariant` also computes the misconception bank's
 * variants; the reference is variant 'correct'.
 */
import type { LstmBpttResult, LstmContract, LstmForwardResult, LstmSignalName, LstmWeights } from './contract.ts';

export type LstmVariant = 'correct' | 'cbar-no-carry' | 'cbar-carry-without-f' | 'hbar-missing-forget-path' | 'fbar-uses-c_t' | 'ibar-uses-g_prev' | 'grads-from-t2';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export type Perturbable = 'i' | 'f' | 'o' | 'g' | 'c' | 'h';

/** `perturb` adds `eps` to the named quantity at step t (0-based) right after it is computed. */
export function lstmForward(w: LstmWeights, xs: number[], ys: number[], perturb?: { v: Perturbable; t: number; eps: number }): LstmForwardResult {
  const T = xs.length;
  const r: LstmForwardResult = { i: [], f: [], o: [], g: [], c: [], h: [], loss: 0 };
  let hp = 0,
    cp = 0;
  const p = (v: Perturbable, t: number, x: number): number => (perturb && perturb.v === v && perturb.t === t ? x + perturb.eps : x);
  for (let t = 0; t < T; t++) {
    const x = xs[t];
    const i = p('i', t, sigmoid(w.wix * x + w.wih * hp));
    const f = p('f', t, sigmoid(w.wfx * x + w.wfh * hp));
    const o = p('o', t, sigmoid(w.wox * x + w.woh * hp));
    const g = p('g', t, Math.tanh(w.wgx * x + w.wgh * hp));
    const c = p('c', t, f * cp + i * g);
    const h = p('h', t, o * Math.tanh(c));
    r.i.push(i);
    r.f.push(f);
    r.o.push(o);
    r.g.push(g);
    r.c.push(c);
    r.h.push(h);
    r.loss += 0.5 * (h - ys[t]) ** 2;
    hp = h;
    cp = c;
  }
  return r;
}

export function bpttVariant(w: LstmWeights, xs: number[], ys: number[], variant: LstmVariant = 'correct'): LstmBpttResult {
  const T = xs.length;
  const F = lstmForward(w, xs, ys);
  const out: LstmBpttResult = {
    loss: F.loss,
    hbar: new Array(T).fill(0),
    cbar: new Array(T).fill(0),
    gbar: new Array(T).fill(0),
    obar: new Array(T).fill(0),
    fbar: new Array(T).fill(0),
    ibar: new Array(T).fill(0),
    grads: { wix: 0, wih: 0, wfx: 0, wfh: 0, wox: 0, woh: 0, wgx: 0, wgh: 0 },
  };
  // z̄ = error signals at the gates' pre-activations, of step t+1 (zero after the last step)
  let zi = 0,
    zf = 0,
    zo = 0,
    zg = 0,
    cbarNext = 0,
    fNext = 0;
  for (let t = T - 1; t >= 0; t--) {
    const tc = Math.tanh(F.c[t]);
    const hbar = F.h[t] - ys[t] + w.wih * zi + (variant === 'hbar-missing-forget-path' ? 0 : w.wfh * zf) + w.woh * zo + w.wgh * zg;
    const carry = variant === 'cbar-no-carry' ? 0 : variant === 'cbar-carry-without-f' ? cbarNext : cbarNext * fNext;
    const cbar = hbar * F.o[t] * (1 - tc * tc) + carry;
    const cPrev = t > 0 ? F.c[t - 1] : 0;
    const gUsed = variant === 'ibar-uses-g_prev' ? (t > 0 ? F.g[t - 1] : 0) : F.g[t];
    const obar = hbar * tc;
    const gbar = cbar * F.i[t];
    const fbar = cbar * (variant === 'fbar-uses-c_t' ? F.c[t] : cPrev);
    const ibar = cbar * gUsed;
    out.hbar[t] = hbar;
    out.cbar[t] = cbar;
    out.gbar[t] = gbar;
    out.obar[t] = obar;
    out.fbar[t] = fbar;
    out.ibar[t] = ibar;
    zi = ibar * F.i[t] * (1 - F.i[t]);
    zf = fbar * F.f[t] * (1 - F.f[t]);
    zo = obar * F.o[t] * (1 - F.o[t]);
    zg = gbar * (1 - F.g[t] * F.g[t]);
    const x = xs[t],
      hp = t > 0 ? F.h[t - 1] : 0;
    const gr = out.grads;
    // the 'grads-from-t2' variant leaves step 1 (t = 0) out of the eight sums
    if (!(variant === 'grads-from-t2' && t === 0)) {
      gr.wix += zi * x;
      gr.wih += zi * hp;
      gr.wfx += zf * x;
      gr.wfh += zf * hp;
      gr.wox += zo * x;
      gr.woh += zo * hp;
      gr.wgx += zg * x;
      gr.wgh += zg * hp;
    }
    cbarNext = cbar;
    fNext = F.f[t];
  }
  return out;
}

export const SIGNAL_OF: Record<LstmSignalName, Perturbable> = { hbar: 'h', cbar: 'c', gbar: 'g', obar: 'o', fbar: 'f', ibar: 'i' };

export const lstmReference: LstmContract = {
  lstmForward: (w, xs, ys) => lstmForward(w, xs, ys),
  lstmBptt: (w, xs, ys) => bpttVariant(w, xs, ys, 'correct'),
};

/** A vanilla scalar tanh RNN, h(t) = tanh(w h(t−1) + u x(t)), for the extra-credit contrast: ∂h(T)/∂h(t) for every t. */
export function vanillaCarry(w: number, u: number, xs: number[]): number[] {
  const T = xs.length;
  const h: number[] = [];
  let hp = 0;
  for (let t = 0; t < T; t++) h.push((hp = Math.tanh(w * hp + u * xs[t])));
  const d = new Array<number>(T);
  d[T - 1] = 1;
  for (let t = T - 2; t >= 0; t--) d[t] = d[t + 1] * w * (1 - h[t + 1] ** 2);
  return d;
}
