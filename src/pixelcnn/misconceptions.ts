/** The PixelCNN/MDRNN questions' known mistakes, each declared once: what the student reads, and how an answer shows it. */
import { sameCells, type CellPair, type SetDiff } from '../mdrnn/cells.ts';
import { parseExpr, thetaCheck, type Expr } from './bigo.ts';
import { causalWindow } from './reference.ts';

export const PIXELCNN_MISTAKES = {
  connK: 'a k×k filter has about k²/2 unmasked taps (and an MDRNN unit k×k weights per incoming vector): the count grows like k², not k',
  connD: 'each of the d layers has its own connections: the count grows linearly in d',
  pixelSteps: 'the PixelCNN is not evaluated pixel by pixel: every pixel of a layer is computed in parallel (masking only restricts what each sees), so the steps depend on d alone',
  mdrnnOnePixel: 'the MDRNN is not evaluated one pixel at a time: all pixels on an anti-diagonal are independent and are computed together',
  mdrnnPipeline:
    'the layers pipeline: layer l at (r, c) can start as soon as layer l − 1 at (r, c) and layer l at its west and north neighbours are done, so the wavefronts of the d layers overlap — H + W + d − 2 steps, Θ(H + W + d), not Θ(d(H + W))',
  blindSpot: 'stacked masked convolutions have a blind spot: pixels above and to the right that precede (r, c) in raster order are never reached, so the context is not the whole causal window',
  mdrnnRegion: 'the MDRNN (west and north connections) sees the upper-left rectangle r′ ≤ r, c′ ≤ c — not every pixel before (r, c) in raster order',
  mdrnnConnK: 'each MDRNN hidden vector of k channels receives three k×k weight matrices (bottom-up, west, north): 3k² connections per pixel and layer, not 3',
  constSteps: 'the layers are sequential: layer l needs layer l − 1’s outputs, so the PixelCNN needs d steps, not O(1)',
  mdrnnNoRecurrence:
    'the MDRNN recurrence is over the hidden states h^{(i−1,j)}, h^{(i,j−1)} (the homework’s x there is a typo): each layer is a wavefront of H + W − 1 steps, so O(d) would hold only without the recurrence',
  selfInContext: 'the pixel itself is not in its own context: it is what the model predicts, so the first layer uses mask A (no centre tap); mask B everywhere lets x_{r,c} see itself',
} as const;

/** Known wrong O(·) answers of each order asked, with the mistake each makes. */
export const WRONG_ORDERS: Record<'connections' | 'mdrnnConnections' | 'pixelSteps' | 'mdrnnSteps', [string, string][]> = {
  connections: [
    ['d k H W', PIXELCNN_MISTAKES.connK],
    ['k^2 H W', PIXELCNN_MISTAKES.connD],
    ['d H W', PIXELCNN_MISTAKES.connK],
  ],
  mdrnnConnections: [
    ['d k H W', PIXELCNN_MISTAKES.connK],
    ['k^2 H W', PIXELCNN_MISTAKES.connD],
    ['d H W', PIXELCNN_MISTAKES.mdrnnConnK],
  ],
  pixelSteps: [
    ['H W', PIXELCNN_MISTAKES.pixelSteps],
    ['d H W', PIXELCNN_MISTAKES.pixelSteps],
    ['d (H + W)', PIXELCNN_MISTAKES.pixelSteps],
    ['1', PIXELCNN_MISTAKES.constSteps],
  ],
  mdrnnSteps: [
    ['d (H + W)', PIXELCNN_MISTAKES.mdrnnPipeline],
    ['d H W', PIXELCNN_MISTAKES.mdrnnOnePixel],
    ['H W', PIXELCNN_MISTAKES.mdrnnOnePixel],
    ['d', PIXELCNN_MISTAKES.mdrnnNoRecurrence],
  ],
};

export type WrongOrders = keyof typeof WRONG_ORDERS;

/** The mistake of the known wrong answer whose order `f` has over the sweep, if any. */
export function recogniseOrder(which: WrongOrders, f: Expr, vars: string[], sweep: Record<string, number[]>): string | undefined {
  return WRONG_ORDERS[which].find(([e]) => thetaCheck(parseExpr(e, vars), (x) => f(x), sweep, 1 + 1e-9).tight)?.[1];
}

/** A wrong PixelCNN context: the whole causal window (no blind spot), or one that holds the pixel itself. */
export function recognisePixelContext(got: CellPair[], want: CellPair[], diff: SetDiff, at: { H: number; W: number; d: number; k: number; r: number; c: number }): string | undefined {
  const window = causalWindow(at.H, at.W, at.d, at.k, at.r, at.c);
  if (!sameCells(want, window) && sameCells(got, window)) return PIXELCNN_MISTAKES.blindSpot;
  if (diff.extra.some(([a, b]) => a === at.r && b === at.c)) return PIXELCNN_MISTAKES.selfInContext;
  return undefined;
}

/** A wrong MDRNN context that holds every pixel before (r, c) in raster order. */
export function recogniseMdrnnContext(diff: SetDiff, r: number, c: number): string | undefined {
  return diff.extra.every(([a, b]) => a < r || (a === r && b < c)) && !diff.missing.length ? PIXELCNN_MISTAKES.mdrnnRegion : undefined;
}
