/**
 * Training kernels for the tfjs **wasm** backend (ELEG5491 HW2 P5 on CPU).
 *
 * Stock @tensorflow/tfjs-backend-wasm 4.22 cannot train a conv net: it has no
 * `Conv2DBackpropFilter` (conv weight gradients throw "not registered"), and its `BatchMatMul` with
 * `transposeA`/`transposeB` takes a naive loop (≈ 10× slower than the plain product).  This module
 * adds / replaces both, built only from the backend's own fast kernels (XNNPACK conv, transpose):
 *
 *  - `Conv2DBackpropFilter` as ONE forward convolution of transposed tensors:
 *      dW[kh,kw,ci,co] = Σ_{n,oh,ow} x̃[n, s·oh+kh, s·ow+kw, ci] · dy[n,oh,ow,co]
 *    is a stride-1 convolution whose "batch" is ci, whose "channels" are n, and whose filter is dy
 *    (transposed to [OH, OW, n, co]) dilated by the forward stride s; x̃ is x padded as the forward
 *    pass padded it (top/left), and cropped or padded at the bottom/right so the output is exactly
 *    KH × KW.
 *  - `Conv2DBackpropInput` as a forward "full" convolution with the rotated filter (stride 1), or for
 *    stride s as one convolution with s² sub-filters plus a depth-to-space gather (the stock wasm
 *    kernel is a naive loop, the slowest op of a LeNet step and of a transposed convolution).
 *  - `MaxPoolGrad` as one loop over the heap (the stock kernel is slow, and wrong for overlapping or
 *    padded windows).
 *  - `BatchMatMul` with a transposed operand: transpose it explicitly (one memory pass), then the
 *    fast untransposed product.  The original kernel's `setupFunc` is kept (it binds the wasm
 *    function the product calls).
 *
 * API (stable; the InfoGAN topic may import it):
 *   `registerWasmTrainingKernels()`  — idempotent; call after `tf.setBackend('wasm')` resolved (or
 *                                      before: it registers for the backend name 'wasm').
 *   `conv2dBackpropFilterWasm`, `conv2dBackpropInputWasm`, `maxPoolGradWasm`, `batchMatMulWasm` — the kernel functions (for tests).
 *   `wasmTrainingKernelsRegistered()` — whether registration happened in this process.
 * Each kernel is proven against the reference cpu kernel on random shapes in spec/training-kernels.spec.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

type Backend = { disposeData(id: object): boolean };
interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}

function kernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernel ${name} is not registered: is @tensorflow/tfjs-backend-wasm imported?`);
  return k.kernelFunc;
}

function run(name: string, inputs: Record<string, TensorInfo>, backend: unknown, attrs: NamedAttrMap = {}): TensorInfo {
  return kernel(name)({ inputs, backend: backend as never, attrs }) as TensorInfo;
}

const dispose = (backend: unknown, ...ts: TensorInfo[]): void => {
  for (const t of ts) (backend as Backend).disposeData(t.dataId);
};

/** Conv2DBackpropFilter (NHWC) for wasm: inputs x [N,H,W,Ci], dy [N,OH,OW,Co]; attrs strides, pad, filterShape. */
export function conv2dBackpropFilterWasm(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  const { x, dy } = inputs;
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${attrs.dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const [N, H, W, Ci] = x.shape;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, outHeight: OH, outWidth: OW, outChannels: Co } = info;
  if (dy.shape[0] !== N || dy.shape[1] !== OH || dy.shape[2] !== OW || dy.shape[3] !== Co) {
    throw new Error(`Conv2DBackpropFilter (wasm): dy shape [${dy.shape.join(',')}] does not match the forward output [${N},${OH},${OW},${Co}]`);
  }
  const top = info.padInfo.top,
    left = info.padInfo.left;
  // rows the dilated filter reaches: top + H + bottom = KH + (OH−1)·sh
  let bottom = KH + (OH - 1) * sh - top - H;
  let right = KW + (OW - 1) * sw - left - W;
  const xt = run('Transpose', { x }, backend, { perm: [3, 1, 2, 0] }); // [Ci, H, W, N]
  let src = xt;
  if (bottom < 0 || right < 0) {
    // the forward pass never read the last rows/cols: crop them instead of padding negatively
    const hKeep = H + Math.min(0, bottom),
      wKeep = W + Math.min(0, right);
    src = run('Slice', { x: xt }, backend, { begin: [0, 0, 0, 0], size: [Ci, hKeep, wKeep, N] });
    bottom = Math.max(0, bottom);
    right = Math.max(0, right);
  }
  const f = run('Transpose', { x: dy }, backend, { perm: [1, 2, 0, 3] }); // [OH, OW, N, Co]
  const out = run('Conv2D', { x: src, filter: f }, backend, {
    strides: [1, 1],
    pad: [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ] as unknown as number,
    dataFormat: 'NHWC',
    dilations: [sh, sw],
    dimRoundingMode: undefined as unknown as string,
  }); // [Ci, KH, KW, Co]
  const dw = run('Transpose', { x: out }, backend, { perm: [1, 2, 0, 3] }); // [KH, KW, Ci, Co]
  dispose(backend, xt, f, out);
  if (src !== xt) dispose(backend, src);
  return dw;
}

