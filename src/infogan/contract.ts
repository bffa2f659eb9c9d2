/**
 * InfoGAN on MNIST (CIE6032 HW2 P5): what a student's module exports.
 *
 * Latent (74 values): [62 noise ~ N(0,1) | one-hot categorical code c₁ ∈ {0..9}, uniform |
 * continuous codes c₂, c₃ ~ U(−1, 1)].  Images are 28×28 grey values in [0, 1], row-major,
 * flattened to 784; batches are flat Float32Arrays (n × 784, n × 74).
 */
import type { ContractSpec } from '../claims/types.ts';

export interface InfoganIdx {
  dims: number[];
  data: Uint8Array;
}

export interface InfoganLatentSample {
  /** n × 74 */
  z: number[][];
  /** the categorical code of each row, 0..9 */
  cat: number[];
  /** n × 2, the continuous codes of each row */
  cont: number[][];
}

export interface InfoganTrained {
  /** n latents (n × 74) → n images (n × 784, values in [0, 1]) */
  generate(z: Float32Array, n: number): Float32Array | Promise<Float32Array>;
  /** n images (n × 784) → Q's categorical logits (n × 10) and the means of the continuous codes' posterior (n × 2) */
  q(x: Float32Array, n: number): { logits: Float32Array; mean: Float32Array } | Promise<{ logits: Float32Array; mean: Float32Array }>;
}

export interface InfoganTrainOptions {
  /** training images, n × 784 in [0, 1] */
  images: Float32Array;
  /** 'cpu': a model small enough to learn on CPU; 'paper': the paper's convolutional architecture (GPU) */
  arch: 'cpu' | 'paper';
  seed: number;
  steps: number;
  batchSize: number;
  /** resume from / save to this folder when given */
  checkpointDir?: string;
  /** stop after this many steps of this call (the checkpoint then lets a later call resume) */
  stopAfter?: number;
  /** progress lines */
  log?: (line: string) => void;
}

/** The run the acceptance tests make: steps and batch size per architecture. */
export interface InfoganRunConfig {
  cpu: { steps: number; batchSize: number };
  paper: { steps: number; batchSize: number };
}

/** The trained generator handed in (src/infogan/generator-artifact.ts reads it). */
export interface InfoganTrainedGenerator {
  /** a TF.js LayersModel's model.json (its weight files beside it), or a PyTorch state_dict saved with np.savez (.npz) */
  model: string;
  /** the noise prior it was trained with: 'normal' (N(0, 1), the default) or 'uniform' (U(−1, 1)) */
  noise?: 'normal' | 'uniform';
}

export interface InfoganContract {
  infoganReadIdx(bytes: Uint8Array): InfoganIdx;
  infoganSampleLatent(n: number, seed: number): InfoganLatentSample;
  infoganInfoLoss(catLogits: number[][], cat: number[], contMean: number[][], cont: number[][]): { cat: number; cont: number };
  infoganAssign(confusion: number[][]): number[];
  infoganTrain(opts: InfoganTrainOptions): Promise<InfoganTrained>;
  infoganRunConfig: InfoganRunConfig;
  /** the generator the student trained, as a file in their submission's folder */
  infoganTrainedGenerator: InfoganTrainedGenerator;
}

export const infoganContract: ContractSpec<InfoganContract> = {
  infoganReadIdx: {
    kind: 'function',
    signature: '(bytes: Uint8Array) => { dims: number[]; data: Uint8Array }',
    doc: 'parse an IDX file of unsigned bytes (magic 0x0000080N, N big-endian uint32 dimensions, data); throw on a wrong magic number, a truncated file or trailing bytes',
  },
  infoganSampleLatent: {
    kind: 'function',
    signature: '(n: number, seed: number) => { z: number[][]; cat: number[]; cont: number[][] }',
    doc: 'n latent vectors [62 noise N(0,1) | one-hot of cat (uniform over 0..9) | 2 continuous codes U(−1,1)], with the codes drawn',
  },
  infoganInfoLoss: {
    kind: 'function',
    signature: '(catLogits: number[][], cat: number[], contMean: number[][], cont: number[][]) => { cat: number; cont: number }',
    doc: 'the information term L_I the training minimises: cat = mean over rows of −log softmax(catLogits)[cat] (nats); cont = mean over rows of Σ_j ½(cont_j − contMean_j)² (unit-variance Gaussian, constants dropped)',
  },
  infoganAssign: {
    kind: 'function',
    signature: '(confusion: number[][]) => number[]',
    doc: 'the code→digit assignment (a permutation, perm[code] = digit) that maximises Σ_code confusion[code][perm[code]] — exactly',
  },
  infoganTrain: {
    kind: 'function',
    signature: '(opts: { images; arch: "cpu" | "paper"; seed; steps; batchSize; checkpointDir?; stopAfter?; log? }) => Promise<{ generate(z, n): Float32Array; q(x, n): { logits; mean } }>',
    doc: 'train an InfoGAN (G, D and the Q head sharing D’s body, L_I weighted into both players’ losses) and return the trained G and Q',
  },
  infoganRunConfig: {
    kind: 'object',
    signature: '{ cpu: { steps: number; batchSize: number }; paper: { steps: number; batchSize: number } }',
    doc: 'the training run the acceptance tests make with each architecture',
  },
  infoganTrainedGenerator: {
    kind: 'object',
    signature: '{ model: string; noise?: "normal" | "uniform" }',
    doc:
      "the generator you trained, as a path inside your submission's folder: model = a TF.js model.json (what model.save() writes, weight files beside it) or a PyTorch state_dict saved with np.savez (.npz). " +
      "Its family is the paper's: FC → BN → ReLU → FC (7·7·c₁) → BN → ReLU → reshape → 4×4 up-conv c₂ (stride 2) → BN → ReLU → 4×4 up-conv 1 (stride 2) → sigmoid, any widths (TF.js: tf.sequential, input [74], output [28, 28, 1] or [784]; PyTorch: the 7 modules Linear, BatchNorm1d, Linear, BatchNorm1d, ConvTranspose2d(c₁, c₂, 4, 2, 1), BatchNorm2d, ConvTranspose2d(c₂, 1, 4, 2, 1) in that order, the second Linear's output viewed as (c₁, 7, 7)). " +
      'The grader feeds float32 latents [N, 74] = [62 noise | one-hot of c₁ ∈ 0..9 | c₂, c₃ ∈ [−1, 1]], the noise N(0, 1) unless noise = "uniform" (U(−1, 1)), batch norm in evaluation mode (running statistics), and expects 28×28 images with values in [0, 1] (0 background, 1 ink, as MNIST)',
  },
};
