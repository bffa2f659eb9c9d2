/**
 * ELEG5491 HW2 P5 (CIFAR-10 LeNet, 30 points) — the claims of this topic.  Part 2(a)'s proofs of
 * eq. 3/4 belong to the initialization topic; here: the network, its training and curves (part 1),
 * He init implemented and its accuracy (part 2b), batch norm (part 3), own optimizers (part 4,
 * optional, 0 points).  Accuracy claims train for real: tagged `slow` (CPU, wasm, 5 epochs) — see
 * ./slow.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend.ts';
import type { Claim, Evidence } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { compareTensor, fmtNum, formatComparison } from '../verify/compare.ts';
import { field, readNumber, readTensor } from '../verify/read.ts';
import { makeRng, type Rng } from '../verify/rng.ts';
import { toTensor } from '../verify/tensor.ts';
import type { AdamState, CifarContract, RmspropState } from './contract.ts';
import { fans, HE_LAYERS, initLeNetParams, LENET_PARAM_COUNT, LENET_SHAPES, LeNet } from './lenet.ts';
import { adamStep, batchNorm, rmspropStep, sgdStep } from './reference.ts';
import { ADAM_MISTAKES, BN_MISTAKES, CIFAR_MISTAKES, recogniseHeMistake, recogniseParamCount, RMSPROP_MISTAKES, SGD_MISTAKES } from './misconceptions.ts';
import { runClaims } from './run-claims.ts';
import { slowClaims } from './slow.ts';
import { nameMistake, recognised, recognisedBy } from '../verify/failure.ts';

const base = { course: 'ELEG5491' as const, hw: 'HW2', problem: 5 };

const randVec = (rng: Rng, n: number, std: number) => Array.from({ length: n }, () => std * rng.normal());

/** Which named variant the student's output matches (relative error < 1e-9), if any. */
function recogniseVariant(got: number[], variants: Record<string, number[]>, labels: Record<string, string>): string | undefined {
  for (const [id, want] of Object.entries(variants)) {
    if (compareTensor(id, toTensor(got), toTensor(want), 1e-9).pass) return labels[id];
  }
  return undefined;
}