let originalBackpropInput: KernelConfig | undefined;

/**
 * Conv2DBackpropInput for wasm.  Stock wasm runs a naive loop; for stride 1 (and no dilation) the
 * input gradient is a forward "full" convolution of dy with the filter rotated 180° and its
 * channel axes swapped:  dx[n,i,j,ci] = Σ dy[n, i+pt−kh, j+pl−kw, co] · W[kh,kw,ci,co].
 * Other strides: `backpropInputStrided` (sub-pixel decomposition).
 */
export function conv2dBackpropInputWasm(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  const { dy, filter } = inputs;
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const stock = originalBackpropInput?.kernelFunc;
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') {
    if (stock) return stock({ inputs, backend: backend as never, attrs: args.attrs ?? {} }) as TensorInfo;
    throw new Error(`Conv2DBackpropInput (wasm): only NHWC is supported, got ${attrs.dataFormat}`);
  }
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return backpropInputStrided(dy, filter, attrs.inputShape, info, backend);
  const [, H, W] = attrs.inputShape;
  const { filterHeight: KH, filterWidth: KW, outHeight: OH, outWidth: OW } = info;
  const top = KH - 1 - info.padInfo.top,
    left = KW - 1 - info.padInfo.left;
  const bottom = H - OH + KH - 1 - top,
    right = W - OW + KW - 1 - left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) {
    if (stock) return stock({ inputs, backend: backend as never, attrs: args.attrs ?? {} }) as TensorInfo;
    throw new Error('Conv2DBackpropInput (wasm): padding larger than the filter is not supported');
  }
  const rev = run('Reverse', { x: filter }, backend, { dims: [0, 1] });
  const ft = run('Transpose', { x: rev }, backend, { perm: [0, 1, 3, 2] }); // [KH, KW, Co, Ci]
  const dx = run('Conv2D', { x: dy, filter: ft }, backend, {
    strides: [1, 1],
    pad: [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ] as unknown as number,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: undefined as unknown as string,
  });
  dispose(backend, rev, ft);
  return dx;
}

/**
 * Conv2DBackpropInput for stride s > 1 (the transposed convolution of a generator's up-sampling layer,
 * and the input gradient of a strided discriminator conv) as ONE stride-1 forward convolution plus a
 * depth-to-space gather — the stock wasm kernel is a naive loop (≈ 360 ms for dy [64,7,7,128], a 4×4
 * filter 128→64, stride 2; the InfoGAN paper model's slowest op).
 *
 * Input row i gets dy rows oh with kh = i + pt − oh·s ∈ [0, KH): writing i + pt = q·s + r (0 ≤ r < s),
 * kh = r + m·s with m = q − oh, so  dx[i] = Σ_m dy[q − m] · W[r + m·s]:  for each residue r a stride-1
 * "full" convolution of dy with the sub-filter W[r], W[r + s], … (zero where r + m·s ≥ KH).  All s_h·s_w
 * residues become output channels of one convolution (filter [MH, MW, Co, s_h·s_w·Ci], taps reversed,
 * dy padded by MH−1 / MW−1 on top / left); dx[n,i,j,ci] is then read from row ⌊(i+pt)/s_h⌋, column
 * ⌊(j+pl)/s_w⌋, channel ((i+pt) mod s_h · s_w + (j+pl) mod s_w)·Ci + ci.  No multiply by an inserted zero.
 */
