/** The MDRNN questions' known mistakes, each declared once: what the student reads, and the count each gives instead. */

export const MDRNN_MISTAKES = {
  oneRecurrent: 'only one recurrent matrix is counted: W_W and W_N are separate H×H matrices, (D + 2H)·H weights',
  multsOnly: 'only multiplications are counted: each length-n dot product also costs n − 1 additions, and the three vectors are summed',
  raster: 'one cell at a time: cells on the same anti-diagonal i + j = const do not depend on each other and can be computed together',
  sameStep: 'a cell is scheduled in the same step as (or before) a neighbour it depends on',
  cross: 'the context is not just the row and column: h(i,j) depends on every x(i′,j′) with i′ ≤ i and j′ ≤ j (paths go west and north in any order)',
  cnnWidth: 'the CNN receptive field grows by k − 1 per layer: side L(k − 1) + 1, not L·k',
  bias: 'a bias vector is counted: the MDRNN of the homework, h = φ(W_inᵀx + W_Wᵀh_west + W_Nᵀh_north), has no bias term — (D + 2H)·H weights',
  recurrentOnly: 'the input weights W_in (D×H) are left out: the weights are W_in, W_W and W_N, (D + 2H)·H',
  noVectorSum: 'the additions that sum the three H-vectors (W_inᵀx + W_Wᵀh_W + W_Nᵀh_N: 2H per cell) are not counted',
  skipBoundary: 'the boundary products are skipped: under the stated convention the zero west/north neighbours of the first row and column are still multiplied (skipping them saves 2GH(2H − 1))',
  pathEdges: 'the edges of the longest path are counted instead of its cells: (1,1) → (G,G) is 2G − 2 moves but 2G − 1 cells, each needing its own step',
  wholeGrid: 'the MDRNN context is one-sided: h(i,j) sees only cells west and north of it (i′ ≤ i, j′ ≤ j), not the whole grid',
} as const;

/**
 * The misconception whose formula the student's function matches on every probe (the first that does), or ''.
 * Whole functions are compared, not one value: e.g. (D + H)H and 2H² agree whenever D = H.
 */
function recogniseFn<A extends number[]>(f: (...a: A) => unknown, bank: [string, (...a: A) => number][], probes: A[]): string {
  return (
    bank.find(([, g]) =>
      probes.every((a) => {
        try {
          return f(...a) === g(...a);
        } catch {
          return false;
        }
      }),
    )?.[0] ?? ''
  );
}
const WEIGHT_PROBES: [number, number][] = [
  [1, 1],
  [1, 3],
  [4, 2],
  [3, 5],
  [8, 8],
];
const WEIGHT_MISTAKES: [string, (D: number, H: number) => number][] = [
  [MDRNN_MISTAKES.oneRecurrent, (D, H) => (D + H) * H],
  [MDRNN_MISTAKES.bias, (D, H) => (D + 2 * H) * H + H],
  [MDRNN_MISTAKES.recurrentOnly, (_D, H) => 2 * H * H],
];
const OP_PROBES: [number, number, number][] = [
  [1, 1, 1],
  [2, 2, 3],
  [3, 4, 2],
  [6, 3, 5],
  [5, 1, 4],
];
const OP_MISTAKES: [string, (G: number, D: number, H: number) => number][] = [
  [MDRNN_MISTAKES.multsOnly, (G, D, H) => G * G * H * (D + 2 * H)],
  [MDRNN_MISTAKES.noVectorSum, (G, D, H) => G * G * H * (2 * D + 4 * H - 3)],
  [MDRNN_MISTAKES.skipBoundary, (G, D, H) => G * G * H * (2 * D + 4 * H - 1) - 2 * G * H * (2 * H - 1)],
];

/** The mistake whose weight count the student's mdrnnWeightCount(D, H) is, or ''. */
export const recogniseWeightCount = (f: (D: number, H: number) => unknown): string => recogniseFn(f, WEIGHT_MISTAKES, WEIGHT_PROBES);

/** The mistake whose operation count the student's mdrnnOpCount(G, D, H) is, or ''. */
export const recogniseOpCount = (f: (G: number, D: number, H: number) => unknown): string => recogniseFn(f, OP_MISTAKES, OP_PROBES);
