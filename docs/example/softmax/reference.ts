// The key's answer, in float64.
import type { SoftmaxContract } from './contract.ts';

export function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export const xentLoss = (z: number[], y: number[]): number => -softmax(z).reduce((a, p, k) => a + y[k] * Math.log(p), 0);

export const softmaxReference: SoftmaxContract = {
  // ∂L/∂zⱼ = softmax(z)ⱼ·Σₖ yₖ − yⱼ = softmax(z)ⱼ − yⱼ, as y sums to 1
  softmaxXentGrad: (z, y) => softmax(z).map((p, j) => p - y[j]),
};