function backpropInputStrided(dy: TensorInfo, filter: TensorInfo, inputShape: [number, number, number, number], info: tf.backend_util.Conv2DInfo, backend: unknown): TensorInfo {
  const [N, H, W, Ci] = inputShape;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, outHeight: OH, outWidth: OW, outChannels: Co } = info;
  const pt = info.padInfo.top,
    pl = info.padInfo.left;
  const MH = Math.ceil(KH / sh),
    MW = Math.ceil(KW / sw);
  const QH = Math.floor((H - 1 + pt) / sh) + 1,
    QW = Math.floor((W - 1 + pl) / sw) + 1;
  const C2 = sh * sw * Ci;
  const heap = backend as WasmHeap;
  const fInfo = heap.makeOutput([MH, MW, Co, C2], 'float32');
  {
    const src = heap.typedArrayFromHeap(filter),
      F = heap.typedArrayFromHeap(fInfo);
    F.fill(0);
    for (let a = 0; a < MH; a++)
      for (let rh = 0; rh < sh; rh++) {
        const kh = rh + (MH - 1 - a) * sh;
        if (kh >= KH) continue;
        for (let b = 0; b < MW; b++)
          for (let rw = 0; rw < sw; rw++) {
            const kw = rw + (MW - 1 - b) * sw;
            if (kw >= KW) continue;
            const chan = (rh * sw + rw) * Ci;
            for (let ci = 0; ci < Ci; ci++) {
              const s0 = ((kh * KW + kw) * Ci + ci) * Co; // W[kh, kw, ci, :]
              const d0 = (a * MW + b) * Co * C2 + chan + ci; // F[a, b, :, chan + ci]
              for (let co = 0; co < Co; co++) F[d0 + co * C2] = src[s0 + co];
            }
          }
      }
  }
  const bh = Math.max(0, QH - OH),
    bw = Math.max(0, QW - OW);
  const conv = run('Conv2D', { x: dy, filter: fInfo }, backend, {
    strides: [1, 1],
    pad: [
      [0, 0],
      [MH - 1, bh],
      [MW - 1, bw],
      [0, 0],
    ] as unknown as number,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: undefined as unknown as string,
  }); // [N, OH + bh, OW + bw, C2]
  const RH = OH + bh,
    RW = OW + bw;
  const dxInfo = heap.makeOutput([N, H, W, Ci], 'float32');
  const c = heap.typedArrayFromHeap(conv),
    dx = heap.typedArrayFromHeap(dxInfo);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < H; i++) {
      const q = Math.floor((i + pt) / sh),
        rh = (i + pt) % sh;
      for (let j = 0; j < W; j++) {
        const p = Math.floor((j + pl) / sw),
          rw = (j + pl) % sw;
        const s0 = ((n * RH + q) * RW + p) * C2 + (rh * sw + rw) * Ci;
        dx.set(c.subarray(s0, s0 + Ci), ((n * H + i) * W + j) * Ci);
      }
    }
  dispose(backend, fInfo, conv);
  return dxInfo;
}

let originalMatMul: KernelConfig | undefined;

/** BatchMatMul for wasm: a transposed operand is transposed explicitly, then the fast plain product runs. */
export function batchMatMulWasm(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  const base = originalMatMul?.kernelFunc ?? kernel('BatchMatMul');
  if (!attrs.transposeA && !attrs.transposeB) return base({ inputs, backend: backend as never, attrs: attrs as NamedAttrMap }) as TensorInfo;
  const flip = (t: TensorInfo): TensorInfo => {
    const r = t.shape.length;
    const perm = [...Array(r).keys()];
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    return run('Transpose', { x: t }, backend, { perm });
  };
  const a = attrs.transposeA ? flip(inputs.a) : inputs.a;
  const b = attrs.transposeB ? flip(inputs.b) : inputs.b;
  const out = base({ inputs: { a, b }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
  if (a !== inputs.a) dispose(backend, a);
  if (b !== inputs.b) dispose(backend, b);
  return out;
}

interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/**
 * MaxPoolGrad for wasm, in one pass over the wasm heap: each dy value goes to its window's first
 * maximum in row-major order (the cpu reference kernel's strict `>` rule; windows clipped at the
 * padding), accumulated where windows overlap; every other dx is 0.  It replaces the stock kernel of
 * tfjs-backend-wasm 4.22, which is slow (≈ 30 ms of a 170 ms LeNet step at batch 128) and gives a
 * different dx from the cpu kernel for overlapping or 'same'-padded windows.
 */
export function maxPoolGradWasm(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const { dy, input } = inputs;
  if (input.dtype !== 'float32') throw new Error(`MaxPoolGrad (wasm): float32 input expected, got ${input.dtype}`);
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW, outHeight: OH, outWidth: OW, inHeight: H, inWidth: W, inChannels: C, batchSize: N } = info;
  const top = info.padInfo.top,
    left = info.padInfo.left;
  const b = backend as WasmHeap;
  const dxInfo = b.makeOutput(input.shape, 'float32');
  // views after the allocation: growing the heap detaches older views
  const x = b.typedArrayFromHeap(input),
    g = b.typedArrayFromHeap(dy),
    dx = b.typedArrayFromHeap(dxInfo);
  if (KH === SH && KW === SW && top === 0 && left === 0 && OH * KH <= H && OW * KW <= W) {
    maxPoolGradTiling(x, g, dx, N, H, W, C, OH, OW, KH, KW);
    return dxInfo;
  }
  // overlapping windows: sums in float64 (as the reference), rounded once
  const acc: Float32Array | Float64Array = KH > SH || KW > SW ? new Float64Array(dx.length) : dx;
  acc.fill(0);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = Math.max(0, oh * SH - top),
        r1 = Math.min(H, oh * SH - top + KH);
      for (let ow = 0; ow < OW; ow++) {
        const c0 = Math.max(0, ow * SW - left),
          c1 = Math.min(W, ow * SW - left + KW);
        const gBase = ((n * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best = Number.NEGATIVE_INFINITY,
            at = -1;
          for (let r = r0; r < r1; r++) {
            for (let q = c0, o = ((n * H + r) * W + c0) * C + c; q < c1; q++, o += C) {
              const v = x[o];
              if (v > best) {
                best = v;
                at = o;
              }
            }
          }
          // a window of NaNs or −∞ (v > best never holds) passes nothing back, as in the reference
          if (at >= 0) acc[at] += g[gBase + c];
        }
      }
    }
  }
  if (acc !== dx) dx.set(acc);
  return dxInfo;
}

