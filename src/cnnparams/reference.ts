/**
 * The generic parameter counter and the assumed architecture of CSE891 HW3 P3.1.
 *
 * ASSUMPTION (the diagram is missing from the homework text): the network is
 *   224×224×3 → Conv3-32 → MaxPool → Conv3-64 → MaxPool → Conv3-128 → MaxPool → Conv3-256 → MaxPool
 *   → FC-1024 → FC-10,
 * 3×3 convolutions with zero padding 1 (stride 1), 2×2 max pools with stride 2, biases everywhere.
 */
import type { CnnArch, CnnParamsContract } from './contract.ts';

export const CNN_ASSUMED_ARCH: CnnArch = {
  input: [224, 224, 3],
  layers: [
    { kind: 'conv', filters: 32, kernel: 3, padding: 1 },
    { kind: 'pool', size: 2, stride: 2 },
    { kind: 'conv', filters: 64, kernel: 3, padding: 1 },
    { kind: 'pool', size: 2, stride: 2 },
    { kind: 'conv', filters: 128, kernel: 3, padding: 1 },
    { kind: 'pool', size: 2, stride: 2 },
    { kind: 'conv', filters: 256, kernel: 3, padding: 1 },
    { kind: 'pool', size: 2, stride: 2 },
    { kind: 'dense', units: 1024 },
    { kind: 'dense', units: 10 },
  ],
};

export interface LayerRow {
  layer: string;
  /** output [h, w, ch] or [units] */
  output: number[];
  weights: number;
  biases: number;
  params: number;
}

/** Per-layer table: output shape, weights, biases. Throws on a layer that shrinks the map below 1×1. */
export function cnnParamTable(arch: CnnArch): LayerRow[] {
  let [h, w, ch] = arch.input;
  let flat: number | undefined; // set once a dense layer has flattened
  const rows: LayerRow[] = [];
  for (const l of arch.layers) {
    if (l.kind === 'conv') {
      if (flat !== undefined) throw new Error('a conv layer after a dense layer');
      const s = l.stride ?? 1;
      h = Math.floor((h + 2 * l.padding - l.kernel) / s) + 1;
      w = Math.floor((w + 2 * l.padding - l.kernel) / s) + 1;
      if (h < 1 || w < 1) throw new Error(`conv${l.kernel}-${l.filters} makes the map empty`);
      const weights = l.kernel * l.kernel * ch * l.filters;
      const biases = l.bias === false ? 0 : l.filters;
      ch = l.filters;
      rows.push({ layer: `conv${l.kernel}-${l.filters}${l.padding ? ` (pad ${l.padding})` : ''}`, output: [h, w, ch], weights, biases, params: weights + biases });
    } else if (l.kind === 'pool') {
      if (flat !== undefined) throw new Error('a pool layer after a dense layer');
      h = Math.floor((h - l.size) / l.stride) + 1;
      w = Math.floor((w - l.size) / l.stride) + 1;
      if (h < 1 || w < 1) throw new Error(`maxpool ${l.size}/${l.stride} makes the map empty`);
      rows.push({ layer: `maxpool ${l.size}×${l.size}/${l.stride}`, output: [h, w, ch], weights: 0, biases: 0, params: 0 });
    } else {
      const fanIn = flat ?? h * w * ch;
      const weights = fanIn * l.units;
      const biases = l.bias === false ? 0 : l.units;
      flat = l.units;
      rows.push({ layer: `FC-${l.units}`, output: [l.units], weights, biases, params: weights + biases });
    }
  }
  return rows;
}

export const cnnParamCount = (arch: CnnArch): number => cnnParamTable(arch).reduce((s, r) => s + r.params, 0);

export const cnnParamsReference: CnnParamsContract = {
  cnnParamCount,
  cnnParamTotal: cnnParamCount(CNN_ASSUMED_ARCH),
};
