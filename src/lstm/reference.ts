/**
 * Reference LSTM, float64: forward pass (with a perturbation hook used to measure the error signals
 * by central differences) and closed-form BPTT, written as the homework's backward equations.
 */
import { LSTM_WEIGHT_NAMES, type LstmBpttResult, type LstmContract, type LstmForwardResult, type LstmSignalName, type LstmWeights } from './contract.ts';

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

/** What one backward step reads: the forward pass, the step t, and step t+1's signals (zero after the last step). */
export interface LstmStep {
  w: LstmWeights;
  F: LstmForwardResult;
  t: number;
  x: number;
  y: number;
  next: { zi: number; zf: number; zo: number; zg: number; cbar: number; f: number };
}

/** The gates' pre-activation signals z̄ of one step. */
export interface GateSignals {
  zi: number;
  zf: number;
  zo: number;
  zg: number;
}

/** tanh c(t) of the step */
const tanh = (s: LstmStep): number => Math.tanh(s.F.c[s.t]);

/**
 * The backward equations of one step, one entry each; bptt() applies them from t = T down to 1.
 * A known mistake replaces one of them (misconceptions.ts).
 */
export const LSTM_BACKWARD = {
  /** h̄(t) = h(t) − y(t) + w_ih z̄_i(t+1) + w_fh z̄_f(t+1) + w_oh z̄_o(t+1) + w_gh z̄_g(t+1) */
  hbar: (s: LstmStep): number => s.F.h[s.t] - s.y + s.w.wih * s.next.zi + s.w.wfh * s.next.zf + s.w.woh * s.next.zo + s.w.wgh * s.next.zg,
  /** what c(t) passes to c(t+1) = f(t+1) c(t) + …: c̄(t+1) f(t+1) */
  carry: (s: LstmStep): number => s.next.cbar * s.next.f,
  /** c̄(t) = h̄(t) o(t) (1 − tanh² c(t)) + carry */
  cbar: (s: LstmStep, hbar: number, carry: number): number => hbar * s.F.o[s.t] * (1 - tanh(s) * tanh(s)) + carry,
  /** ō(t) = h̄(t) tanh c(t) */
  obar: (s: LstmStep, hbar: number): number => hbar * tanh(s),
  /** ḡ(t) = c̄(t) i(t) */
  gbar: (s: LstmStep, cbar: number): number => cbar * s.F.i[s.t],
  /** f̄(t) = c̄(t) c(t−1) */
  fbar: (s: LstmStep, cbar: number): number => cbar * (s.t > 0 ? s.F.c[s.t - 1] : 0),
  /** ī(t) = c̄(t) g(t) */
  ibar: (s: LstmStep, cbar: number): number => cbar * s.F.g[s.t],
  /** step t's terms of the eight sums w̄ = Σ_t z̄(t) · input: x(t) for w_·x, h(t−1) for w_·h */
  gradTerms: (s: LstmStep, z: GateSignals): LstmWeights => {
    const hp = s.t > 0 ? s.F.h[s.t - 1] : 0;
    return { wix: z.zi * s.x, wih: z.zi * hp, wfx: z.zf * s.x, wfh: z.zf * hp, wox: z.zo * s.x, woh: z.zo * hp, wgx: z.zg * s.x, wgh: z.zg * hp };
  },
};

export type LstmBackward = typeof LSTM_BACKWARD;

/** Closed-form BPTT: the backward equations applied from the last step to the first (`eq` replaces any of them). */
export function bptt(w: LstmWeights, xs: number[], ys: number[], eq: Partial<LstmBackward> = {}): LstmBpttResult {
  const E: LstmBackward = { ...LSTM_BACKWARD, ...eq };
  const T = xs.length;
  const F = lstmForward(w, xs, ys);
  const zeros = (): number[] => new Array<number>(T).fill(0);
  const out: LstmBpttResult = {
    loss: F.loss,
    hbar: zeros(),
    cbar: zeros(),
    gbar: zeros(),
    obar: zeros(),
    fbar: zeros(),
    ibar: zeros(),
    grads: { wix: 0, wih: 0, wfx: 0, wfh: 0, wox: 0, woh: 0, wgx: 0, wgh: 0 },
  };
  let next: LstmStep['next'] = { zi: 0, zf: 0, zo: 0, zg: 0, cbar: 0, f: 0 };
  for (let t = T - 1; t >= 0; t--) {
    const s: LstmStep = { w, F, t, x: xs[t], y: ys[t], next };
    const hbar = E.hbar(s);
    const cbar = E.cbar(s, hbar, E.carry(s));
    const [obar, gbar, fbar, ibar] = [E.obar(s, hbar), E.gbar(s, cbar), E.fbar(s, cbar), E.ibar(s, cbar)];
    out.hbar[t] = hbar;
    out.cbar[t] = cbar;
    out.obar[t] = obar;
    out.gbar[t] = gbar;
    out.fbar[t] = fbar;
    out.ibar[t] = ibar;
    const z: GateSignals = { zi: ibar * F.i[t] * (1 - F.i[t]), zf: fbar * F.f[t] * (1 - F.f[t]), zo: obar * F.o[t] * (1 - F.o[t]), zg: gbar * (1 - F.g[t] * F.g[t]) };
    const terms = E.gradTerms(s, z);
    for (const k of LSTM_WEIGHT_NAMES) out.grads[k] += terms[k];
    next = { ...z, cbar, f: F.f[t] };
  }
  return out;
}

export const SIGNAL_OF: Record<LstmSignalName, Perturbable> = { hbar: 'h', cbar: 'c', gbar: 'g', obar: 'o', fbar: 'f', ibar: 'i' };

export const lstmReference: LstmContract = {
  lstmForward: (w, xs, ys) => lstmForward(w, xs, ys),
  lstmBptt: (w, xs, ys) => bptt(w, xs, ys),
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
