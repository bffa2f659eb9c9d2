/**
 * The RNN misconception bank and the diagnosis a student reads when a gradient is wrong:
 * which parameter, the first time step where it differs, and — when the output matches a known
 * mistake — its name.
 */
import { compareTensor } from '../verify/compare.ts';
import { recognise, type Misconception } from '../verify/diagnose.ts';
import { toTensor, type Tensor64 } from '../verify/tensor.ts';
import { PARAM_LABEL, RNN_PARAM_NAMES, type RnnBpttResult, type RnnContract, type RnnForwardResult, type RnnParams } from './contract.ts';
import { bptt, matVec, onehot, RNN_BACKWARD, rnnForward, zeros, type RnnBackward, type RnnForwardEquations, type RnnStep } from './reference.ts';
import { recognised } from '../verify/failure.ts';

export interface RnnCase {
  params: RnnParams;
  xs: number[][];
  ys: number[];
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** BPTT's known mistakes, each declared once: what the student reads, and the equation the student wrote instead. */
export const RNN_VARIANTS = {
  'diagonal-whh': {
    label: 'the recursion for ∂L/∂h_t uses only the diagonal of W_hh (it must be the full W_hhᵀ δ^h_{t+1})',
    backward: { fromNext: (s: RnnStep, back: number[]) => back.map((d, j) => s.p.Whh[j][j] * d) },
  },
  'no-tanh-derivative': {
    label: 'the tanh derivative (1 − h_t²) is missing from δ^h_t',
    backward: { delta: (_s: RnnStep, dh: number[]) => dh.slice() },
  },
  'whh-uses-h_t': {
    label: '∂L/∂W_hh uses h_t instead of h_{t−1} (∂L/∂W_hh = Σ_t δ^h_t h_{t−1}ᵀ)',
    backward: { whhInput: (s: RnnStep) => s.h[s.t] },
  },
  'last-step-not-propagated': {
    label: 'the loss at the last step is not propagated into h_T (∂L/∂h_T must be W_hzᵀ δ^z_T)',
    backward: { fromOutput: (s: RnnStep) => (s.t === s.xs.length - 1 ? zeros(s.p.Whh.length) : RNN_BACKWARD.fromOutput(s)) },
  },
  'dz-wrong-sign': {
    label: 'δ^z has the wrong sign (δ^z_t = z_t − onehot(y_t), not onehot(y_t) − z_t)',
    backward: { dz: (s: RnnStep, target: number[]) => s.z[s.t].map((v, k) => target[k] - v) },
  },
  'dz-no-onehot': {
    label: 'δ^z is missing the −onehot(y_t) term (the derivative of −log z_{t,y_t} with respect to the logits is z_t − onehot(y_t), not z_t)',
    backward: { target: (s: RnnStep) => zeros(s.z[s.t].length) },
  },
  'dz-shifted-target': {
    label: "δ^z_t uses the previous step's target y_{t−1} instead of y_t",
    backward: { target: (s: RnnStep) => onehot(s.z[s.t].length, s.ys[Math.max(0, s.t - 1)]) },
  },
  'truncated-bptt': {
    label:
      'BPTT is truncated after one step back: ∂L/∂h_t takes the losses of steps t and t+1 only (W_hhᵀ δ^h_{t+1} must carry the full δ^h_{t+1}, with the loss of every later step; wrong from T ≥ 3)',
    // δ^h_{t+1} from step t+1's own loss only
    backward: {
      carried: (s: RnnStep) => {
        const n = { ...s, t: s.t + 1 };
        return n.t < s.xs.length ? s.eq.delta(n, s.eq.fromOutput(n)) : zeros(s.p.Whh.length);
      },
    },
  },
  'whh-not-transposed': {
    label: 'the recursion uses W_hh δ^h_{t+1} instead of W_hhᵀ δ^h_{t+1} (h_t enters step t+1 as W_hh h_t, so its gradient flows back through the transpose)',
    backward: { fromNext: (s: RnnStep, back: number[]) => matVec(s.p.Whh, back) },
  },
} satisfies Record<string, { label: string; backward: Partial<RnnBackward> }>;

/** The forward pass's known mistakes. */
export const RNN_FORWARD_VARIANTS = {
  'forward-no-bh': { label: 'the forward pass leaves out the bias b_h', forward: { hiddenBias: (p: RnnParams) => p.bh.map(() => 0) } },
  'forward-sigmoid': { label: 'the hidden activation is a logistic sigmoid instead of tanh', forward: { activation: sigmoid } },
  'forward-mean-loss': { label: 'the loss is averaged over time steps instead of summed (L = Σ_t L_t)', forward: { total: (sum: number, T: number) => sum / T } },
} satisfies Record<string, { label: string; forward: Partial<RnnForwardEquations> }>;

export type RnnMistake = keyof typeof RNN_VARIANTS;
export type RnnForwardMistake = keyof typeof RNN_FORWARD_VARIANTS;
const ids = <K extends string>(o: Record<K, unknown>): K[] => Object.keys(o) as K[];

/** id → what the student reads */
export const RNN_MISTAKES = Object.fromEntries(ids(RNN_VARIANTS).map((id) => [id, RNN_VARIANTS[id].label])) as Record<RnnMistake, string>;
export const RNN_FORWARD_MISTAKES = Object.fromEntries(ids(RNN_FORWARD_VARIANTS).map((id) => [id, RNN_FORWARD_VARIANTS[id].label])) as Record<RnnForwardMistake, string>;

export const rnnForwardBank: Misconception<RnnCase, RnnForwardResult>[] = ids(RNN_FORWARD_VARIANTS).map((id) => ({
  id,
  label: RNN_FORWARD_VARIANTS[id].label,
  compute: (c: RnnCase) => rnnForward(c.params, c.xs, c.ys, undefined, RNN_FORWARD_VARIANTS[id].forward),
}));

/** Largest relative error between two forward results (h, z, loss). */
export function forwardDistance(a: RnnForwardResult, b: RnnForwardResult): number {
  return Math.max(
    compareTensor('h', toTensor(a.h), toTensor(b.h), 0).relErr,
    compareTensor('z', toTensor(a.z), toTensor(b.z), 0).relErr,
    compareTensor('loss', toTensor(a.loss), toTensor(b.loss), 0).relErr,
  );
}

export const rnnBank: Misconception<RnnCase, RnnBpttResult>[] = ids(RNN_VARIANTS).map((id) => ({
  id,
  label: RNN_VARIANTS[id].label,
  compute: (c: RnnCase) => bptt(c.params, c.xs, c.ys, RNN_VARIANTS[id].backward),
}));

const equations = (id: string): string[] => Object.keys(RNN_VARIANTS[id as RnnMistake].backward);

/** Two mistakes made together (id 'a+b'), each in its own equation: tried when no single mistake reproduces a student's output. */
export const rnnPairBank: Misconception<RnnCase, RnnBpttResult>[] = rnnBank.flatMap((a, i) =>
  rnnBank
    .slice(i + 1)
    .filter((b) => !equations(a.id).some((e) => equations(b.id).includes(e)))
    .map((b) => ({
      id: `${a.id}+${b.id}`,
      label: `${a.label}; and ${b.label}`,
      compute: (c: RnnCase) => bptt(c.params, c.xs, c.ys, { ...RNN_VARIANTS[a.id as RnnMistake].backward, ...RNN_VARIANTS[b.id as RnnMistake].backward }),
    })),
);

/** The labels of the mistakes (one, or a pair made together) that reproduce a student's BPTT output on this case. */
export function recogniseBptt(c: RnnCase, student: RnnBpttResult, ref: RnnBpttResult = bptt(c.params, c.xs, c.ys)): string[] {
  try {
    const m = recognise(rnnBank, c, student, bpttDistance, 1e-9, ref) ?? recognise(rnnPairBank, c, student, bpttDistance, 1e-9, ref);
    return m ? m.id.split('+').map((id) => RNN_MISTAKES[id as keyof typeof RNN_MISTAKES]) : [];
  } catch {
    return [];
  }
}

/** Name a wrong δ^z by the δ^z mistakes of the bank. */
export function recogniseDz(c: RnnCase, studentDz: Tensor64, refDz: Tensor64) {
  const bank = rnnBank.filter((b) => b.id.startsWith('dz-')).map((b) => ({ id: b.id, label: b.label, compute: (x: RnnCase) => toTensor(b.compute(x).dz) }));
  return recognise(bank, c, studentDz, (a, b) => compareTensor('dz', a, b, 0).relErr, 1e-9, refDz);
}

/** Largest per-tensor relative error between two BPTT results (gradients, dh and dz). */
export function bpttDistance(a: RnnBpttResult, b: RnnBpttResult): number {
  let worst = 0;
  for (const k of RNN_PARAM_NAMES) {
    worst = Math.max(worst, compareTensor(k, toTensor(a.grads[k]), toTensor(b.grads[k]), 0).relErr);
  }
  worst = Math.max(worst, compareTensor('dh', toTensor(a.dh), toTensor(b.dh), 0).relErr);
  return worst;
}

const TOL = 1e-7;

/** Time localisation of a wrong ∂L/∂h_t: the latest t at which it differs (errors flow backwards). */
export function dhFirstWrong(student: number[][], want: number[][]): number | undefined {
  for (let t = want.length - 1; t >= 0; t--) {
    const c = compareTensor(`dh${t}`, toTensor(student[t] ?? []), toTensor(want[t]), TOL);
    if (!c.pass) return t + 1; // 1-based time step
  }
  return undefined;
}

function tName(t: number, T: number): string {
  if (t === T) return `t = T = ${T}`;
  return `t = T−${T - t} = ${t}`;
}

/**
 * The feedback paragraph for a wrong BPTT result: per-parameter errors are given by the caller
 * (they come from the check that failed); this adds the time step and the recognised mistake.
 */
export function diagnoseBptt(impl: Pick<RnnContract, 'rnnBptt'>, c: RnnCase, student: RnnBpttResult): string[] {
  return diagnoseBpttWithMistakes(impl, c, student).lines;
}

/** diagnoseBptt's lines and the labels of the mistakes recognised (for the failure's details). */
export function diagnoseBpttWithMistakes(impl: Pick<RnnContract, 'rnnBptt'>, c: RnnCase, student: RnnBpttResult): { lines: string[]; mistakes: string[] } {
  const T = c.xs.length;
  const lines: string[] = [];
  const ref = bptt(c.params, c.xs, c.ys);
  let dhWrong: number | undefined;
  try {
    dhWrong = dhFirstWrong(student.dh, ref.dh);
  } catch {
    dhWrong = T;
  }
  if (dhWrong !== undefined) {
    lines.push(
      dhWrong === T
        ? `∂L/∂h_t is already wrong at the last step, ${tName(T, T)}.`
        : `∂L/∂h_t is right at t = T${T - dhWrong > 1 ? ` … ${dhWrong + 1}` : ''} and wrong from ${tName(dhWrong, T)} backwards.`,
    );
  } else {
    lines.push('∂L/∂h_t is right at every t.');
  }
  // first prefix length at which a parameter gradient is wrong
  for (let k = 1; k <= T; k++) {
    const pc = { params: c.params, xs: c.xs.slice(0, k), ys: c.ys.slice(0, k) };
    let got: RnnBpttResult;
    try {
      got = impl.rnnBptt(pc.params, pc.xs, pc.ys);
    } catch {
      break;
    }
    const want = bptt(pc.params, pc.xs, pc.ys);
    const bad = RNN_PARAM_NAMES.filter((n) => {
      try {
        return !compareTensor(n, toTensor(got.grads[n]), toTensor(want.grads[n]), TOL).pass;
      } catch {
        return true;
      }
    });
    if (bad.length) {
      lines.push(
        `First time step where the gradients differ: t = ${k} (on the sequence cut after x_${k}, ${bad.map((n) => PARAM_LABEL[n]).join(', ')} ${bad.length > 1 ? 'are' : 'is'} already wrong).`,
      );
      break;
    }
  }
  const mistakes = recogniseBptt(c, student, ref);
  for (const label of mistakes) lines.push(`${recognised(label)}.`);
  return { lines, mistakes };
}
