/**
 * InfoGAN training loop (reference): alternating D/Q and G steps with Adam, the information term
 * L_I = λ_cat·CE(c₁, Q_cat(G(z,c))) + λ_cont·½‖c₂₃ − μ_Q(G(z,c))‖² added to both (Q shares D's body,
 * and L_I is minimised by G and Q — the paper's min_{G,Q} max_D V(D,G) − λ L_I(G,Q)).
 * Progress lines (step, epoch, batch, losses, img/s, ETA), and checkpoint/resume: every step's
 * random draws come from an rng seeded by (seed, step), so a resumed run continues exactly.
 */
import { tf } from '../backend.ts';
import { makeRng, type Rng } from '../verify/rng.ts';
import { checkSameRun, formatDuration, readCheckpoint, runLoop, writeCheckpoint, type Pace, type RunControl, type StoredTensor } from '../training/loop.ts';
import { CAT_DIM, CONT_DIM, IMG, InfoGanNet, LATENT_DIM, NOISE_DIM, PIXELS, type Arch } from './model.ts';
import { applyStyleWarp, drawStrokeWarps, drawStyleWarps, strokeWarp, styleWarpMatrices } from './warp.ts';

export interface TrainOptions extends RunControl {
  arch: Arch;
  seed: number;
  steps: number;
  batchSize?: number;
  /** training images, n × 784 in [0, 1] */
  images: Float32Array;
  lrD?: number;
  lrG?: number;
  lambdaCat?: number;
  lambdaCont?: number;
  /** instance noise (Sønderby et al. 2016): std of the Gaussian noise added to every image D and Q see,
   *  real and generated, drawn per step from (seed, step); default 0.  It hides the pixel-level speckle
   *  through which a dense G can tell Q its code; with the convolutional G it costs accuracy, so it is off. */
  inputNoise?: number;
  /** Q also reads the categorical code from G's images after a random style warp (`CodeWarp`); default
   *  `ARCH_CODE_WARP[arch]`, `null` for none. */
  codeWarp?: CodeWarp | null;
}

/**
 * Reading the code under style warps.  Every step, each generated image gets a random shear
 * U(−shear, shear) and horizontal stretch U(1 − stretch, 1 + stretch) about its centre of mass, then a random
 * stroke-width change t ~ U(−thickness, thickness) (a blend with its grey dilation or erosion; ./warp.ts), and
 * λ_cat·weight·CE(c₁, Q_cat(warp(G(z, c)))) joins both losses: Q learns to read the code after the warp
 * (D/Q step) and G to draw codes that survive it (G step; the warp is differentiable, so its gradient reaches
 * G).  L_cont and D's real/fake loss see the images unwarped.  Why: slant and width are what the continuous
 * codes should carry, and they are exactly what splits a digit over two categorical codes (slanted and upright
 * 1s) while two digits share another (4/9, 3/5) — a code Q must read through any slant, width and stroke has
 * to be a shape.  The same idea as Elastic-InfoGAN's identity-preserving transforms (Ojha et al. 2019).
 * Costs two more passes through D's body a step; what it gains: docs/measurements.md.
 */
export interface CodeWarp {
  shear: number;
  stretch: number;
  /** multiplies λ_cat for the warped term */
  weight: number;
  /** stroke width: t ~ U(−thickness, thickness) per image (./warp.ts `strokeWarp`; 0 or absent: none) */
  thickness?: number;
}

function checkCodeWarp(cw: CodeWarp): void {
  const bad = (k: keyof CodeWarp, v: unknown, want: string, ok: (x: number) => boolean) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new Error(`trainInfoGan: codeWarp.${k} must be ${want}, got ${String(v)}`);
  };
  bad('shear', cw.shear, 'a number ≥ 0 (shears drawn from U(−shear, shear))', (x) => x >= 0);
  bad('stretch', cw.stretch, 'a number in [0, 1) (x-scales drawn from U(1 − stretch, 1 + stretch) must stay > 0)', (x) => x >= 0 && x < 1);
  bad('weight', cw.weight, 'a number ≥ 0 (it multiplies λ_cat)', (x) => x >= 0);
  if (cw.thickness !== undefined) bad('thickness', cw.thickness, 'a number in [0, 1] (a blend weight with the dilated or eroded image)', (x) => x >= 0 && x <= 1);
}

/** The CPU model reads its code under style warps; the paper's model trains as the paper has it. */
export const ARCH_CODE_WARP: Record<Arch, CodeWarp | null> = { cpu: { shear: 0.5, stretch: 0.3, thickness: 0.6, weight: 1 }, paper: null };

/** Adam's learning rates (β₁ 0.5) per architecture: the paper's 2e-4 for D/Q and 1e-3 for G; the CPU
 *  model takes four times both, so that its code aligns with the digits within its 5,000 steps
 *  (docs/measurements.md). */
