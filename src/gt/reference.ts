/**
 * Reference G_t: the fold of F_θ over the sequence, its expression, and parameter counts taken from
 * built models (arrays allocated and counted).
 */
import type { Cell, GtContract, GtModel } from './contract.ts';
import { makeRng, randnMatrix, randnVector, type Rng } from '../verify/rng.ts';
import { portable } from '../verify/portable.ts';

/** G_t = F(…F(F(h0, x_1), x_2)…, x_t): a left fold of the cell over the sequence. */
export const fold = (F: Cell, h0: number[], xs: number[][]): number[] => xs.reduce((h, x) => F(h, x), h0);

/** G_t written out: F(F(F(h0, x1), x2), x3) for t = 3. */
export const expression = (t: number): string => Array.from({ length: t }, (_, k) => k + 1).reduce((e, k) => `F(${e}, x${k})`, 'h0');

/** The unrolled RNN, written as an explicit loop over time (what the fold must equal). */
export function unrolled(F: Cell, h0: number[], xs: number[][]): number[][] {
  const hs: number[][] = [];
  let h = h0;
  for (let t = 0; t < xs.length; t++) hs.push((h = F(h, xs[t])));
  return hs;
}

/**
 * The cells as portable source (src/verify/portable.ts): under strict isolation they run inside
 * the student's sandbox, not by a round trip per call.
 */
const CELL_SOURCE = `(st, h, x) => {
  const mv = (W, v) => W.map((r) => r.reduce((s, w, j) => s + w * v[j], 0));
  const cand = mv(st.Wh, h).map((v, j) => Math.tanh(v + mv(st.Wx, x)[j] + st.b[j]));
  if (st.kind === 'tanh') return cand;
  const z = mv(st.Uz, x).map((v, j) => 1 / (1 + Math.exp(-(v + mv(st.Vz, h)[j]))));
  return h.map((hj, j) => z[j] * hj + (1 - z[j]) * cand[j]);
}`;

/** CELL_SOURCE in Python (for a Python submission's sandbox): the same sums in the same order. */
const CELL_PY = `
def portable(st, h, x):
    def mv(W, v):
        out = []
        for r in W:
            s = 0
            for j, w in enumerate(r):
                s = s + w * v[j]
            out.append(s)
        return out
    wx = mv(st["Wx"], x)
    cand = [math.tanh(v + wx[j] + st["b"][j]) for j, v in enumerate(mv(st["Wh"], h))]
    if st["kind"] == "tanh":
        return cand
    vz = mv(st["Vz"], h)
    z = [1 / (1 + math.exp(-(v + vz[j]))) for j, v in enumerate(mv(st["Uz"], x))]
    return [z[j] * hj + (1 - z[j]) * cand[j] for j, hj in enumerate(h)]
`;

/** Random cells: a tanh RNN cell, and a gated (GRU-like) cell, neither symmetric in its history. */
export function randomCell(rng: Rng, kind: 'tanh' | 'gated', D: number, H: number): Cell {
  const Wh = randnMatrix(rng, H, H, 1.2 / Math.sqrt(H)),
    Wx = randnMatrix(rng, H, D, 1 / Math.sqrt(D)),
    b = randnVector(rng, H, 0.3);
  if (kind === 'tanh') return portable<Cell>(CELL_SOURCE, { kind, Wh, Wx, b }, CELL_PY);
  const Uz = randnMatrix(rng, H, D, 1),
    Vz = randnMatrix(rng, H, H, 1);
  return portable<Cell>(CELL_SOURCE, { kind, Wh, Wx, b, Uz, Vz }, CELL_PY);
}

/** Parameters of the built models, counted by allocating them (the table only up to t = 16, then 2^t·H by BigInt). */
const built = new Map<string, bigint>();
export function builtParamCount(model: GtModel, t: number, D: number, H: number): bigint {
  const key = `${model}:${t}:${D}:${H}`;
  if (!built.has(key)) built.set(key, buildAndCount(model, t, D, H));
  return built.get(key)!;
}

function buildAndCount(model: GtModel, t: number, D: number, H: number): bigint {
  const rng = makeRng(1);
  const count = (...arrs: (number[] | number[][] | Float64Array)[]) =>
    BigInt(arrs.reduce((s, a) => s + (a instanceof Float64Array ? a.length : (a as (number | number[])[]).reduce<number>((q, r) => q + (Array.isArray(r) ? r.length : 1), 0)), 0));
  if (model === 'rnn') return count(randnMatrix(rng, H, H), randnMatrix(rng, H, D), randnVector(rng, H));
  if (model === 'dense') return count(new Float64Array(H * t * D), new Float64Array(H));
  if (t <= 16) {
    const table = new Map<number, Float64Array>();
    for (let s = 0; s < 2 ** t; s++) table.set(s, new Float64Array(H));
    let n = 0n;
    for (const v of table.values()) n += BigInt(v.length);
    return n;
  }
  return (1n << BigInt(t)) * BigInt(H);
}

export const gtReference: GtContract = {
  gtExpression: (t) => expression(t),
  gtUnroll: (F, h0, xs) => fold(F, h0, xs),
  gtParamCount: (model, t, D, H) => {
    if (model === 'rnn') return H * H + H * D + H;
    if (model === 'dense') return H * (t * D + 1);
    return (1n << BigInt(t)) * BigInt(H);
  },
};

export { makeRng };
