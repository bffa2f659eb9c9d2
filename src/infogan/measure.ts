/**
 * What the InfoGAN claims measure, float64: image properties from moments, rank correlation, the
 * exact best code→digit assignment (Hungarian algorithm, checked against brute force), and the
 * information term L_I.
 */

/** Properties of one h×w grey image (ink ≥ 0), from its moments.  x = column (right), y = row (down). */
export interface ImageProps {
  /** Σ intensity: how much ink — grows with stroke width (pixels of full ink) */
  ink: number;
  /** slant = −μ₁₁/μ₀₂: horizontal shift per row going up; > 0 when the top leans right */
  slant: number;
  /** √μ₂₀: horizontal spread of the ink (pixels) */
  width: number;
  /** √μ₀₂: vertical spread (pixels) */
  height: number;
}

export const PROP_NAMES = ['slant', 'width', 'ink'] as const;
export type PropName = (typeof PROP_NAMES)[number];

export function imageProps(img: ArrayLike<number>, h = 28, w = 28, offset = 0): ImageProps {
  let m = 0,
    sx = 0,
    sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.max(0, img[offset + y * w + x]);
      m += v;
      sx += v * x;
      sy += v * y;
    }
  }
  if (m <= 0) return { ink: 0, slant: 0, width: 0, height: 0 };
  const cx = sx / m,
    cy = sy / m;
  let m20 = 0,
    m02 = 0,
    m11 = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.max(0, img[offset + y * w + x]);
      m20 += v * (x - cx) * (x - cx);
      m02 += v * (y - cy) * (y - cy);
      m11 += v * (x - cx) * (y - cy);
    }
  }
  m20 /= m;
  m02 /= m;
  m11 /= m;
  return { ink: m, slant: m02 > 0 ? -m11 / m02 : 0, width: Math.sqrt(m20), height: Math.sqrt(m02) };
}

function ranks(a: readonly number[]): number[] {
  const idx = a.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const r = new Array<number>(a.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k][1]] = avg;
    i = j + 1;
  }
  return r;
}

/** Spearman rank correlation (ties get average ranks); 0 when either side is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2) throw new Error(`spearman: need two equal-length series of ≥ 2 values, got ${a.length} and ${b.length}`);
  const ra = ranks(a),
    rb = ranks(b);
  const n = a.length,
    ma = (n + 1) / 2;
  let num = 0,
    da = 0,
    db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - ma) * (rb[i] - ma);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - ma) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

/** Strictly monotone (all steps of one sign, none zero)? +1 increasing, −1 decreasing, 0 neither. */
export function monotoneDirection(a: readonly number[]): 1 | -1 | 0 {
  let up = true,
    down = true;
  for (let i = 1; i < a.length; i++) {
    if (!(a[i] > a[i - 1])) up = false;
    if (!(a[i] < a[i - 1])) down = false;
  }
  return up ? 1 : down ? -1 : 0;
}

/**
 * The assignment maximising Σ_k M[k][perm[k]] over permutations (Hungarian algorithm, O(n³),
 * exact).  M is n×n (rows: codes, columns: digits); returns perm with perm[k] = the digit of code k.
 */
export function bestAssignment(M: readonly (readonly number[])[]): number[] {
  const n = M.length;
  for (const r of M) if (r.length !== n) throw new Error(`bestAssignment: expected a square matrix, got a row of ${r.length} in ${n} rows`);
  let big = 0;
  for (const r of M) for (const v of r) big = Math.max(big, Math.abs(v));
  // minimise cost = −M with the potentials version of the Hungarian algorithm (1-based arrays)
  const INF = Number.POSITIVE_INFINITY;
  const u = new Array<number>(n + 1).fill(0),
    v = new Array<number>(n + 1).fill(0);
  const p = new Array<number>(n + 1).fill(0),
    way = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(n + 1).fill(INF);
    const used = new Array<boolean>(n + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0];
      let delta = INF,
        j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = -M[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  const perm = new Array<number>(n).fill(-1);
  for (let j = 1; j <= n; j++) if (p[j]) perm[p[j] - 1] = j - 1;
  void big;
  return perm;
}

/** The best assignment's total by exhaustive search over all n! permutations (branch and bound). */
export function bruteForceBestTotal(M: readonly (readonly number[])[]): number {
  const n = M.length;
  const rowMax = M.map((r) => Math.max(...r));
  const suffix = new Array<number>(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + rowMax[i];
  const used = new Array<boolean>(n).fill(false);
  let best = -Infinity;
  const go = (i: number, acc: number) => {
    if (i === n) {
      if (acc > best) best = acc;
      return;
    }
    if (acc + suffix[i] <= best) return;
    for (let j = 0; j < n; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(i + 1, acc + M[i][j]);
      used[j] = false;
    }
  };
  go(0, 0);
  return best;
}

export const assignmentTotal = (M: readonly (readonly number[])[], perm: readonly number[]): number => perm.reduce((a, d, k) => a + M[k][d], 0);

/** L_I's parts in float64: mean cross-entropy of softmax(logits) against `cat`, and mean ½‖c − μ‖². */
export function infoLoss(logits: readonly (readonly number[])[], cat: readonly number[], mean: readonly (readonly number[])[], cont: readonly (readonly number[])[]): { cat: number; cont: number } {
  const n = logits.length;
  let ce = 0,
    sq = 0;
  for (let i = 0; i < n; i++) {
    const l = logits[i];
    const m = Math.max(...l);
    let s = 0;
    for (const x of l) s += Math.exp(x - m);
    ce += m + Math.log(s) - l[cat[i]];
    for (let j = 0; j < cont[i].length; j++) sq += 0.5 * (cont[i][j] - mean[i][j]) ** 2;
  }
  return { cat: ce / n, cont: sq / n };
}