export const ARCH_LR: Record<Arch, { d: number; g: number }> = { cpu: { d: 8e-4, g: 4e-3 }, paper: { d: 2e-4, g: 1e-3 } };

export interface HistoryRow {
  step: number;
  epoch: number;
  dLoss: number;
  gLoss: number;
  /** L_I's categorical part: mean cross-entropy of Q's logits against the drawn code (nats) */
  liCat: number;
  /** L_I's continuous part: mean ½‖c − μ‖² */
  liCont: number;
  /** the categorical cross-entropy on style-warped generated images (`codeWarp`; absent without it) */
  liCatWarped?: number;
  imgPerSec: number;
}

export interface Latent {
  /** n × 74, [noise | one-hot | continuous] */
  z: Float32Array;
  cat: Int32Array;
  /** n × 2 */
  cont: Float32Array;
}

/** n latent vectors: noise N(0,1), a uniform categorical code (one-hot), continuous codes U(−1,1). */
export function sampleLatent(rng: Rng, n: number): Latent {
  const z = new Float32Array(n * LATENT_DIM),
    cat = new Int32Array(n),
    cont = new Float32Array(n * CONT_DIM);
  for (let i = 0; i < n; i++) {
    const o = i * LATENT_DIM;
    for (let j = 0; j < NOISE_DIM; j++) z[o + j] = rng.normal();
    const k = rng.int(0, CAT_DIM - 1);
    cat[i] = k;
    z[o + NOISE_DIM + k] = 1;
    for (let j = 0; j < CONT_DIM; j++) {
      const u = rng.uniform(-1, 1);
      cont[i * CONT_DIM + j] = u;
      z[o + NOISE_DIM + CAT_DIM + j] = u;
    }
  }
  return { z, cat, cont };
}

/** L_I's two parts as tensors (means over the batch). */
export function infoLossTf(logits: tf.Tensor2D, mean: tf.Tensor2D, cat: tf.Tensor1D, cont: tf.Tensor2D): { cat: tf.Scalar; cont: tf.Scalar } {
  const onehot = tf.oneHot(cat, CAT_DIM);
  return {
    cat: tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar,
    cont: tf.mean(tf.sum(tf.mul(0.5, tf.square(tf.sub(cont, mean))), 1)) as tf.Scalar,
  };
}

/** What `trainInfoGan` returns.  The caller owns every tensor in it: `net.dispose()` and, once no resume
 *  in the same process will use them, `optD.dispose()` / `optG.dispose()` (Adam's moment slots, as large as
 *  the weights: a loop of calls that never disposes them fills the wasm heap). */
export interface TrainState {
  net: InfoGanNet;
  step: number;
  history: HistoryRow[];
  optD: tf.AdamOptimizer;
  optG: tf.AdamOptimizer;
}

/** Free everything a TrainState holds (the net and both optimizers' slots). */
export function disposeTrainState(st: TrainState): void {
  st.net.dispose();
  st.optD.dispose();
  st.optG.dispose();
}

/** What a checkpoint's meta.json says of its run; the weights, both optimizers' slots and Adam's β powers are its tensors. */
interface Meta {
  arch: Arch;
  seed: number;
  step: number;
  batchSize: number;
  history: HistoryRow[];
}

const optimizers = (st: TrainState) =>
  [
    ['optD', st.optD],
    ['optG', st.optG],
  ] as const;

async function saveCheckpoint(dir: string, st: TrainState, batchSize: number, seed: number): Promise<void> {
  const named: { name: string; t: tf.Tensor }[] = st.net.namedTensors().map(([name, t]) => ({ name: `net/${name}`, t }));
  for (const [tag, opt] of optimizers(st)) {
    (await opt.getWeights()).forEach((w, i) => named.push({ name: `${tag}/${i}`, t: w.tensor }));
    // Adam's running β₁ᵗ, β₂ᵗ: setWeights recomputes them as pow(β, t) in float32, which differs in the last
    // bits from the running product, and an InfoGAN run is chaotic enough for that to change its outcome —
    // saved, so that a resumed run continues exactly
    for (const [k, v] of Object.entries(adamAccumulators(opt))) named.push({ name: `${tag}-acc/${k}`, t: v });
  }
  const tensors: StoredTensor[] = [];
  for (const { name, t } of named) tensors.push({ name, shape: t.shape, data: Float32Array.from((await t.data()) as Float32Array) });
  writeCheckpoint<Meta>(dir, { arch: st.net.arch, seed, step: st.step, batchSize, history: st.history }, tensors);
}

