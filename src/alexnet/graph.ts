/**
 * AlexNet as Krizhevsky et al. split it over two GPUs, described as a graph: every layer is two
 * nodes, one per GPU, each listing the nodes it reads.  The answers are derived from the graph —
 * the stages that need the GPUs to exchange data are those with an edge from the other GPU, and
 * the parameter count sums the nodes' weights — never typed in.
 *
 * Input 227×227×3 (the size the layer arithmetic needs; the paper says 224).  Max pools (3×3,
 * stride 2, overlapping) follow conv1, conv2 and conv5; response normalisation has no parameters.
 * fc8's 1000 outputs are split 500 + 500 over the GPUs (the count is the same as one 1000-unit layer).
 */
import { ALEXNET_STAGES, type AlexnetStage } from './contract.ts';

export type Gpu = 0 | 1;

export type GraphNode =
  | { id: string; op: 'input'; shape: [number, number, number] }
  | { id: string; op: 'conv'; stage: AlexnetStage; gpu: Gpu; inputs: string[]; filters: number; kernel: number; stride: number; padding: number; poolAfter: boolean }
  | { id: string; op: 'dense'; stage: AlexnetStage; gpu: Gpu; inputs: string[]; units: number };

const conv = (stage: AlexnetStage, gpu: Gpu, inputs: string[], filters: number, kernel: number, stride: number, padding: number, poolAfter: boolean): GraphNode => ({
  id: `${stage}@gpu${gpu}`,
  op: 'conv',
  stage,
  gpu,
  inputs,
  filters,
  kernel,
  stride,
  padding,
  poolAfter,
});
const dense = (stage: AlexnetStage, gpu: Gpu, inputs: string[], units: number): GraphNode => ({ id: `${stage}@gpu${gpu}`, op: 'dense', stage, gpu, inputs, units });
const both = (stage: string): string[] => [`${stage}@gpu0`, `${stage}@gpu1`];
const own = (stage: string, g: Gpu): string[] => [`${stage}@gpu${g}`];

/** The two-column network (Krizhevsky, Sutskever & Hinton 2012, Fig. 2). */
export const ALEXNET_GRAPH: GraphNode[] = [
  { id: 'image', op: 'input', shape: [227, 227, 3] },
  ...([0, 1] as const).flatMap((g) => [conv('conv1', g, ['image'], 48, 11, 4, 0, true)]),
  ...([0, 1] as const).flatMap((g) => [conv('conv2', g, own('conv1', g), 128, 5, 1, 2, true)]),
  ...([0, 1] as const).flatMap((g) => [conv('conv3', g, both('conv2'), 192, 3, 1, 1, false)]),
  ...([0, 1] as const).flatMap((g) => [conv('conv4', g, own('conv3', g), 192, 3, 1, 1, false)]),
  ...([0, 1] as const).flatMap((g) => [conv('conv5', g, own('conv4', g), 128, 3, 1, 1, true)]),
  ...([0, 1] as const).flatMap((g) => [dense('fc6', g, both('conv5'), 2048)]),
  ...([0, 1] as const).flatMap((g) => [dense('fc7', g, both('fc6'), 2048)]),
  ...([0, 1] as const).flatMap((g) => [dense('fc8', g, both('fc7'), 500)]),
];

export interface NodeInfo {
  node: GraphNode;
  /** [h, w, ch] for maps, [units] for dense outputs */
  shape: number[];
  weights: number;
  biases: number;
}

/** Shapes and parameter counts of every node, in graph order. */
export function analyse(graph: GraphNode[]): Map<string, NodeInfo> {
  const info = new Map<string, NodeInfo>();
  for (const node of graph) {
    if (node.op === 'input') {
      info.set(node.id, { node, shape: [...node.shape], weights: 0, biases: 0 });
      continue;
    }
    const ins = node.inputs.map((id) => {
      const i = info.get(id);
      if (!i) throw new Error(`${node.id} reads ${id}, which is not defined before it`);
      return i;
    });
    if (node.op === 'conv') {
      const [h, w] = ins[0].shape;
      if (ins.some((i) => i.shape.length !== 3 || i.shape[0] !== h || i.shape[1] !== w)) throw new Error(`${node.id}: its inputs have different map sizes`);
      const cin = ins.reduce((s, i) => s + i.shape[2], 0);
      let ho = Math.floor((h + 2 * node.padding - node.kernel) / node.stride) + 1;
      let wo = Math.floor((w + 2 * node.padding - node.kernel) / node.stride) + 1;
      if (node.poolAfter) {
        ho = Math.floor((ho - 3) / 2) + 1;
        wo = Math.floor((wo - 3) / 2) + 1;
      }
      info.set(node.id, { node, shape: [ho, wo, node.filters], weights: node.kernel * node.kernel * cin * node.filters, biases: node.filters });
    } else {
      const fanIn = ins.reduce((s, i) => s + i.shape.reduce((a, b) => a * b, 1), 0);
      info.set(node.id, { node, shape: [node.units], weights: fanIn * node.units, biases: node.units });
    }
  }
  return info;
}

export interface CrossEdge {
  stage: AlexnetStage;
  from: string;
  to: string;
}

/** Edges from a node on one GPU to a node on the other (the data the GPUs must exchange). */
export function crossGpuEdges(graph: GraphNode[]): CrossEdge[] {
  const byId = new Map(graph.map((n) => [n.id, n]));
  const out: CrossEdge[] = [];
  for (const n of graph) {
    if (n.op === 'input') continue;
    for (const src of n.inputs) {
      const s = byId.get(src)!;
      if (s.op !== 'input' && s.gpu !== n.gpu) out.push({ stage: n.stage, from: s.id, to: n.id });
    }
  }
  return out;
}

/** The stages that need the two GPUs to synchronise, in network order. */
export const syncStages = (graph: GraphNode[]): AlexnetStage[] => {
  const s = new Set(crossGpuEdges(graph).map((e) => e.stage));
  return ALEXNET_STAGES.filter((x) => s.has(x));
};

export const graphParamCount = (graph: GraphNode[]): number => [...analyse(graph).values()].reduce((s, i) => s + i.weights + i.biases, 0);

/** The same graph with every layer reading both GPUs (no grouping): the "one-GPU" AlexNet. */
export const ungrouped = (graph: GraphNode[]): GraphNode[] =>
  graph.map((n) => (n.op === 'input' || n.stage === 'conv1' ? n : { ...n, inputs: both(n.stage === 'fc6' ? 'conv5' : prevStage(n.stage)) }));
const prevStage = (s: AlexnetStage): string => ALEXNET_STAGES[ALEXNET_STAGES.indexOf(s) - 1];
