/**
 * Training-mode batch norm as two fused kernels, registered for the `wasm` and `cpu` backends:
 *   DlspecBatchNormTrain  {x [M,C], gamma [C], beta [C]}, {eps} → [y, x̂, mean, var (biased), rstd]
 *   DlspecBatchNormGrad   {dy, xhat, rstd, gamma}               → [dx, dgamma, dbeta]
 *       dβ = Σ_m dy,  dγ = Σ_m dy·x̂,  dx = γ·rstd·(dy − dβ/M − x̂·dγ/M)
 * Plain loops over the tensors' memory (the wasm heap, no copies), sums in float64.  The same
 * math as a chain of tfjs ops costs ~10 broadcast binary ops on the wasm backend, whose broadcast
 * path is slow; fused, batch norm costs about one pass per direction.
 * `batchNormTrainFused(z, gamma, beta, stats?)` is the differentiable op (tf.customGrad); it is
 * proven against tfjs autodiff of tf.moments + tf.batchNorm in spec/training-kernels.spec.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';

interface WasmLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}
interface CpuLike {
  data: { get(id: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

type Io = { read(t: TensorInfo): Float32Array; alloc(shapes: number[][]): { infos: TensorInfo[]; views: () => Float32Array[] } };

function io(backendName: string, backend: unknown): Io {
  if (backendName === 'wasm') {
    const b = backend as WasmLike;
    return {
      read: (t) => b.typedArrayFromHeap(t),
      alloc(shapes) {
        const infos = shapes.map((s) => b.makeOutput(s, 'float32'));
        // views last: allocating may grow (and detach) the wasm heap
        return { infos, views: () => infos.map((t) => b.typedArrayFromHeap(t)) };
      },
    };
  }
  const b = backend as CpuLike;
  return {
    read: (t) => b.data.get(t.dataId).values,
    alloc(shapes) {
      const arrays = shapes.map((s) => new Float32Array(s.reduce((a, c) => a * c, 1)));
      const infos = shapes.map((s, i) => b.makeTensorInfo(s, 'float32', arrays[i]));
      return { infos, views: () => arrays };
    },
  };
}

function trainKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs as Record<string, TensorInfo>;
    const eps = (attrs as { eps: number }).eps;
    const [M, C] = x.shape;
    const h = io(backendName, backend);
    const out = h.alloc([[M, C], [M, C], [C], [C], [C]]);
    const xs = h.read(x),
      g = h.read(gamma),
      b = h.read(beta);
    const [y, xh, mean, variance, rstd] = out.views();
    const s1 = new Float64Array(C),
      s2 = new Float64Array(C);
    for (let m = 0, o = 0; m < M; m++) for (let c = 0; c < C; c++, o++) s1[c] += xs[o];
    for (let c = 0; c < C; c++) s1[c] /= M;
    for (let m = 0, o = 0; m < M; m++) {
      for (let c = 0; c < C; c++, o++) {
        const d = xs[o] - s1[c];
        s2[c] += d * d;
      }
    }
    for (let c = 0; c < C; c++) {
      mean[c] = s1[c];
      variance[c] = s2[c] / M;
      rstd[c] = 1 / Math.sqrt(s2[c] / M + eps);
    }
    for (let m = 0, o = 0; m < M; m++) {
      for (let c = 0; c < C; c++, o++) {
        const v = (xs[o] - s1[c]) * rstd[c];
        xh[o] = v;
        y[o] = v * g[c] + b[c];
      }
    }
    return out.infos;
  };
}

function gradKernel(backendName: string): KernelFunc {
  return ({ inputs, backend }) => {
    const { dy, xhat, rstd, gamma } = inputs as Record<string, TensorInfo>;
    const [M, C] = dy.shape;
    const h = io(backendName, backend);
    const out = h.alloc([[M, C], [C], [C]]);
    const d = h.read(dy),
      xh = h.read(xhat),
      rs = h.read(rstd),
      g = h.read(gamma);
    const [dx, dgamma, dbeta] = out.views();
    const sb = new Float64Array(C),
      sg = new Float64Array(C);
    for (let m = 0, o = 0; m < M; m++) {
      for (let c = 0; c < C; c++, o++) {
        sb[c] += d[o];
        sg[c] += d[o] * xh[o];
      }
    }
    const k = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      dbeta[c] = sb[c];
      dgamma[c] = sg[c];
      k[c] = g[c] * rs[c];
      sb[c] /= M;
      sg[c] /= M;
    }
    for (let m = 0, o = 0; m < M; m++) for (let c = 0; c < C; c++, o++) dx[o] = k[c] * (d[o] - sb[c] - xh[o] * sg[c]);
    return out.infos;
  };
}

export const BN_TRAIN_KERNEL = 'DlspecBatchNormTrain';
export const BN_GRAD_KERNEL = 'DlspecBatchNormGrad';

/** Register both kernels for wasm (when its package is loaded) and cpu; idempotent. */
export function registerBatchNormKernels(): void {
  for (const be of ['wasm', 'cpu']) {
    if (!tf.getKernel(BN_TRAIN_KERNEL, be)) tf.registerKernel({ kernelName: BN_TRAIN_KERNEL, backendName: be, kernelFunc: trainKernel(be) });
    if (!tf.getKernel(BN_GRAD_KERNEL, be)) tf.registerKernel({ kernelName: BN_GRAD_KERNEL, backendName: be, kernelFunc: gradKernel(be) });
  }
}

/** whether the fused kernels can run on the current backend */
export function batchNormKernelsAvailable(): boolean {
  return tf.getKernel(BN_TRAIN_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * Differentiable training-mode batch norm of z [M, C] (biased batch variance, ε inside the root).
 * The batch mean and variance are pushed (kept) onto `stats` for running averages; the caller
 * disposes them.
 */
export function batchNormTrainFused(z: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, stats?: tf.Tensor[]): tf.Tensor2D {
  const f = tf.customGrad((zz, g, b, save) => {
    const [y, xhat, mean, variance, rstd] = tf.engine().runKernel(BN_TRAIN_KERNEL, { x: zz as tf.Tensor, gamma: g as tf.Tensor, beta: b as tf.Tensor }, { eps } as never) as tf.Tensor[];
    if (stats) stats.push(tf.keep(mean), tf.keep(variance));
    else tf.dispose([mean, variance]);
    (save as unknown as tf.GradSaveFunc)([xhat, rstd, g as tf.Tensor]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xh, rs, gm] = saved;
        return tf.engine().runKernel(BN_GRAD_KERNEL, { dy: dy as tf.Tensor, xhat: xh, rstd: rs, gamma: gm }, {}) as tf.Tensor[];
      },
    };
  });
  return f(z, gamma, beta) as tf.Tensor2D;
}