/**
 * MaxPoolGrad when the windows tile the input (window = stride, none past the edge; LeNet's 2×2 / 2): each dx
 * belongs to at most one window, so it is written once — dy at the window's first maximum, 0 elsewhere —
 * with no zero-fill pass and no accumulation; rows and columns past the last window are 0.  2×2 windows
 * (the common case) compare their four values unrolled, in the same row-major order and with the same
 * strict `>` as the general loop, so ties and NaNs give the same dx.
 */
function maxPoolGradTiling(x: Float32Array, g: Float32Array, dx: Float32Array, N: number, H: number, W: number, C: number, OH: number, OW: number, KH: number, KW: number): void {
  if (OH * KH !== H || OW * KW !== W) dx.fill(0);
  const rowStep = W * C;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const gBase = ((n * OH + oh) * OW + ow) * C;
        const base = ((n * H + oh * KH) * W + ow * KW) * C;
        if (KH === 2 && KW === 2) {
          for (let c = 0; c < C; c++) {
            const o0 = base + c,
              o1 = o0 + C,
              o2 = o0 + rowStep,
              o3 = o2 + C;
            const v0 = x[o0]!,
              v1 = x[o1]!,
              v2 = x[o2]!,
              v3 = x[o3]!;
            dx[o0] = 0;
            dx[o1] = 0;
            dx[o2] = 0;
            dx[o3] = 0;
            let best = Number.NEGATIVE_INFINITY,
              at = -1;
            if (v0 > best) {
              best = v0;
              at = o0;
            }
            if (v1 > best) {
              best = v1;
              at = o1;
            }
            if (v2 > best) {
              best = v2;
              at = o2;
            }
            if (v3 > best) {
              best = v3;
              at = o3;
            }
            if (at >= 0) dx[at] = g[gBase + c]!;
          }
          continue;
        }
        for (let c = 0; c < C; c++) {
          let best = Number.NEGATIVE_INFINITY,
            at = -1;
          for (let r = 0; r < KH; r++) {
            for (let q = 0, o = base + r * rowStep + c; q < KW; q++, o += C) {
              const v = x[o]!;
              dx[o] = 0;
              if (v > best) {
                best = v;
                at = o;
              }
            }
          }
          if (at >= 0) dx[at] = g[gBase + c]!;
        }
      }
    }
  }
}

let registered = false;

/** Register both kernels for the 'wasm' backend (idempotent). Requires @tensorflow/tfjs-backend-wasm to be imported. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  const mm = tf.getKernel('BatchMatMul', 'wasm');
  if (!mm) throw new Error('registerWasmTrainingKernels: @tensorflow/tfjs-backend-wasm is not imported (no wasm BatchMatMul)');
  originalMatMul = { ...mm };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ kernelName: 'BatchMatMul', backendName: 'wasm', setupFunc: mm.setupFunc, kernelFunc: batchMatMulWasm as unknown as KernelFunc });
  const bi = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (bi) {
    originalBackpropInput = { ...bi };
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  }
  tf.registerKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', setupFunc: bi?.setupFunc, kernelFunc: conv2dBackpropInputWasm as unknown as KernelFunc });
  if (tf.getKernel('MaxPoolGrad', 'wasm')) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGradWasm as unknown as KernelFunc });
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc });
  }
  registered = true;
}

export function wasmTrainingKernelsRegistered(): boolean {
  return registered;
}