/** Relative error of the displacement w_t − w_0 (float32 tfjs vs float64), so that the tolerance is on the update itself. */
function displacementErr(w0: number[], a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < w0.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += Math.max((a[i] - w0[i]) ** 2, (b[i] - w0[i]) ** 2);
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

export const KEY_TOL = 1e-9;
/** accepted Var[y_5]/Var[y_1] for He init: measured 3.06 for √(2/n_l) (max pooling keeps the largest of 4, raising E[x²] above ½Var[y]); √(1/n_l) gives 0.19 (= 3.06/2⁴), fan-out 46 */
export const HE_RATIO = [0.5, 20] as const;
export const TFJS_TOL = 1e-6;
const STEPS = 8;

type StepFn = (w: number[], g: number[]) => number[];

/**
 * Run `STEPS` steps of the student's optimizer and of a tfjs built-in on the same gradient sequence;
 * check each step against the float64 key (≤ 1e-9, naming a recognised mistake) and against tfjs (≤ 1e-6 on the displacement).
 */
async function optimizerTrajectory(
  name: string,
  seed: number,
  student: StepFn,
  key: StepFn,
  wrongs: Record<string, StepFn>,
  labels: Record<string, string>,
  builtin: () => tf.Optimizer,
): Promise<Evidence> {
  await initBackend({ quiet: true });
  const rng = makeRng(seed);
  const n = 64;
  const w0 = randVec(rng, n, 0.01);
  const grads = Array.from({ length: STEPS }, () => randVec(rng, n, 1));
  const wv = tf.variable(tf.tensor1d(w0), true, `cifar-check-${name}-${seed}-${Math.random()}`);
  const opt = builtin();
  let ws = w0,
    wk = w0;
  const wrongState: Record<string, number[]> = Object.fromEntries(Object.keys(wrongs).map((k) => [k, w0]));
  let worstKey = 0,
    worstTf = 0;
  try {
    for (let t = 0; t < STEPS; t++) {
      const got = readTensor(student(ws, grads[t]), `${name} step ${t + 1}: w`, [n]);
      for (const k of Object.keys(wrongs)) wrongState[k] = wrongs[k](wrongState[k], grads[t]);
      const want = key(wk, grads[t]);
      const c = compareTensor('w', got, toTensor(want), KEY_TOL);
      worstKey = Math.max(worstKey, c.relErr);
      if (!c.pass) {
        const mistake = recogniseVariant(Array.from(got.data), wrongState, labels);
        fail(
          [
            `${name}: the weights after step ${t + 1} (of ${STEPS}, 64 weights, gradients ~N(0,1)) differ from the key:`,
            `  ${formatComparison(c, `w after step ${t + 1}`)}`,
            ...(mistake ? [`  ${recognised(mistake)}`] : []),
          ].join('\n'),
          { step: t + 1, relErr: c.relErr, mistake: mistake ?? null },
        );
      }
      tf.tidy(() => {
        opt.applyGradients({ [wv.name]: tf.tensor1d(grads[t]) });
      });
      const tfw = wv.dataSync();
      const e = displacementErr(w0, Array.from(got.data), tfw);
      worstTf = Math.max(worstTf, e);
      if (e > TFJS_TOL) fail(`${name}: after step ${t + 1} the update differs from tfjs's built-in by ${fmtNum(e)} (relative, on w_t − w_0; tolerance ${TFJS_TOL})`, { step: t + 1, relErrTfjs: e });
      ws = Array.from(got.data);
      wk = want;
    }
  } finally {
    wv.dispose();
    opt.dispose();
  }
  return { steps: STEPS, weights: n, maxRelErrKey: worstKey, maxRelErrTfjs: worstTf };
}

export const cifarClaims: Claim<CifarContract>[] = [
  {
    ...base,
    id: 'cifar.param-count',
    part: '1',
    points: 2,
    statement: 'the P5.1 network (conv5×5→6, pool, conv5×5→16, pool, fc120, fc84, fc10) has 62,006 learnable parameters',
    answer:
      'conv1 $5\\cdot5\\cdot3\\cdot6+6=456$, conv2 $5\\cdot5\\cdot6\\cdot16+16=2{,}416$, fc1 ($16\\cdot5\\cdot5=400$ inputs after two valid convs and pools: $32\\to28\\to14\\to10\\to5$) $400\\cdot120+120=48{,}120$, fc2 $120\\cdot84+84=10{,}164$, fc3 $84\\cdot10+10=850$: **62,006** parameters.',
    uses: ['cifarParamCount'],
    check(impl) {
      const got = readNumber(impl.cifarParamCount, 'cifarParamCount');
      const tfCount = (() => {
        const net = new LeNet(initLeNetParams({ init: 'he', batchNorm: false, seed: 1 }), false);
        const n = net.trainable().reduce((s, v) => s + v.size, 0);
        net.dispose();
        return n;
      })();
      if (got !== LENET_PARAM_COUNT) {
        const m = recognisedBy(() => recogniseParamCount(got));
        fail(`cifarParamCount: expected ${LENET_PARAM_COUNT} (456 + 2,416 + 48,120 + 10,164 + 850), got ${got}${m ? `\n  ${m}` : ''}`, { got, want: LENET_PARAM_COUNT });
      }
      return { paramCount: got, countedInTfjsModel: tfCount, perLayer: Object.fromEntries(Object.entries(LENET_SHAPES).map(([k, s]) => [k, s.reduce((a, b) => a * b, 1)])) };
    },
  },
  {
    ...base,
    id: 'cifar.sgd-step',
    part: '1',
    points: 2,
    statement: "SGD with momentum 0.9 and weight decay 5e-4 matches the key and tfjs's tf.train.momentum step by step",
    answer:
      'With L2 weight decay λ: $g \\leftarrow \\nabla L + \\lambda w$, $v \\leftarrow \\mu v + g$, $w \\leftarrow w - \\eta v$ (PyTorch `SGD(lr=0.001, momentum=0.9, weight_decay=5e-4)`); the step policy multiplies η by 0.1 every few epochs.',
    uses: ['cifarSgdStep'],
    async check(impl, ctx) {
      const hp = { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 };
      const mk = (step: typeof sgdStep): StepFn => {
        let v: number[] | undefined;
        return (w, g) => {
          const r = step(w, g, v ?? w.map(() => 0), hp);
          v = r.v;
          return r.w;
        };
      };
      let sv: number[] | undefined;
      const student: StepFn = (w, g) => {
        const r = impl.cifarSgdStep(w, g, sv ?? w.map(() => 0), hp);
        sv = Array.from(readTensor(field(r, 'v', 'cifarSgdStep(…)'), 'cifarSgdStep(…).v', [w.length]).data);
        return field(r, 'w', 'cifarSgdStep(…)') as number[];
      };
      // tfjs momentum has no weight decay: give it g + λw computed from its own weights
      let wRef: tf.Variable | undefined;
      const builtin = () => {
        const m = tf.train.momentum(hp.lr, hp.momentum);
        const orig = m.applyGradients.bind(m);
        m.applyGradients = (gs: Parameters<tf.Optimizer['applyGradients']>[0]) => {
          const named = gs as tf.NamedTensorMap;
          const k = Object.keys(named)[0];
          wRef ??= tf.engine().registeredVariables[k];
          orig({ [k]: tf.tidy(() => named[k].add(wRef!.mul(hp.weightDecay))) });
        };
        return m;
      };
      return optimizerTrajectory('cifarSgdStep', ctx.seed, student, mk(sgdStep), Object.fromEntries(Object.entries(SGD_MISTAKES).map(([id, m]) => [id, mk(m.step)])), CIFAR_MISTAKES.sgd, builtin);
    },
  },
  {
    ...base,
    id: 'cifar.he-init',
    part: '2(b)',
    points: 2,
    statement: 'He init σ = √(2/n_l) with n_l the fan-in, for every conv and FC weight of the network',
    answer:
      'Eq. 6, $\\tfrac12 n_l \\mathrm{Var}[w_l]=1$, gives $w_l \\sim \\mathcal N(0, 2/n_l)$ with $n_l = k^2 c_{in}$: conv1 $\\sigma=\\sqrt{2/75}=0.163$, conv2 $\\sqrt{2/150}=0.115$, fc1 $\\sqrt{2/400}=0.0707$, fc2 $\\sqrt{2/120}=0.129$, fc3 $\\sqrt{2/84}=0.154$ (biases 0).',
    uses: ['cifarHeStd'],
    check(impl) {
      const out: Record<string, number> = {};
      const layers = HE_LAYERS;
      for (const [name, shape] of layers) out[name] = readNumber(impl.cifarHeStd([...shape]), `cifarHeStd([${shape}])`);
      const bad = layers.find(([name, shape]) => Math.abs(out[name] - Math.sqrt(2 / fans(shape).fin)) > 1e-12 * Math.sqrt(2 / fans(shape).fin));
      if (bad) {
        const [name, shape] = bad;
        const want = Math.sqrt(2 / fans(shape).fin);
        const named = nameMistake(() => recogniseHeMistake(out));
        fail(`cifarHeStd([${shape}]) (${name}): expected √(2/${fans(shape).fin}) = ${fmtNum(want)}, got ${fmtNum(out[name])}${named ? `\n  ${recognised(named)}` : ''}`, {
          layer: name,
          got: out[name],
          want,
        });
      }
      return { std: out };
    },
  },
  {
    ...base,
    id: 'cifar.variance-propagation',
    part: '2(b)',
    points: 2,
    statement: "at init, σ = 0.01 collapses the forward signal (Var[y_5]/Var[y_1] ≈ Π ½ n_l σ² ≈ 4e-9, eq. 5) while the student's He init keeps it of order 1",
    answer:
      'Measured on a forward pass of 256 N(0,1) images through the network at init: with σ = 0.01 each layer multiplies the variance by $\\tfrac12 n_l\\sigma^2$ (0.0075, 0.02, 0.006, 0.0042), so $\\mathrm{Var}[y_5]/\\mathrm{Var}[y_1]\\approx 4\\times10^{-9}$ and the softmax sees constant logits — the loss stays at $\\ln 10 = 2.3026$ and the gradients vanish too: training stalls at 10%. With He init every factor is 1 in eq. 5; measured $\\mathrm{Var}[y_5]/\\mathrm{Var}[y_1]\\approx 3$ (max pooling keeps the largest of four values, so $E[x^2]$ exceeds $\\tfrac12\\mathrm{Var}[y]$), $4\\times10^{-9}\\to 3$: the signal keeps its scale.',
    uses: ['cifarHeStd'],
    async check(impl, ctx) {
      await initBackend({ quiet: true });
      const measure = (stdOf: (s: number[]) => number) => {
        const net = new LeNet(initLeNetParams({ init: 'he', batchNorm: false, seed: ctx.seed, stdOf }), false);
        const rec: tf.Scalar[] = [];
        tf.tidy(() => {
          net.forward(tf.randomNormal([256, 32, 32, 3], 0, 1, 'float32', ctx.seed % 1000) as tf.Tensor4D, false, [], rec);
        });
        const v = rec.map((t) => t.dataSync()[0]);
        tf.dispose(rec);
        net.dispose();
        return v;
      };
      const small = measure(() => 0.01);
      const he = measure((s) => impl.cifarHeStd(s));
      const fans = [150, 400, 120, 84];
      const predicted = fans.reduce((p, n) => p * 0.5 * n * 1e-4, 1);
      const ratioSmall = small[4] / small[0],
        ratioHe = he[4] / he[0];
      if (!(ratioSmall < 1e-6)) fail(`σ = 0.01: Var[y_5]/Var[y_1] = ${fmtNum(ratioSmall)}, expected a collapse (< 1e-6; eq. 5 predicts ${fmtNum(predicted)})`);
      if (!(ratioHe > HE_RATIO[0] && ratioHe < HE_RATIO[1])) {
        const named = nameMistake(() => recogniseHeMistake(Object.fromEntries(HE_LAYERS.map(([n, sh]) => [n, impl.cifarHeStd([...sh])]))));
        fail(
          `with cifarHeStd as init, Var[y_5]/Var[y_1] = ${fmtNum(ratioHe)}: He init must keep the signal's variance of order 1 (eq. 5 with ½n_l Var[w_l] = 1 predicts 1; max pooling makes the measured ratio ≈ 3; accepted ${HE_RATIO[0]}–${HE_RATIO[1]}); Var[y_l] per layer: ${he.map(fmtNum).join(', ')}${named ? `\n  ${recognised(named)}` : ''}`,
          { ratioHe },
        );
      }
      return { varStd001: small, varHe: he, ratioStd001: ratioSmall, ratioHe, predictedStd001: predicted };
    },
  },
  {
    ...base,
    id: 'cifar.batchnorm',
    part: '3',
    points: 3,
    statement: 'training-mode batch norm normalises each channel over the batch with the biased variance, ε inside the root',
    answer:
      '$\\hat x = (x-\\mu_B)/\\sqrt{\\sigma_B^2+\\epsilon}$, $y=\\gamma\\hat x+\\beta$ per channel, $\\mu_B,\\sigma^2_B$ over the batch (÷M); at test time the running averages replace them. Inserted before each ReLU after conv1, conv2, fc1, fc2 (not fc3).',
    uses: ['cifarBatchNorm'],
    check(impl, ctx) {
      const rng = makeRng(ctx.seed);
      let worst = 0;
      for (let k = 0; k < ctx.runs(6); k++) {
        const M = rng.int(2, 9),
          C = rng.int(1, 6);
        const x = Array.from({ length: M }, () => randVec(rng, C, rng.uniform(0.1, 3)).map((v) => v + rng.uniform(-2, 2)));
        const gamma = randVec(rng, C, 1),
          beta = randVec(rng, C, 1),
          eps = rng.uniform(1e-5, 0.1);
        const got = readTensor(impl.cifarBatchNorm(x, gamma, beta, eps), 'cifarBatchNorm(…)', [M, C]);
        const want = batchNorm(x, gamma, beta, eps);
        const c = compareTensor('y', got, toTensor(want), KEY_TOL);
        worst = Math.max(worst, c.relErr);
        if (!c.pass) {
          const variants = Object.fromEntries(Object.entries(BN_MISTAKES).map(([id, m]) => [id, m.norm(x, gamma, beta, eps).flat()]));
          const mistake = recogniseVariant(Array.from(got.data), variants, CIFAR_MISTAKES.bn);
          fail([`cifarBatchNorm on x ${M}×${C} (ε = ${fmtNum(eps)}):`, `  ${formatComparison(c, 'y')}`, ...(mistake ? [`  ${recognised(mistake)}`] : [])].join('\n'), {
            relErr: c.relErr,
            mistake: mistake ?? null,
          });
        }
      }
      return { cases: ctx.runs(6), maxRelErr: worst };
    },
  },
  {
    ...base,
    id: 'cifar.adam-step',
    part: '4',
    points: 0,
    statement: "own Adam matches the key and tfjs's tf.train.adam step by step (≤ 1e-6)",
    answer: '$m\\leftarrow\\beta_1 m+(1-\\beta_1)g$, $s\\leftarrow\\beta_2 s+(1-\\beta_2)g^2$, $w\\leftarrow w-\\eta\\,\\frac{m/(1-\\beta_1^t)}{\\sqrt{s/(1-\\beta_2^t)}+\\epsilon}$.',
    uses: ['cifarAdamStep'],
    async check(impl, ctx) {
      // β₂ = 0.9, not 0.999: tfjs forms 1 − β₂ᵗ in float32, whose cancellation error at β₂ = 0.999 is ~1e-5
      // relative (measured 6.7e-6 on the update) — a float32 artefact, not a formula difference
      const hp = { lr: 0.01, beta1: 0.8, beta2: 0.9, epsilon: 1e-7 };
      const mk = (step: typeof adamStep): StepFn => {
        let st: AdamState | undefined;
        return (w, g) => {
          const r = step(w, g, st ?? { m: w.map(() => 0), s: w.map(() => 0), t: 0 }, hp);
          st = r.state;
          return r.w;
        };
      };
      let st: AdamState | undefined;
      const student: StepFn = (w, g) => {
        const r = impl.cifarAdamStep(w, g, st ?? { m: w.map(() => 0), s: w.map(() => 0), t: 0 }, hp);
        st = field(r, 'state', 'cifarAdamStep(…)') as AdamState;
        return field(r, 'w', 'cifarAdamStep(…)') as number[];
      };
      const wrongs = Object.fromEntries(Object.entries(ADAM_MISTAKES).map(([id, m]) => [id, mk(m.step)]));
      return optimizerTrajectory('cifarAdamStep', ctx.seed, student, mk(adamStep), wrongs, CIFAR_MISTAKES.adam, () => tf.train.adam(hp.lr, hp.beta1, hp.beta2, hp.epsilon));
    },
  },
  {
    ...base,
    id: 'cifar.rmsprop-step',
    part: '4',
    points: 0,
    statement: "own RMSProp matches the key and tfjs's tf.train.rmsprop step by step (≤ 1e-6)",
    answer: '$s\\leftarrow\\rho s+(1-\\rho)g^2$, $v\\leftarrow\\mu v+\\eta\\,g/\\sqrt{s+\\epsilon}$, $w\\leftarrow w-v$ (tfjs’s non-centred form).',
    uses: ['cifarRmspropStep'],
    async check(impl, ctx) {
      const hp = { lr: 0.01, decay: 0.9, momentum: 0.5, epsilon: 1e-7 };
      const mk = (step: typeof rmspropStep): StepFn => {
        let st: RmspropState | undefined;
        return (w, g) => {
          const r = step(w, g, st ?? { s: w.map(() => 0), v: w.map(() => 0) }, hp);
          st = r.state;
          return r.w;
        };
      };
      let st: RmspropState | undefined;
      const student: StepFn = (w, g) => {
        const r = impl.cifarRmspropStep(w, g, st ?? { s: w.map(() => 0), v: w.map(() => 0) }, hp);
        st = field(r, 'state', 'cifarRmspropStep(…)') as RmspropState;
        return field(r, 'w', 'cifarRmspropStep(…)') as number[];
      };
      const wrongs = Object.fromEntries(Object.entries(RMSPROP_MISTAKES).map(([id, m]) => [id, mk(m.step)]));
      return optimizerTrajectory('cifarRmspropStep', ctx.seed, student, mk(rmspropStep), wrongs, CIFAR_MISTAKES.rmsprop, () => tf.train.rmsprop(hp.lr, hp.decay, hp.momentum, hp.epsilon));
    },
  },
  ...runClaims,
  ...slowClaims,
];
