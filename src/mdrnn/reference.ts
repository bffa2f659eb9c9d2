/**
 * Reference MDRNN: a built model (weight arrays allocated), an instrumented forward pass that counts
 * every multiplication and addition, and the key's closed forms.
 */
import { makeRng, randnMatrix } from '../verify/rng.ts';
import type { Cell, MdrnnContract } from './contract.ts';

export interface MdrnnModel {
  Win: number[][]; // D×H (used as W_inᵀ x)
  WW: number[][]; // H×H
  WN: number[][]; // H×H
}

export function buildModel(D: number, H: number, seed = 1): MdrnnModel {
  const rng = makeRng(seed);
  return { Win: randnMatrix(rng, D, H, 1 / Math.sqrt(D)), WW: randnMatrix(rng, H, H, 0.5 / Math.sqrt(H)), WN: randnMatrix(rng, H, H, 0.5 / Math.sqrt(H)) };
}

export const countWeights = (m: MdrnnModel): number => [m.Win, m.WW, m.WN].reduce((s, W) => s + W.reduce((q, r) => q + r.length, 0), 0);

/** Forward pass over a G×G grid with every + and × counted (the contract's convention). */
export function instrumentedForward(m: MdrnnModel, x: number[][][]): { h: number[][][]; mults: number; adds: number } {
  const G = x.length,
    H = m.WW.length;
  let mults = 0,
    adds = 0;
  // Wᵀv: output k = Σ_n W[n][k] v[n] (first product, then n − 1 additions)
  const tmv = (W: number[][], v: number[]): number[] =>
    Array.from({ length: H }, (_, k) => {
      let s = W[0][k] * v[0];
      mults++;
      for (let n = 1; n < v.length; n++) {
        s += W[n][k] * v[n];
        mults++;
        adds++;
      }
      return s;
    });
  const zero = new Array<number>(H).fill(0);
  const h: number[][][] = Array.from({ length: G + 1 }, () => []);
  for (let j = 1; j <= G; j++) {
    for (let i = 1; i <= G; i++) {
      const a = tmv(m.Win, x[i - 1][j - 1]);
      const w = tmv(m.WW, i > 1 ? h[i - 1][j] : zero);
      const n = tmv(m.WN, j > 1 ? h[i][j - 1] : zero);
      h[i][j] = a.map((v, k) => {
        adds += 2;
        return Math.tanh(v + w[k] + n[k]);
      });
    }
  }
  return { h, mults, adds };
}

export const opCountFormula = (G: number, D: number, H: number): number => G * G * H * (2 * D + 4 * H - 1);

export function wavefront(G: number): Cell[][] {
  return Array.from({ length: 2 * G - 1 }, (_, s) => {
    const out: Cell[] = [];
    for (let i = 1; i <= G; i++) {
      const j = s + 2 - i;
      if (j >= 1 && j <= G) out.push([i, j]);
    }
    return out;
  });
}

export function cnnContextFormula(G: number, L: number, k: number, i: number, j: number): Cell[] {
  const R = (L * (k - 1)) / 2;
  const out: Cell[] = [];
  for (let a = Math.max(1, i - R); a <= Math.min(G, i + R); a++) for (let b = Math.max(1, j - R); b <= Math.min(G, j + R); b++) out.push([a, b]);
  return out;
}

export const mdrnnReference: MdrnnContract = {
  mdrnnWeightCount: (D, H) => D * H + 2 * H * H,
  mdrnnOpCount: opCountFormula,
  mdrnnOpCountOrder: 'O(G^2 H (D + H))',
  mdrnnSteps: (G) => 2 * G - 1,
  mdrnnOrder: wavefront,
  mdrnnContext: (_G, i, j) => {
    const out: Cell[] = [];
    for (let a = 1; a <= i; a++) for (let b = 1; b <= j; b++) out.push([a, b]);
    return out;
  },
  mdrnnCnnContext: cnnContextFormula,
};
