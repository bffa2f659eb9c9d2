/**
 * Residual blocks in float64 with training-mode batch normalisation, forward and backward by hand
 * (checked against central differences in spec/resnet.spec.ts).  Activations are N×C row-major
 * (a batch of N vectors of width C); a "weight" layer is z = x W with W of shape C×C (tfjs [in, out]).
 *
 *   post-activation (original ResNet):  out = ReLU(x + BN₂(ReLU(BN₁(x W₁)) W₂))
 *   pre-activation  (He et al. 2016b):  out = x + ReLU(BN₂(ReLU(BN₁(x)) W₁)) W₂
 *
 * BN over the batch: a = γ ⊙ (z − mean) / √(var + ε) + β, biased variance, ε = 1e-5.
 */
export type Variant = 'post' | 'pre';

export interface ResBlockParams {
  W1: number[][];
  W2: number[][];
  gamma1: number[];
  beta1: number[];
  gamma2: number[];
  beta2: number[];
}

export const BN_EPS = 1e-5;

type M = Float64Array; // N×C row-major

interface BnCache {
  xhat: M;
  invStd: Float64Array;
}

function matmul(x: M, W: number[][], N: number, C: number): M {
  const out = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < C; i++) {
      const v = x[n * C + i];
      if (v === 0) continue;
      const row = W[i];
      for (let j = 0; j < C; j++) out[n * C + j] += v * row[j];
    }
  }
  return out;
}
/** dx = dz Wᵀ, dW = xᵀ dz */
function matmulBack(dz: M, x: M, W: number[][], N: number, C: number): { dx: M; dW: Float64Array } {
  const dx = new Float64Array(N * C),
    dW = new Float64Array(C * C);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < C; i++) {
      let s = 0;
      const row = W[i];
      for (let j = 0; j < C; j++) s += dz[n * C + j] * row[j];
      dx[n * C + i] = s;
      const xv = x[n * C + i];
      if (xv !== 0) for (let j = 0; j < C; j++) dW[i * C + j] += xv * dz[n * C + j];
    }
  }
  return { dx, dW };
}
/** Known mistakes a block can be built with (for diagnosis): ReLU after the addition flipped, BN with the unbiased variance. */
export interface BlockFlags {
  /** post: false drops the final ReLU; pre: true adds a ReLU after the addition */
  reluAfterAdd?: boolean;
  unbiasedVar?: boolean;
}

function bn(z: M, gamma: number[], beta: number[], N: number, C: number, unbiased = false): { a: M; cache: BnCache } {
  const a = new Float64Array(N * C),
    xhat = new Float64Array(N * C),
    invStd = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let m = 0;
    for (let n = 0; n < N; n++) m += z[n * C + c];
    m /= N;
    let v = 0;
    for (let n = 0; n < N; n++) v += (z[n * C + c] - m) ** 2;
    v /= unbiased ? N - 1 : N;
    const is = 1 / Math.sqrt(v + BN_EPS);
    invStd[c] = is;
    for (let n = 0; n < N; n++) {
      const h = (z[n * C + c] - m) * is;
      xhat[n * C + c] = h;
      a[n * C + c] = gamma[c] * h + beta[c];
    }
  }
  return { a, cache: { xhat, invStd } };
}
function bnBack(da: M, gamma: number[], cache: BnCache, N: number, C: number): M {
  const dz = new Float64Array(N * C);
  for (let c = 0; c < C; c++) {
    let s1 = 0,
      s2 = 0;
    for (let n = 0; n < N; n++) {
      const g = da[n * C + c] * gamma[c];
      s1 += g;
      s2 += g * cache.xhat[n * C + c];
    }
    for (let n = 0; n < N; n++) {
      const g = da[n * C + c] * gamma[c];
      dz[n * C + c] = (cache.invStd[c] / N) * (N * g - s1 - cache.xhat[n * C + c] * s2);
    }
  }
  return dz;
}
const relu = (x: M): M => x.map((v) => (v > 0 ? v : 0));
const reluBack = (d: M, pre: M): M => d.map((v, i) => (pre[i] > 0 ? v : 0));
const add = (a: M, b: M): M => a.map((v, i) => v + b[i]);

interface BlockCache {
  x: M;
  t: Record<string, M>;
  bn1: BnCache;
  bn2: BnCache;
}

