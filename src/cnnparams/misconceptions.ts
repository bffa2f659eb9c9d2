/** Named mistakes of a parameter count, as alternative counters: a wrong answer equal to one is named. */
import type { CnnArch } from './contract.ts';
import { recognised } from '../verify/failure.ts';

export const CNN_MISTAKES = {
  'no-bias': 'the biases are left out (each conv filter and each dense unit has one)',
  'no-input-channels': 'a conv layer is counted as k·k·filters, without the input channels (it is k·k·C_in·filters)',
  'padding-ignored': 'the padding is ignored in the map size (with padding 1 a 3×3 conv keeps h×w), so the first dense layer gets the wrong fan-in',
  'pool-not-applied': 'the max pools are not applied to the map size (each 2×2/2 pool halves h and w)',
} as const;
export type CnnMistake = keyof typeof CNN_MISTAKES;

export function variantCount(arch: CnnArch, m: CnnMistake): number | undefined {
  let [h, w, ch] = arch.input;
  let flat: number | undefined;
  let total = 0;
  for (const l of arch.layers) {
    if (l.kind === 'conv') {
      const s = l.stride ?? 1;
      const p = m === 'padding-ignored' ? 0 : l.padding;
      h = Math.floor((h + 2 * p - l.kernel) / s) + 1;
      w = Math.floor((w + 2 * p - l.kernel) / s) + 1;
      if (h < 1 || w < 1) return undefined;
      total += l.kernel * l.kernel * (m === 'no-input-channels' ? 1 : ch) * l.filters + (l.bias === false || m === 'no-bias' ? 0 : l.filters);
      ch = l.filters;
    } else if (l.kind === 'pool') {
      if (m === 'pool-not-applied') continue;
      h = Math.floor((h - l.size) / l.stride) + 1;
      w = Math.floor((w - l.size) / l.stride) + 1;
      if (h < 1 || w < 1) return undefined;
    } else {
      total += (flat ?? h * w * ch) * l.units + (l.bias === false || m === 'no-bias' ? 0 : l.units);
      flat = l.units;
    }
  }
  return total;
}

/** The mistakes whose counter gives `got` on `arch` (and differs from the truth there). */
export function diagnoseCount(arch: CnnArch, got: number, truth: number): string[] {
  return (Object.keys(CNN_MISTAKES) as CnnMistake[])
    .filter((m) => {
      const v = variantCount(arch, m);
      return v !== undefined && v !== truth && v === got;
    })
    .map((m) => `${recognised(CNN_MISTAKES[m])}`);
}
