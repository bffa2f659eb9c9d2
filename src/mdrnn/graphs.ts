/**
 * Dependency graphs of the grid models, built node by node (src/mdrnn/dag.ts):
 *   - a d-layer MDRNN on a grid of `cols` × `rows` cells: h_l(i,j) ← h_{l−1}(i,j) (x(i,j) for l = 1), h_l(i−1,j) (west), h_l(i,j−1) (north);
 *   - an L-layer k×k convolution ("same" zero padding);
 *   - a d-layer PixelCNN: a type-A masked k×k convolution (strictly before the centre in raster order), then d − 1 type-B ones (centre included).
 * Cells are 1-based (i, j) = (column, row) for the MDRNN and CNN, (r, c) = (row, column) for the PixelCNN.
 * Input nodes come first (depth 0); a node's depth is the number of sequential steps before it is known.
 */
import { Dag } from './dag.ts';

export interface GridGraph {
  dag: Dag;
  /** node id of layer l (0 = input) at 1-based position (a, b) — (i, j) for MDRNN/CNN, (r, c) for PixelCNN */
  node(l: number, a: number, b: number): number;
  layers: number;
  /** positions of the input nodes, by node id */
  inputPos: Map<number, [number, number]>;
}

/** d-layer MDRNN on cols × rows cells: positions (i, j), i = column (west = i − 1), j = row (north = j − 1). */
export function mdrnnGraph(cols: number, rows: number, d = 1): GridGraph {
  const dag = new Dag();
  const ids = new Map<string, number>();
  const inputPos = new Map<number, [number, number]>();
  const key = (l: number, i: number, j: number) => `${l}:${i},${j}`;
  for (let l = 0; l <= d; l++) {
    for (let j = 1; j <= rows; j++) {
      for (let i = 1; i <= cols; i++) {
        const v = dag.addNode(key(l, i, j));
        ids.set(key(l, i, j), v);
        if (l === 0) {
          inputPos.set(v, [i, j]);
          continue;
        }
        dag.addEdge(ids.get(key(l - 1, i, j))!, v);
        if (i > 1) dag.addEdge(ids.get(key(l, i - 1, j))!, v);
        if (j > 1) dag.addEdge(ids.get(key(l, i, j - 1))!, v);
      }
    }
  }
  return { dag, node: (l, i, j) => ids.get(key(l, i, j))!, layers: d, inputPos };
}

/** L-layer k×k convolution, "same" zero padding, on a G×G grid; positions (i, j). */
export const cnnGraph = (G: number, L: number, k: number): GridGraph => cnnLike(G, G, L, k, false);

/**
 * Convolution stacks on an A (columns) × B (rows) grid.  Masked: raster-order masks, type A on layer 1 and B after.
 * Node positions are (column, row) internally; PixelCNN callers use (r, c) through `pixelNode`.
 */
export function cnnLike(A: number, B: number, layers: number, k: number, masked: boolean): GridGraph {
  const rad = (k - 1) / 2;
  const dag = new Dag();
  const ids = new Int32Array((layers + 1) * A * B);
  const inputPos = new Map<number, [number, number]>();
  const at = (l: number, a: number, b: number) => (l * B + (b - 1)) * A + (a - 1);
  for (let l = 0; l <= layers; l++) {
    for (let b = 1; b <= B; b++) {
      for (let a = 1; a <= A; a++) {
        const v = dag.addNode();
        ids[at(l, a, b)] = v;
        if (l === 0) {
          inputPos.set(v, [a, b]);
          continue;
        }
        for (let db = -rad; db <= rad; db++) {
          for (let da = -rad; da <= rad; da++) {
            if (masked) {
              // raster order: rows above, or the same row to the left; the centre only for type B (layers ≥ 2)
              const before = db < 0 || (db === 0 && da < 0);
              const centre = db === 0 && da === 0;
              if (!(before || (centre && l >= 2))) continue;
            }
            const pa = a + da,
              pb = b + db;
            if (pa >= 1 && pa <= A && pb >= 1 && pb <= B) dag.addEdge(ids[at(l - 1, pa, pb)], v);
          }
        }
      }
    }
  }
  return { dag, node: (l, a, b) => ids[at(l, a, b)], layers, inputPos };
}

/** d-layer PixelCNN on H rows × W columns; `node(l, r, c)` takes (row, column). */
export function pixelcnnGraph(H: number, W: number, d: number, k: number): GridGraph {
  const g = cnnLike(W, H, d, k, true);
  const inputPos = new Map<number, [number, number]>();
  for (const [v, [a, b]] of g.inputPos) inputPos.set(v, [b, a]);
  return { dag: g.dag, node: (l, r, c) => g.node(l, c, r), layers: d, inputPos };
}

/** Input positions a node depends on, sorted. */
export function contextOf(g: GridGraph, v: number): [number, number][] {
  const out: [number, number][] = [];
  for (const u of g.dag.ancestors(v)) {
    const p = g.inputPos.get(u);
    if (p) out.push(p);
  }
  return out.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

/** Steps to compute every node: the longest path (the inputs are given). */
export const stepsOf = (g: GridGraph): number => g.dag.longestPath();
