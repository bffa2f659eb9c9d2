/**
 * The optimizer steps' and batch norm's known mistakes, each declared once: what the student reads,
 * and what it computes instead (the diagnosis names the one that reproduces a wrong answer).
 */
import type { AdamHyper, AdamState, RmspropHyper, RmspropState, SgdHyper } from './contract.ts';
import { adamStep, columnMeans, columnVariances, rmspropStep, sgdStep } from './reference.ts';
import { fans, HE_LAYERS, LENET_PARAM_COUNT } from './lenet.ts';

type Sgd = (w: number[], g: number[], v: number[], hp: SgdHyper) => { w: number[]; v: number[] };
type Bn = (x: number[][], gamma: number[], beta: number[], eps: number) => number[][];
type Adam = (w: number[], g: number[], st: AdamState, hp: AdamHyper) => { w: number[]; state: AdamState };
type Rmsprop = (w: number[], g: number[], st: RmspropState, hp: RmspropHyper) => { w: number[]; state: RmspropState };

const scaleShift = (xhat: number, gamma: number[], beta: number[], c: number) => xhat * gamma[c] + beta[c];

export const SGD_MISTAKES = {
  'no-weight-decay': { label: 'weight decay is missing (the L2 term λ·w must be added to the gradient)', step: (w, g, v, hp) => sgdStep(w, g, v, { ...hp, weightDecay: 0 }) },
  'weight-decay-sign': { label: 'weight decay has the wrong sign (g + λ·w, not g − λ·w)', step: (w, g, v, hp) => sgdStep(w, g, v, { ...hp, weightDecay: -hp.weightDecay }) },
  'decay-outside-momentum': {
    label: 'weight decay is applied outside the momentum buffer (PyTorch adds λ·w to g before v ← μv + g)',
    step: (w, g, v, hp) => {
      const nv = v.map((vi, i) => hp.momentum * vi + g[i]);
      return { w: w.map((wi, i) => wi - hp.lr * (nv[i] + hp.weightDecay * wi)), v: nv };
    },
  },
} satisfies Record<string, { label: string; step: Sgd }>;

export const BN_MISTAKES = {
  'unbiased-variance': {
    label: 'the batch variance is unbiased (÷(M−1)); BN normalises with the biased batch variance (÷M)',
    norm: (x, gamma, beta, eps) => {
      const mu = columnMeans(x);
      const va = columnVariances(x, mu, x.length - 1);
      return x.map((r) => r.map((xi, c) => scaleShift((xi - mu[c]) / Math.sqrt(va[c] + eps), gamma, beta, c)));
    },
  },
  'eps-outside-sqrt': {
    label: 'ε is added outside the square root (x̂ = (x − μ)/√(σ² + ε))',
    norm: (x, gamma, beta, eps) => {
      const mu = columnMeans(x);
      const va = columnVariances(x, mu, x.length);
      return x.map((r) => r.map((xi, c) => scaleShift((xi - mu[c]) / (Math.sqrt(va[c]) + eps), gamma, beta, c)));
    },
  },
  'normalised-over-features': {
    label: 'the statistics are taken over the features of each example (that is layer norm); BN uses each channel over the batch',
    norm: (x, gamma, beta, eps) =>
      x.map((row) => {
        const mu = row.reduce((a, b) => a + b, 0) / row.length;
        const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / row.length;
        return row.map((xi, c) => scaleShift((xi - mu) / Math.sqrt(v + eps), gamma, beta, c));
      }),
  },
} satisfies Record<string, { label: string; norm: Bn }>;

export const ADAM_MISTAKES = {
  'no-bias-correction': {
    label: 'Adam without bias correction (m̂ = m/(1−β₁ᵗ), ŝ = s/(1−β₂ᵗ))',
    step: (w, g, st, hp) => {
      const m = st.m.map((mi, i) => hp.beta1 * mi + (1 - hp.beta1) * g[i]);
      const s = st.s.map((si, i) => hp.beta2 * si + (1 - hp.beta2) * g[i] * g[i]);
      return { w: w.map((wi, i) => wi - (hp.lr * m[i]) / (Math.sqrt(s[i]) + hp.epsilon)), state: { m, s, t: st.t + 1 } };
    },
  },
  'eps-inside-sqrt': {
    label: 'ε is inside the square root (Adam divides by √ŝ + ε)',
    step: (w, g, st, hp) => {
      const r = adamStep(w, g, st, hp);
      const c1 = 1 - hp.beta1 ** r.state.t,
        c2 = 1 - hp.beta2 ** r.state.t;
      return { w: w.map((wi, i) => wi - (hp.lr * (r.state.m[i] / c1)) / Math.sqrt(r.state.s[i] / c2 + hp.epsilon)), state: r.state };
    },
  },
  'grad-not-squared': {
    label: 'the second moment averages |g| instead of g²',
    step: (w, g, st, hp) => {
      const t = st.t + 1;
      const m = st.m.map((mi, i) => hp.beta1 * mi + (1 - hp.beta1) * g[i]);
      const s = st.s.map((si, i) => hp.beta2 * si + (1 - hp.beta2) * Math.abs(g[i]));
      const c1 = 1 - hp.beta1 ** t,
        c2 = 1 - hp.beta2 ** t;
      return { w: w.map((wi, i) => wi - (hp.lr * (m[i] / c1)) / (Math.sqrt(s[i] / c2) + hp.epsilon)), state: { m, s, t } };
    },
  },
} satisfies Record<string, { label: string; step: Adam }>;

