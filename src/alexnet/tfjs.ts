/** A tfjs model built (never run) from the AlexNet graph, for countParams(). */
import { tf } from '../backend.ts';
import { onCpuBackend } from '../verify/tfjs-count.ts';
import type { GraphNode } from './graph.ts';

let cached: Promise<number> | undefined;

/** Zero initialisers on the cpu backend (see onCpuBackend): tens of ms for 61M parameters. Cached per process. */
export function tfjsAlexnetParamCount(graph: GraphNode[]): Promise<number> {
  cached ??= build(graph);
  return cached;
}

function build(graph: GraphNode[]): Promise<number> {
  return onCpuBackend(() => buildModel(graph));
}

function buildModel(graph: GraphNode[]): number {
  const init = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;
  const t = new Map<string, tf.SymbolicTensor>();
  let input: tf.SymbolicTensor | undefined;
  for (const n of graph) {
    if (n.op === 'input') {
      input = tf.input({ shape: n.shape });
      t.set(n.id, input);
      continue;
    }
    const ins = n.inputs.map((id) => t.get(id)!);
    if (n.op === 'conv') {
      let x = ins.length > 1 ? (tf.layers.concatenate().apply(ins) as tf.SymbolicTensor) : ins[0];
      if (n.padding) x = tf.layers.zeroPadding2d({ padding: n.padding }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.conv2d({ filters: n.filters, kernelSize: n.kernel, strides: n.stride, activation: 'relu', ...init }).apply(x) as tf.SymbolicTensor;
      if (n.poolAfter) x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(x) as tf.SymbolicTensor;
      t.set(n.id, x);
    } else {
      const flat = ins.map((x) => (x.shape.length > 2 ? (tf.layers.flatten().apply(x) as tf.SymbolicTensor) : x));
      const x = flat.length > 1 ? (tf.layers.concatenate().apply(flat) as tf.SymbolicTensor) : flat[0];
      t.set(n.id, tf.layers.dense({ units: n.units, ...init }).apply(x) as tf.SymbolicTensor);
    }
  }
  const outs = graph.filter((n) => n.op !== 'input' && n.stage === 'fc8').map((n) => t.get(n.id)!);
  const model = tf.model({ inputs: input!, outputs: outs });
  const count = model.countParams();
  model.dispose();
  return count;
}
