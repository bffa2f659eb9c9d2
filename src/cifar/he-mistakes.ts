/**
 * He-init misconceptions for the LeNet of ELEG5491 HW2 P5, recognised from the σ a submission's
 * `cifarHeStd` gives each weight layer (used by cifar.he-init, cifar.variance-propagation and the
 * slow cifar.he-accuracy).
 */
import { LENET_SHAPES } from './lenet.ts';

export const HE_LAYERS = Object.entries(LENET_SHAPES).filter(([n]) => n.endsWith('W'));
export const fans = (shape: number[]) => ({
  fin: shape.length === 4 ? shape[0] * shape[1] * shape[2] : shape[0],
  fout: shape.length === 4 ? shape[0] * shape[1] * shape[3] : shape[1],
  cin: shape.length === 4 ? shape[2] : shape[0],
});

export const HE_STD_MISTAKES = {
  fanOut: 'fan-out used instead of fan-in (the forward-pass condition eq. 6 uses the n_l inputs of each unit)',
  lecun: 'σ = √(1/n_l) (LeCun/Xavier): the ReLU halves E[x²] (eq. 4), so He init needs √(2/n_l)',
  noKernelArea: 'the fan-in omits the kernel area: n_l = k·k·c_in for a k×k convolution',
  variance: 'the variance 2/n_l was returned instead of the standard deviation √(2/n_l)',
  fixed001: 'a fixed σ = 0.01 (the P5.1 recipe) was kept instead of √(2/n_l): each layer then multiplies the variance by ½n_lσ² ≪ 1 (eq. 5) and the signal collapses',
} as const;

const HE_RULES: [string, (f: ReturnType<typeof fans>) => number][] = [
  [HE_STD_MISTAKES.fanOut, (f) => Math.sqrt(2 / f.fout)],
  [HE_STD_MISTAKES.lecun, (f) => Math.sqrt(1 / f.fin)],
  [HE_STD_MISTAKES.noKernelArea, (f) => Math.sqrt(2 / f.cin)],
  [HE_STD_MISTAKES.variance, (f) => 2 / f.fin],
  [HE_STD_MISTAKES.fixed001, () => 0.01],
];

/** the named He-init mistake that the student's σ per layer matches on every layer, if any */
export function recogniseHeMistake(std: Record<string, number>): string | undefined {
  return HE_RULES.find(([, f]) => HE_LAYERS.every(([n, sh]) => Math.abs(std[n] - f(fans(sh))) < 1e-9 * f(fans(sh))))?.[0];
}

/** the same, asking a submission's `cifarHeStd` (undefined when it throws) */
export function recogniseHeStd(heStd: (shape: number[]) => number): string | undefined {
  try {
    return recogniseHeMistake(Object.fromEntries(HE_LAYERS.map(([n, sh]) => [n, heStd([...sh])])));
  } catch {
    return undefined;
  }
}
