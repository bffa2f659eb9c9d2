/**
 * PixelCNN vs MDRNN (CSE891 HW3 P4): what a student's module exports.
 *
 * The image is H rows × W columns; pixels are 1-based (r, c), raster order = row by row, left to right.
 * PixelCNN: d masked k×k convolutions (k odd, "same" padding), layer 1 of mask type A (strictly before the
 * centre), layers 2…d of type B (centre included); one unit per pixel per layer ("connections" between
 * units; with C channels multiply by C²).  MDRNN: d layers, k channels each; layer l at (r, c) receives
 * layer l − 1 at (r, c) (the input for l = 1), and its own layer at the west (r, c − 1) and north (r − 1, c)
 * neighbours.  (The homework's equation (1) writes x(i−1,j), x(i,j−1) where h(i−1,j), h(i,j−1) is meant.)
 * The O(·) answers are strings over d, k, H, W, e.g. "O(d^2 k)".
 */
import type { ContractSpec } from '../claims/types.ts';

export type Pixel = [number, number];

export interface PixelcnnContract {
  /** 1(a): total connections of the d-layer PixelCNN, as O(·) */
  pixelcnnConnectionsO: string;
  /** 1(b): fewest sequential operations to compute the PixelCNN's output, as O(·) */
  pixelcnnStepsO: string;
  /** 2(a): total connections of the d-layer MDRNN, as O(·) */
  pixelcnnMdrnnConnectionsO: string;
  /** 2(b): fewest sequential operations to compute the MDRNN's output, as O(·) */
  pixelcnnMdrnnStepsO: string;
  /** 3: the input pixels the PixelCNN's output at (r, c) depends on */
  pixelcnnContext(H: number, W: number, d: number, k: number, r: number, c: number): Pixel[];
  /** 3: the input pixels the MDRNN's top-layer output at (r, c) depends on */
  pixelcnnMdrnnContext(H: number, W: number, d: number, r: number, c: number): Pixel[];
}

const str = (doc: string) => ({ kind: 'string' as const, signature: 'string', doc });
export const pixelcnnContract: ContractSpec<PixelcnnContract> = {
  pixelcnnConnectionsO: str('O(·) of the total number of connections of a d-layer PixelCNN with k×k filters on H×W'),
  pixelcnnStepsO: str('O(·) of the fewest sequential operations to compute a d-layer PixelCNN'),
  pixelcnnMdrnnConnectionsO: str('O(·) of the total number of connections of a d-layer MDRNN with k channels on H×W'),
  pixelcnnMdrnnStepsO: str('O(·) of the fewest sequential operations to compute a d-layer MDRNN'),
  pixelcnnContext: { kind: 'function', signature: '(H, W, d, k, r, c: number) => [number, number][]', doc: 'input pixels (row, column) seen by the PixelCNN output at (r, c)' },
  pixelcnnMdrnnContext: { kind: 'function', signature: '(H, W, d, r, c: number) => [number, number][]', doc: 'input pixels (row, column) seen by the MDRNN output at (r, c)' },
};