async function loadCheckpoint(dir: string, st: TrainState, arch: Arch, seed: number, batchSize: number): Promise<boolean> {
  const ck = readCheckpoint<Meta>(dir);
  if (!ck) return false;
  checkSameRun(dir, { arch: ck.meta.arch, seed: ck.meta.seed, batch: ck.meta.batchSize }, { arch, seed, batch: batchSize });
  const get = (name: string) => {
    const t = ck.tensor(name);
    return tf.tensor(t.data, t.shape);
  };
  const assign = (v: tf.Variable, name: string) => {
    const t = get(name);
    v.assign(t);
    t.dispose();
  };
  for (const [name, v] of st.net.namedTensors()) assign(v, `net/${name}`);
  for (const [tag, opt] of optimizers(st)) {
    const ws = ck
      .names()
      .filter((n) => n.startsWith(`${tag}/`))
      .map((name) => ({ name, tensor: get(name) }));
    if (ws.length) await opt.setWeights(ws);
    for (const [k, v] of Object.entries(adamAccumulators(opt))) if (ck.has(`${tag}-acc/${k}`)) assign(v, `${tag}-acc/${k}`);
  }
  st.step = ck.meta.step;
  st.history = ck.meta.history;
  return true;
}

/** tfjs's AdamOptimizer keeps β₁ᵗ and β₂ᵗ as private variables; read them as that class does */
function adamAccumulators(opt: tf.AdamOptimizer): { accBeta1: tf.Variable; accBeta2: tf.Variable } {
  const o = opt as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  if (!o.accBeta1 || !o.accBeta2) throw new Error('trainInfoGan: this tfjs AdamOptimizer has no accBeta1/accBeta2 (another tfjs version?): checkpoints cannot restore them');
  return { accBeta1: o.accBeta1, accBeta2: o.accBeta2 };
}

