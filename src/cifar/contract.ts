/**
 * CIFAR-10 LeNet (ELEG5491 HW2 P5): what a student's module exports.  Arrays are plain numbers
 * (float64); tfjs weight layouts: conv [kh, kw, c_in, c_out], dense [in, out].
 */
import type { ContractSpec } from '../claims/types.ts';

export interface SgdHyper {
  lr: number;
  momentum: number;
  weightDecay: number;
}
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}
export interface RmspropHyper {
  lr: number;
  decay: number;
  momentum: number;
  epsilon: number;
}
export interface AdamState {
  m: number[];
  s: number[];
  /** steps taken so far (0 before the first) */
  t: number;
}
export interface RmspropState {
  s: number[];
  v: number[];
}

/** The files of one trained network, relative to the submission's folder (see src/cifar/artifacts.ts). */
export interface RunFiles {
  /** a TF.js LayersModel's model.json (its weight files beside it), or a PyTorch state_dict saved with np.savez (.npz) */
  model: string;
  /** the per-epoch log: JSON [{ epoch, trainLoss, testAccuracy }] or CSV epoch,train_loss,test_accuracy */
  log: string;
}

/** The networks the student trained: P5.1 (σ = 0.01), P5.2 (He init), P5.3 (batch norm). */
export interface CifarTrainedRuns {
  std001: RunFiles;
  he: RunFiles;
  bn: RunFiles;
}

export interface CifarContract {
  /** learnable parameters of the P5.1 network (weights + biases, no BN) */
  cifarParamCount: number;
  /** σ of He initialization (P5.2, eq. 6) for a weight of this tfjs shape */
  cifarHeStd(shape: number[]): number;
  /** one SGD step with momentum and L2 weight decay (PyTorch's SGD): returns the new w and velocity */
  cifarSgdStep(w: number[], g: number[], v: number[], hp: SgdHyper): { w: number[]; v: number[] };
  /** training-mode batch norm of x [M][C] over the batch axis (biased batch variance), y = γ x̂ + β */
  cifarBatchNorm(x: number[][], gamma: number[], beta: number[], eps: number): number[][];
  /** own Adam (P5.4): one step with bias correction */
  cifarAdamStep(w: number[], g: number[], state: AdamState, hp: AdamHyper): { w: number[]; state: AdamState };
  /** own RMSProp (P5.4), tfjs's form: s ← ρs + (1−ρ)g², v ← μv + η g/√(s+ε), w ← w − v */
  cifarRmspropStep(w: number[], g: number[], state: RmspropState, hp: RmspropHyper): { w: number[]; state: RmspropState };
  /** the trained networks and their logs (files handed in with the code) */
  cifarTrainedRuns: CifarTrainedRuns;
}

export const cifarContract: ContractSpec<CifarContract> = {
  cifarParamCount: { kind: 'number', signature: 'number', doc: 'the number of learnable parameters (weights and biases) of the P5.1 LeNet' },
  cifarHeStd: {
    kind: 'function',
    signature: '(shape: number[]) => number',
    doc: 'the standard deviation He initialization (eq. 6) gives a weight tensor of this shape: conv [k, k, c_in, c_out] (HWIO) or dense [in, out]',
  },
  cifarSgdStep: {
    kind: 'function',
    signature: '(w: number[], g: number[], v: number[], hp: { lr; momentum; weightDecay }) => { w: number[]; v: number[] }',
    doc: 'v ← μv + (g + λw); w ← w − ηv',
  },
  cifarBatchNorm: {
    kind: 'function',
    signature: '(x: number[][], gamma: number[], beta: number[], eps: number) => number[][]',
    doc: 'training-mode BN over the rows (batch) of x [M][C]: (x − μ_c)/√(σ²_c + ε)·γ_c + β_c, σ² the biased batch variance',
  },
  cifarAdamStep: {
    kind: 'function',
    signature: '(w, g, state: { m; s; t }, hp: { lr; beta1; beta2; epsilon }) => { w; state }',
    doc: 'Adam with bias correction: m̂ = m/(1−β₁ᵗ), ŝ = s/(1−β₂ᵗ), w ← w − η m̂/(√ŝ + ε)',
  },
  cifarTrainedRuns: {
    kind: 'object',
    signature: '{ std001: { model: string; log: string }; he: { model: string; log: string }; bn: { model: string; log: string } }',
    doc: "the networks you trained for P5.1 (σ = 0.01), P5.2 (He init) and P5.3 (batch norm), as paths inside your submission's folder: model = a TF.js model.json (what model.save() writes, weight files beside it) or a PyTorch state_dict saved with np.savez (.npz); log = one row per epoch, JSON [{ epoch, trainLoss, testAccuracy }] or CSV epoch,train_loss,test_accuracy. The grader feeds the 10,000 test images as x = pixel/127.5 − 1 (TF.js: NHWC [N, 32, 32, 3]; PyTorch: NCHW)",
  },
  cifarRmspropStep: {
    kind: 'function',
    signature: '(w, g, state: { s; v }, hp: { lr; decay; momentum; epsilon }) => { w; state }',
    doc: 'RMSProp: s ← ρs + (1−ρ)g²; v ← μv + η g/√(s + ε); w ← w − v',
  },
};
