/**
 * Own optimizers (ELEG5491 HW2 P5.4 asks for "your own code"), written with elementary tfjs ops on
 * float32 tensors, and the step learning-rate policy.  Weight decay is L2: g ← g + λ·w before the
 * update (PyTorch's `weight_decay`).  Formulas (t = 1, 2, …):
 *   SGD+momentum:  v ← μ·v + g;                      w ← w − η·v            (tf.train.momentum / PyTorch)
 *   Adam:          m ← β₁m + (1−β₁)g;  s ← β₂s + (1−β₂)g²;
 *                  w ← w − η · (m/(1−β₁ᵗ)) / (√(s/(1−β₂ᵗ)) + ε)             (tf.train.adam)
 *   RMSProp:       s ← ρs + (1−ρ)g²;  v ← μ·v + η·g/√(s + ε);  w ← w − v   (tf.train.rmsprop, not centered)
 * Each is proven step by step against tfjs's built-in optimizer (spec/cifar-optim.spec.ts; ≤ 1e-6).
 */
import * as tf from '@tensorflow/tfjs';

export type OptimizerName = 'sgd' | 'adam' | 'rmsprop';

export interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  /** SGD/RMSProp momentum μ */
  momentum?: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  /** RMSProp decay ρ */
  decay?: number;
  epsilon?: number;
}

export interface Optimizer {
  readonly config: OptimizerConfig;
  lr: number;
  /** apply one step to `vars` given gradients of the same names */
  step(vars: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>): void;
  /** state as plain arrays, for checkpoints (read with `await data()`: webgpu has no synchronous read) */
  getState(): Promise<Record<string, Float32Array | number>>;
  setState(s: Record<string, Float32Array | number>): void;
  dispose(): void;
}

export const DEFAULT_EPSILON = 1e-7; // tfjs's backend epsilon for float32

export function makeOptimizer(config: OptimizerConfig): Optimizer {
  const slots: Record<string, tf.Variable> = {};
  let t = 0;
  let pending: Record<string, Float32Array> = {};
  const slot = (key: string, like: tf.Tensor) => (slots[key] ??= tf.variable(pending[key] ? tf.tensor(pending[key], like.shape) : tf.zerosLike(like), false));
  const eps = config.epsilon ?? DEFAULT_EPSILON;
  const opt: Optimizer = {
    config,
    lr: config.lr,
    step(vars, grads) {
      t += 1;
      tf.tidy(() => {
        for (const [name, w] of Object.entries(vars)) {
          let g = grads[name];
          if (!g) continue;
          if (config.weightDecay) g = g.add(w.mul(config.weightDecay));
          if (config.name === 'sgd') {
            const v = slot(`${name}/v`, w);
            const nv = v.mul(config.momentum ?? 0).add(g);
            v.assign(nv);
            w.assign(w.sub(nv.mul(opt.lr)));
          } else if (config.name === 'adam') {
            const b1 = config.beta1 ?? 0.9,
              b2 = config.beta2 ?? 0.999;
            const m = slot(`${name}/m`, w),
              s = slot(`${name}/s`, w);
            const nm = m.mul(b1).add(g.mul(1 - b1));
            const ns = s.mul(b2).add(g.square().mul(1 - b2));
            m.assign(nm);
            s.assign(ns);
            const mh = nm.div(1 - b1 ** t),
              sh = ns.div(1 - b2 ** t);
            w.assign(w.sub(mh.div(sh.sqrt().add(eps)).mul(opt.lr)));
          } else {
            const rho = config.decay ?? 0.9;
            const s = slot(`${name}/s`, w),
              v = slot(`${name}/v`, w);
            const ns = s.mul(rho).add(g.square().mul(1 - rho));
            const nv = v.mul(config.momentum ?? 0).add(g.mul(opt.lr).div(ns.add(eps).sqrt()));
            s.assign(ns);
            v.assign(nv);
            w.assign(w.sub(nv));
          }
        }
      });
    },
    async getState() {
      const out: Record<string, Float32Array | number> = { t, lr: opt.lr };
      for (const [k, v] of Object.entries(slots)) out[k] = (await v.data()) as Float32Array;
      return out;
    },
    setState(s) {
      t = Number(s.t ?? 0);
      opt.lr = Number(s.lr ?? opt.lr);
      for (const v of Object.values(slots)) v.dispose();
      for (const k of Object.keys(slots)) delete slots[k];
      pending = {};
      for (const [k, a] of Object.entries(s)) if (typeof a !== 'number') pending[k] = a;
    },
    dispose() {
      for (const v of Object.values(slots)) v.dispose();
    },
  };
  return opt;
}

/** Step policy: η_e = η₀ · γ^⌊e / stepEpochs⌋ (e counted from 0). */
export function stepLr(base: number, epoch: number, stepEpochs: number, gamma = 0.1): number {
  return base * gamma ** Math.floor(epoch / stepEpochs);
}