export function blockForward(v: Variant, x: M, p: ResBlockParams, N: number, C: number, flags: BlockFlags = {}): { out: M; cache: BlockCache } {
  const ub = flags.unbiasedVar ?? false;
  if (v === 'post') {
    const z1 = matmul(x, p.W1, N, C);
    const b1 = bn(z1, p.gamma1, p.beta1, N, C, ub);
    const r1 = relu(b1.a);
    const z2 = matmul(r1, p.W2, N, C);
    const b2 = bn(z2, p.gamma2, p.beta2, N, C, ub);
    const s = add(x, b2.a);
    return { out: flags.reluAfterAdd === false ? s : relu(s), cache: { x, t: { a1: b1.a, r1, s }, bn1: b1.cache, bn2: b2.cache } };
  }
  const b1 = bn(x, p.gamma1, p.beta1, N, C, ub);
  const r1 = relu(b1.a);
  const z1 = matmul(r1, p.W1, N, C);
  const b2 = bn(z1, p.gamma2, p.beta2, N, C, ub);
  const r2 = relu(b2.a);
  const z2 = matmul(r2, p.W2, N, C);
  const out = add(x, z2);
  return { out: flags.reluAfterAdd ? relu(out) : out, cache: { x, t: { a1: b1.a, r1, a2: b2.a, r2 }, bn1: b1.cache, bn2: b2.cache } };
}

/** Backward through one block: gradient w.r.t. its input and w.r.t. W1, W2. */
export function blockBackward(v: Variant, dout: M, p: ResBlockParams, c: BlockCache, N: number, C: number): { dx: M; dW1: Float64Array; dW2: Float64Array } {
  if (v === 'post') {
    const ds = reluBack(dout, c.t.s);
    const dz2 = bnBack(ds, p.gamma2, c.bn2, N, C);
    const m2 = matmulBack(dz2, c.t.r1, p.W2, N, C);
    const dz1 = bnBack(reluBack(m2.dx, c.t.a1), p.gamma1, c.bn1, N, C);
    const m1 = matmulBack(dz1, c.x, p.W1, N, C);
    return { dx: add(ds, m1.dx), dW1: m1.dW, dW2: m2.dW };
  }
  const m2 = matmulBack(dout, c.t.r2, p.W2, N, C);
  const dz1 = bnBack(reluBack(m2.dx, c.t.a2), p.gamma2, c.bn2, N, C);
  const m1 = matmulBack(dz1, c.t.r1, p.W1, N, C);
  const dx1 = bnBack(reluBack(m1.dx, c.t.a1), p.gamma1, c.bn1, N, C);
  return { dx: add(dout, dx1), dW1: m1.dW, dW2: m2.dW };
}

export function stackForward(v: Variant, x: number[][], blocks: ResBlockParams[], flags: BlockFlags = {}): number[][] {
  const N = x.length,
    C = x[0].length;
  let h: M = Float64Array.from(x.flat());
  for (const p of blocks) h = blockForward(v, h, p, N, C, flags).out;
  return Array.from({ length: N }, (_, n) => Array.from(h.subarray(n * C, (n + 1) * C)));
}

const norm = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
};

/**
 * L = Σ G ⊙ out_D (a fixed random readout G of the last block's output); returns ‖∂L/∂W₁⁽ˡ⁾‖ for every block l
 * and ‖∂L/∂x_l‖ for every block input.
 */
export function stackGradNorms(v: Variant, x: number[][], blocks: ResBlockParams[], G: number[][]): { dW1: number[]; dW2: number[]; dx: number[] } {
  const N = x.length,
    C = x[0].length;
  let h: M = Float64Array.from(x.flat());
  const caches: BlockCache[] = [];
  for (const p of blocks) {
    const f = blockForward(v, h, p, N, C);
    caches.push(f.cache);
    h = f.out;
  }
  let d: M = Float64Array.from(G.flat());
  const dW1: number[] = [],
    dW2: number[] = [],
    dx: number[] = [];
  for (let l = blocks.length - 1; l >= 0; l--) {
    const b = blockBackward(v, d, blocks[l], caches[l], N, C);
    dW1[l] = norm(b.dW1);
    dW2[l] = norm(b.dW2);
    dx[l] = norm(b.dx);
    d = b.dx;
  }
  return { dW1, dW2, dx };
}
