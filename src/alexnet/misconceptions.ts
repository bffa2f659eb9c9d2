/** AlexNet's known wrong parameter counts, each declared once: what the student reads, and the graph change that gives it. */
import { ALEXNET_GRAPH, analyse, graphParamCount, ungrouped } from './graph.ts';

/** the count without the grouping (conv2, conv4, conv5 reading both GPUs) */
export const UNGROUPED_COUNT = graphParamCount(ungrouped(ALEXNET_GRAPH));

/** Wrong readings of the parameter count, each computed from a changed graph (never typed in). */
export const ALEXNET_COUNT_MISTAKES = {
  ungrouped: 'that is the ungrouped count: conv2, conv4 and conv5 connect only to the maps on their own GPU, so each sees half the input channels',
  noBias: 'the biases are left out',
  noPool5: 'fc6 is counted on conv5’s 13×13×256 maps, before the last max-pooling: pool5 brings them to 6×6×256 = 9,216 inputs',
  oneColumn: 'only one GPU’s column is counted: the two GPUs hold different halves of the network (each layer’s kernels are split between them), not copies of one network',
} as const;

/** The wrong reading a parameter count `got` is, or ''. */
export function recogniseCount(got: number): string {
  const info = [...analyse(ALEXNET_GRAPH).values()];
  const known: [number, string][] = [
    [UNGROUPED_COUNT, ALEXNET_COUNT_MISTAKES.ungrouped],
    [graphParamCount(ALEXNET_GRAPH) - info.reduce((s, i) => s + i.biases, 0), ALEXNET_COUNT_MISTAKES.noBias],
    [graphParamCount(ALEXNET_GRAPH.map((n) => (n.op === 'conv' && n.stage === 'conv5' ? { ...n, poolAfter: false } : n))), ALEXNET_COUNT_MISTAKES.noPool5],
    [info.filter((i) => i.node.op !== 'input' && i.node.gpu === 0).reduce((s, i) => s + i.weights + i.biases, 0), ALEXNET_COUNT_MISTAKES.oneColumn],
  ];
  return known.find(([n]) => n === got)?.[1] ?? '';
}
