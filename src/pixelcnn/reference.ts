/**
 * The key's exact counts and context sets (checked against the dependency graphs in the claims).
 */
import type { Pixel, PixelcnnContract } from './contract.ts';

/** Σ_{m=1}^{r} max(0, n − m): positions of a length-n line that have a neighbour m = 1…r before them */
const T = (n: number, r: number): number => {
  let s = 0;
  for (let m = 1; m <= r; m++) s += Math.max(0, n - m);
  return s;
};

/** edges of one masked layer: type A (rows above × all k columns, plus the r pixels to the left); type B adds the centre */
export function pixelcnnLayerEdges(H: number, W: number, k: number, type: 'A' | 'B'): number {
  const r = (k - 1) / 2;
  const A = T(H, r) * (W + 2 * T(W, r)) + H * T(W, r);
  return type === 'A' ? A : A + H * W;
}

export const pixelcnnConnections = (d: number, k: number, H: number, W: number): number => pixelcnnLayerEdges(H, W, k, 'A') + (d - 1) * pixelcnnLayerEdges(H, W, k, 'B');

/** k² connections per (bottom-up, west, north) edge between k-channel units */
export const mdrnnConnections = (d: number, k: number, H: number, W: number): number => d * k * k * (H * W + H * (W - 1) + (H - 1) * W);

export const pixelcnnSteps = (d: number): number => d;
export const mdrnnSteps = (d: number, H: number, W: number): number => H + W + d - 2;

/**
 * PixelCNN context of (r, c) after d layers (rad = (k−1)/2): rows r − m for 0 ≤ m ≤ d·rad; in row r − m (m ≥ 1) the columns
 * c − d·rad … c + rad·min(d, m); in row r the columns c − d·rad … c − 1.  The pixels above-right that are missing
 * although they precede (r, c) in raster order form the blind spot.
 */
export function pixelcnnContextFormula(H: number, W: number, d: number, k: number, r: number, c: number): Pixel[] {
  const rad = (k - 1) / 2;
  const out: Pixel[] = [];
  for (let m = 0; m <= d * rad; m++) {
    const row = r - m;
    if (row < 1) break;
    const right = m === 0 ? -1 : rad * Math.min(d, m);
    for (let col = Math.max(1, c - d * rad); col <= Math.min(W, c + right); col++) out.push([row, col]);
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** the causal past (raster order) inside the same rows and within d·rad columns: what a blind-spot-free model would see there */
export function causalWindow(H: number, W: number, d: number, k: number, r: number, c: number): Pixel[] {
  const R = d * ((k - 1) / 2);
  const out: Pixel[] = [];
  for (let row = Math.max(1, r - R); row <= r; row++) {
    for (let col = Math.max(1, c - R); col <= Math.min(W, c + R); col++) if (row < r || col < c) out.push([row, col]);
  }
  return out;
}

export function mdrnnContextFormula(_H: number, _W: number, _d: number, r: number, c: number): Pixel[] {
  const out: Pixel[] = [];
  for (let row = 1; row <= r; row++) for (let col = 1; col <= c; col++) out.push([row, col]);
  return out;
}

export const pixelcnnReference: PixelcnnContract = {
  pixelcnnConnectionsO: 'O(d k^2 H W)',
  pixelcnnStepsO: 'O(d)',
  pixelcnnMdrnnConnectionsO: 'O(d k^2 H W)',
  pixelcnnMdrnnStepsO: 'O(H + W + d)',
  pixelcnnContext: pixelcnnContextFormula,
  pixelcnnMdrnnContext: mdrnnContextFormula,
};
