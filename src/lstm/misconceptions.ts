/**
 * The LSTM's known BPTT mistakes, each declared once: what the student reads, and the backward equation
 * the student wrote instead (bptt() runs it in place of the right one; the diagnosis names the mistake
 * whose output a wrong answer reproduces).
 */
import { LSTM_WEIGHT_NAMES, type LstmWeights } from './contract.ts';
import { LSTM_BACKWARD, type LstmBackward, type LstmStep } from './reference.ts';

const noTerms = Object.fromEntries(LSTM_WEIGHT_NAMES.map((n) => [n, 0])) as unknown as LstmWeights;

export const LSTM_VARIANTS = {
  'cbar-no-carry': {
    label: 'c̄(t) is missing the term c̄(t+1) f(t+1): c(t) reaches L through c(t+1) = f(t+1) c(t) + …, not only through h(t)',
    backward: { carry: () => 0 },
  },
  'cbar-carry-without-f': {
    label: 'c̄(t) carries c̄(t+1) back without the factor f(t+1) (∂c(t+1)/∂c(t) = f(t+1))',
    backward: { carry: (s: LstmStep) => s.next.cbar },
  },
  'hbar-missing-forget-path': {
    label: 'h̄(t) is missing the forget-gate path w_fh f̄(t+1) f(t+1)(1−f(t+1)): h(t) feeds all four gates of step t+1',
    // the answer less the forget-gate term (the key's own h̄, so that this module restates no answer)
    backward: { hbar: (s: LstmStep) => LSTM_BACKWARD.hbar(s) - s.w.wfh * s.next.zf },
  },
  'fbar-uses-c_t': {
    label: 'f̄(t) uses c(t) instead of c(t−1) (f(t) multiplies the previous cell: f̄(t) = c̄(t) c(t−1))',
    backward: { fbar: (s: LstmStep, cbar: number) => cbar * s.F.c[s.t] },
  },
  'ibar-uses-g_prev': {
    label: 'ī(t) uses g(t−1) instead of g(t) (ī(t) = c̄(t) g(t))',
    backward: { ibar: (s: LstmStep, cbar: number) => cbar * (s.t > 0 ? s.F.g[s.t - 1] : 0) },
  },
  'grads-from-t2': {
    label: 'the weight gradients sum over t = 2 … T and leave out step 1 (w̄ = Σ_{t=1}^T; at t = 1 the input-weight terms x(1) are not zero)',
    backward: { gradTerms: (s: LstmStep, z: Parameters<LstmBackward['gradTerms']>[1]) => (s.t === 0 ? noTerms : LSTM_BACKWARD.gradTerms(s, z)) },
  },
} satisfies Record<string, { label: string; backward: Partial<LstmBackward> }>;

export type LstmMistake = keyof typeof LSTM_VARIANTS;
export const LSTM_MISTAKE_IDS = Object.keys(LSTM_VARIANTS) as LstmMistake[];

/** id → what the student reads */
export const LSTM_MISTAKES = Object.fromEntries(LSTM_MISTAKE_IDS.map((id) => [id, LSTM_VARIANTS[id].label])) as Record<LstmMistake, string>;