function gatherBatch(images: Float32Array, rng: Rng, b: number): Float32Array {
  const n = images.length / PIXELS;
  const out = new Float32Array(b * PIXELS);
  for (let i = 0; i < b; i++) {
    const k = rng.int(0, n - 1);
    out.set(images.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
  }
  return out;
}

/** Train (or resume) an InfoGAN; returns the net and the loss history. */
export async function trainInfoGan(o: TrainOptions): Promise<TrainState> {
  const b = o.batchSize ?? 64;
  const lc = o.lambdaCat ?? 1,
    lk = o.lambdaCont ?? 1;
  const cw = o.codeWarp === undefined ? ARCH_CODE_WARP[o.arch] : o.codeWarp;
  if (cw) checkCodeWarp(cw);
  if (o.images.length % PIXELS !== 0 || o.images.length === 0) throw new Error(`trainInfoGan: images must be n × ${PIXELS} floats, got ${o.images.length}`);
  const nImg = o.images.length / PIXELS;
  const net = new InfoGanNet(o.arch, o.seed);
  const st: TrainState = {
    net,
    step: 0,
    history: [],
    optD: tf.train.adam(o.lrD ?? ARCH_LR[o.arch].d, 0.5, 0.999),
    optG: tf.train.adam(o.lrG ?? ARCH_LR[o.arch].g, 0.5, 0.999),
  };
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (o.checkpointDir && (await loadCheckpoint(o.checkpointDir, st, o.arch, o.seed, b))) {
    log(`[infogan] resumed from ${o.checkpointDir} at step ${st.step}/${o.steps}`);
  }
  const dVars = net.group('D'),
    gVars = net.group('G');
  const stepsPerEpoch = Math.ceil(nImg / b);
  const ones = tf.ones([b, 1]),
    zeros = tf.zeros([b, 1]);
  // the last step's losses [G, D, L_I(cat), L_I(cont), L_I(cat, warped)?], read by its progress line
  let parts: tf.Scalar[] = [];
  const step = async (): Promise<void> => {
    parts.forEach((p) => p.dispose());
    const rng = makeRng(`${o.seed}:${st.step}`);
    const real = gatherBatch(o.images, rng, b);
    const lat = sampleLatent(rng, b);
    parts = tf.tidy((): tf.Scalar[] => {
      const xr = tf.tensor2d(real, [b, PIXELS]);
      const z = tf.tensor2d(lat.z, [b, LATENT_DIM]);
      const cat = tf.tensor1d(lat.cat, 'int32');
      const cont = tf.tensor2d(lat.cont, [b, CONT_DIM]);
      const sigma = o.inputNoise ?? 0;
      const noisy = (x: tf.Tensor2D, k: number): tf.Tensor2D => (sigma > 0 ? tf.add(x, tf.randomNormal(x.shape, 0, sigma, 'float32', (o.seed * 7919 + st.step * 3 + k) % 2147483647)) : x);
      const xrN = noisy(xr, 0);
      const fake = net.generate(z, true);
      // the style warps of this step's generated images (drawn per (seed, step), so a resume continues
      // exactly); G's step redraws the same images (only D/Q changed), so the same maps serve it
      const warpM = cw ? tf.tensor3d(styleWarpMatrices(fake.dataSync(), drawStyleWarps(makeRng(`warp:${o.seed}:${st.step}`), b, cw.shear, cw.stretch)), [b * IMG, IMG, IMG]) : undefined;
      const strokeT = cw?.thickness ? tf.tensor2d(drawStrokeWarps(makeRng(`thick:${o.seed}:${st.step}`), b, cw.thickness), [b, 1]) : undefined;
      const warpedCE = (x: tf.Tensor2D): tf.Scalar => {
        const w = applyStyleWarp(x, warpM!);
        const q = net.uncaptured(() => net.qHead(net.body(strokeT ? strokeWarp(w, strokeT) : w, true), true));
        return tf.losses.softmaxCrossEntropy(tf.oneHot(cat, CAT_DIM), q.logits) as tf.Scalar;
      };
      let dParts: tf.Scalar[] = [];
      // Running batch-norm statistics (used when classifying or generating after training): D's and
      // Q's layers from the REAL batch (Q's head is run on the real features for that alone), G's
      // from G's step: every pass of generated images through D or Q runs `uncaptured`.  Q classifies
      // real test digits; statistics of generated images would shift its inputs by however far G is
      // from the data.
      net.withStats(() =>
        st.optD.minimize(
          () => {
            const fReal = net.body(xrN, true);
            const dReal = net.dHead(fReal);
            net.qHead(fReal, true); // statistics only: not part of the loss
            const fFake = net.uncaptured(() => net.body(noisy(fake, 1), true));
            const dFake = net.dHead(fFake);
            const dl = tf.add(tf.losses.sigmoidCrossEntropy(ones, dReal), tf.losses.sigmoidCrossEntropy(zeros, dFake)) as tf.Scalar;
            const q = net.uncaptured(() => net.qHead(fFake, true));
            const li = infoLossTf(q.logits, q.mean, cat, cont);
            const wce = cw ? warpedCE(fake) : undefined;
            dParts = [tf.keep(dl), tf.keep(li.cat), tf.keep(li.cont)];
            if (wce) dParts.push(tf.keep(wce));
            return tf.addN([dl, tf.mul(lc, li.cat), tf.mul(lk, li.cont), ...(wce ? [tf.mul(lc * cw!.weight, wce)] : [])]) as tf.Scalar;
          },
          false,
          dVars,
        ),
      );
      let gl: tf.Scalar | undefined;
      net.withStats(() =>
        st.optG.minimize(
          () => {
            const x = net.generate(z, true);
            const f = net.uncaptured(() => net.body(noisy(x, 2), true));
            const g = tf.losses.sigmoidCrossEntropy(ones, net.dHead(f)) as tf.Scalar;
            const q = net.uncaptured(() => net.qHead(f, true));
            const li = infoLossTf(q.logits, q.mean, cat, cont);
            gl = tf.keep(g);
            return tf.addN([g, tf.mul(lc, li.cat), tf.mul(lk, li.cont), ...(cw ? [tf.mul(lc * cw.weight, warpedCE(x))] : [])]) as tf.Scalar;
          },
          false,
          gVars,
        ),
      );
      return [gl!, ...dParts];
    });
    st.step++;
  };
  const progress = async (done: number, pace: Pace): Promise<string> => {
    const [g, d, c, k, w] = (await Promise.all(parts.map((p) => p.data()))).map((v) => v[0]);
    const epoch = done / stepsPerEpoch;
    st.history.push({ step: done, epoch, dLoss: d, gLoss: g, liCat: c, liCont: k, ...(w !== undefined ? { liCatWarped: w } : {}), imgPerSec: pace.imgPerSec });
    return (
      `[infogan ${o.arch}] step ${done}/${o.steps} epoch ${Math.floor(epoch) + 1} batch ${((done - 1) % stepsPerEpoch) + 1}/${stepsPerEpoch} ` +
      `D ${d.toFixed(3)} G ${g.toFixed(3)} L_I(cat) ${c.toFixed(3)} L_I(cont) ${k.toFixed(3)} ${w !== undefined ? `L_I(cat, warped) ${w.toFixed(3)} ` : ''}` +
      `MI≥${(Math.log(CAT_DIM) - c).toFixed(3)} nats  ${pace.imgPerSec.toFixed(0)} img/s  ETA ${formatDuration(pace.etaSec)}`
    );
  };
  try {
    await runLoop({
      done: st.step,
      total: o.steps,
      imagesPerStep: b,
      control: { ...o, log, logEvery: o.logEvery ?? 100, checkpointEvery: o.checkpointEvery ?? 500 },
      step,
      progress,
      save: (dir) => saveCheckpoint(dir, st, b, o.seed),
    });
  } finally {
    parts.forEach((p) => p.dispose());
    ones.dispose();
    zeros.dispose();
  }
  return st;
}
