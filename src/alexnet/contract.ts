/**
 * AlexNet on two GPUs (ELEG5491 HW2 P3): at which stages must the two GPUs synchronise
 * (exchange feature maps) during the forward pass?
 */
import type { ContractSpec } from '../claims/types.ts';

export const ALEXNET_STAGES = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8'] as const;
export type AlexnetStage = (typeof ALEXNET_STAGES)[number];

export interface AlexnetContract {
  /** the stages whose input must come from both GPUs, e.g. ['conv3', …] (names: conv1–conv5, fc6–fc8) */
  alexnetSyncStages: string[];
  /** the number of parameters of the two-GPU (grouped) network */
  alexnetParamCount: number;
}

export const alexnetContract: ContractSpec<AlexnetContract> = {
  alexnetSyncStages: {
    kind: 'object',
    signature: 'string[] — stage names from conv1, conv2, conv3, conv4, conv5, fc6, fc7, fc8',
    doc: 'the stages of the forward pass at which the two GPUs must exchange data',
  },
  alexnetParamCount: {
    kind: 'number',
    signature: 'number',
    doc: 'the number of weights and biases of the two-column network (conv2, conv4, conv5 connect only within a GPU)',
  },
};