export const RMSPROP_MISTAKES = {
  'eps-outside-sqrt': {
    label: 'ε is outside the square root (tfjs RMSProp divides by √(s + ε))',
    step: (w, g, st, hp) => {
      const s = st.s.map((si, i) => hp.decay * si + (1 - hp.decay) * g[i] * g[i]);
      const v = st.v.map((vi, i) => hp.momentum * vi + (hp.lr * g[i]) / (Math.sqrt(s[i]) + hp.epsilon));
      return { w: w.map((wi, i) => wi - v[i]), state: { s, v } };
    },
  },
  'no-running-average': { label: 's is the last g² instead of the running average ρs + (1−ρ)g²', step: (w, g, st, hp) => rmspropStep(w, g, st, { ...hp, decay: 0 }) },
  'no-square-root': {
    label: 'the gradient is divided by s + ε instead of √(s + ε)',
    step: (w, g, st, hp) => {
      const s = st.s.map((si, i) => hp.decay * si + (1 - hp.decay) * g[i] * g[i]);
      const v = st.v.map((vi, i) => hp.momentum * vi + (hp.lr * g[i]) / (s[i] + hp.epsilon));
      return { w: w.map((wi, i) => wi - v[i]), state: { s, v } };
    },
  },
} satisfies Record<string, { label: string; step: Rmsprop }>;

const labels = <K extends string>(bank: Record<K, { label: string }>): Record<K, string> =>
  Object.fromEntries(Object.entries<{ label: string }>(bank).map(([id, m]) => [id, m.label])) as Record<K, string>;

/** id → what the student reads, per item */
export const CIFAR_MISTAKES = { sgd: labels(SGD_MISTAKES), bn: labels(BN_MISTAKES), adam: labels(ADAM_MISTAKES), rmsprop: labels(RMSPROP_MISTAKES) };

/**
 * He-init mistakes, recognised from the σ a submission's `cifarHeStd` gives each weight layer (cifar.he-init,
 * cifar.variance-propagation and the slow cifar.he-accuracy).
 */
export const HE_STD_MISTAKES = {
  fanOut: 'fan-out used instead of fan-in (the forward-pass condition eq. 6 uses the n_l inputs of each unit)',
  lecun: 'σ = √(1/n_l) (LeCun/Xavier): the ReLU halves E[x²] (eq. 4), so He init needs √(2/n_l)',
  noKernelArea: 'the fan-in omits the kernel area: n_l = k·k·c_in for a k×k convolution',
  variance: 'the variance 2/n_l was returned instead of the standard deviation √(2/n_l)',
  fixed001: 'a fixed σ = 0.01 (the P5.1 recipe) was kept instead of √(2/n_l): each layer then multiplies the variance by ½n_lσ² ≪ 1 (eq. 5) and the signal collapses',
} as const;

const HE_RULES: [string, (f: ReturnType<typeof fans>) => number][] = [
  [HE_STD_MISTAKES.fanOut, (f) => Math.sqrt(2 / f.fout)],
  [HE_STD_MISTAKES.lecun, (f) => Math.sqrt(1 / f.fin)],
  [HE_STD_MISTAKES.noKernelArea, (f) => Math.sqrt(2 / f.cin)],
  [HE_STD_MISTAKES.variance, (f) => 2 / f.fin],
  [HE_STD_MISTAKES.fixed001, () => 0.01],
];

/** the named He-init mistake that the student's σ per layer matches on every layer, if any */
export function recogniseHeMistake(std: Record<string, number>): string | undefined {
  return HE_RULES.find(([, f]) => HE_LAYERS.every(([n, sh]) => Math.abs(std[n] - f(fans(sh))) < 1e-9 * f(fans(sh))))?.[0];
}

/** the same, asking a submission's `cifarHeStd` (undefined when it throws) */
export function recogniseHeStd(heStd: (shape: number[]) => number): string | undefined {
  try {
    return recogniseHeMistake(Object.fromEntries(HE_LAYERS.map(([n, sh]) => [n, heStd([...sh])])));
  } catch {
    return undefined;
  }
}

/** Per-layer parameter counts of the P5.1 network and of common wrong readings of the text. */
export const PARAM_COUNT_MISTAKES: Record<string, { count: number; label: string }> = {
  'no-biases': { count: LENET_PARAM_COUNT - (6 + 16 + 120 + 84 + 10), label: 'biases are not counted (each conv/FC layer has one bias per output)' },
  'same-padding': { count: 456 + 2416 + (16 * 8 * 8 * 120 + 120) + 10164 + 850, label: "the convolutions are padded ('same'): the text says without padding, so fc1 sees 16×5×5 = 400 inputs" },
  'no-third-fc': { count: LENET_PARAM_COUNT - 850 - 10164 + (120 * 10 + 10), label: 'the 84-unit FC layer is missing (fc 120 → 84 → 10: three FC layers in all)' },
  'one-input-channel': { count: LENET_PARAM_COUNT - 5 * 5 * 2 * 6, label: 'conv1 has one input channel: CIFAR-10 images are RGB (c_in = 3)' },
};

/** The wrong reading a parameter count `got` is, or ''. */
export const recogniseParamCount = (got: number): string => Object.values(PARAM_COUNT_MISTAKES).find((x) => x.count === got)?.label ?? '';

/** The mistakes a handed-in run can show, each named in its failure message. */
export const RUN_MISTAKES = {
  'log-not-reproduced': "the weights handed in are not the ones the log describes (their test accuracy differs from the log's last epoch)",
  'no-batch-norm': 'this network has no batch norm layer',
  'first-conv-3x3': 'layer 1 is a 3×3 convolution',
} as const;
