/**
 * CNN parameter count (CSE891 HW3 P3.1).  The counter is generic over an architecture
 * description; the homework's own network (its diagram is missing from the text) is the
 * assumption CNN_ASSUMED_ARCH in reference.ts, stated in the key and in docs/topics/cnnparams.md.
 */
import type { ContractSpec } from '../claims/types.ts';

export type CnnLayer =
  /** k×k convolution, `padding` zeros on every side, stride (default 1), bias (default true) */
  | { kind: 'conv'; filters: number; kernel: number; padding: number; stride?: number; bias?: boolean }
  /** size×size max pool, no padding (floor) */
  | { kind: 'pool'; size: number; stride: number }
  /** fully connected; the first one flattens its h×w×channels input; bias default true */
  | { kind: 'dense'; units: number; bias?: boolean };

export interface CnnArch {
  /** [height, width, channels] */
  input: [number, number, number];
  layers: CnnLayer[];
}

export interface CnnParamsContract {
  /** the number of trainable parameters (weights and biases) of any architecture of this form */
  cnnParamCount(arch: CnnArch): number;
  /** the answer for the homework's network (the assumed architecture, see the key) */
  cnnParamTotal: number;
}

export const cnnParamsContract: ContractSpec<CnnParamsContract> = {
  cnnParamCount: {
    kind: 'function',
    signature: "(arch: { input: [h, w, ch]; layers: ({ kind: 'conv'; filters; kernel; padding; stride?; bias? } | { kind: 'pool'; size; stride } | { kind: 'dense'; units; bias? })[] }) => number",
    doc: 'the number of parameters (weights + biases) of a CNN described layer by layer',
  },
  cnnParamTotal: {
    kind: 'number',
    signature: 'number',
    doc: 'the total for 224×224×3 → conv3-32 → pool → conv3-64 → pool → conv3-128 → pool → conv3-256 → pool → FC-1024 → FC-10 (padding 1, 2×2 pools stride 2)',
  },
};
