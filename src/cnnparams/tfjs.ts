/** A tfjs model built (not run) from an architecture description, for its countParams(). */
import { tf } from '../backend.ts';
import { onCpuBackend } from '../verify/tfjs-count.ts';
import type { CnnArch } from './contract.ts';

/** Zero initialisers: building a 50M-parameter model with random (glorot) init took ~10.7 s here on wasm, with zeros ~0.5 s, on cpu ~15 ms. */
const cache = new Map<string, Promise<number>>();

/** Cached by the architecture's JSON: shrinking and the known-wrong runs ask for the same models again. */
export function tfjsCnnParamCount(arch: CnnArch): Promise<number> {
  const key = JSON.stringify(arch);
  let p = cache.get(key);
  if (!p) {
    p = build(arch);
    cache.set(key, p);
  }
  return p;
}

function build(arch: CnnArch): Promise<number> {
  return onCpuBackend(() => buildModel(arch));
}

function buildModel(arch: CnnArch): number {
  const model = tf.sequential();
  const init = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;
  let first = true;
  let flat = false;
  const shape = (): { inputShape?: number[] } => (first ? { inputShape: [...arch.input] } : {});
  for (const l of arch.layers) {
    if (l.kind === 'conv') {
      if (l.padding) {
        model.add(tf.layers.zeroPadding2d({ padding: l.padding, ...shape() }));
        first = false;
      }
      model.add(tf.layers.conv2d({ filters: l.filters, kernelSize: l.kernel, strides: l.stride ?? 1, padding: 'valid', useBias: l.bias !== false, ...init, ...shape() }));
    } else if (l.kind === 'pool') {
      model.add(tf.layers.maxPooling2d({ poolSize: l.size, strides: l.stride, padding: 'valid', ...shape() }));
    } else {
      if (!flat) {
        model.add(tf.layers.flatten(shape()));
        first = false;
        flat = true;
      }
      model.add(tf.layers.dense({ units: l.units, useBias: l.bias !== false, ...init, ...shape() }));
    }
    first = false;
  }
  const n = model.countParams();
  model.dispose();
  return n;
}
