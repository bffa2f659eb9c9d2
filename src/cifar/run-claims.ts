/**
 * ELEG5491 HW2 P5.1–P5.3 graded from the networks the student trained (src/cifar/artifacts.ts):
 * each run's network is read from their files, checked against the text's LeNet, evaluated on all
 * 10,000 CIFAR-10 test images, and compared with their own log.  No training at grading time.
 */
import type { Claim, CheckContext } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { CIFAR10_HOW_TO_GET, cifar10Dir, loadCifar10Test, type Cifar10Split } from '../data/cifar10.ts';
import { evaluateRun, readLog, type EpochLog, type Evaluated } from './artifacts.ts';
import { RUN_MISTAKES } from './misconceptions.ts';
import type { CifarContract, CifarTrainedRuns } from './contract.ts';
import { PYTORCH_PEER } from './experiment.ts';
import { conv1FiltersPng } from './figures.ts';
import { FIGURES_KEY, type FeedbackFigure } from '../verify/failure.ts';

/** Test accuracy a correct run must reach after 5 epochs (the key: He 57.5%, BN 57.0%; PyTorch 54.9%, 55.8%). */
export const RUN_FLOORS = { he: 0.5, bn: 0.5 };
/** How far the weights' accuracy may be from the log's last epoch (1 point). */
export const LOG_AGREEMENT = 0.01;

type RunId = keyof CifarTrainedRuns;
const LABEL: Record<RunId, string> = { std001: 'P5.1 (σ = 0.01)', he: 'P5.2 (He init)', bn: 'P5.3 (batch norm)' };

let testSet: Cifar10Split | undefined;
/** The CIFAR-10 test set, read once per process; a check without it fails saying how to get it. */
export function cifarTestSet(): Cifar10Split {
  if (!cifar10Dir()) fail(`the CIFAR-10 test set is not on this machine, so the trained network cannot be evaluated. ${CIFAR10_HOW_TO_GET.split('\n')[0]}`);
  try {
    return (testSet ??= loadCifar10Test());
  } catch (e) {
    fail(`the CIFAR-10 test set could not be read: ${(e as Error).message.split('\n')[0]}`);
  }
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/** One run: its log, its network evaluated, and the two agreeing. */
async function gradeRun(impl: CifarContract, ctx: CheckContext, id: RunId): Promise<{ ev: Evaluated; log: EpochLog[] }> {
  if (Array.isArray(impl.cifarTrainedRuns))
    fail(`cifarTrainedRuns must be an object (Python: a dict) with the keys std001, he and bn, each { model, log }; got an array (Python: a list) of ${impl.cifarTrainedRuns.length}`);
  const run = (impl.cifarTrainedRuns as Partial<CifarTrainedRuns> | undefined)?.[id];
  if (!run || typeof run !== 'object')
    fail(`cifarTrainedRuns.${id} is missing: expected { model: "<path>", log: "<path>" } naming the files of your ${LABEL[id]} run, inside your submission's folder`);
  const test = cifarTestSet();
  const log = readLog(ctx.files, run.log, `${LABEL[id]}: the log`);
  const ev = await evaluateRun(ctx.files, run, `${LABEL[id]}: the network`, id === 'bn', test);
  const last = log[log.length - 1];
  if (Math.abs(ev.accuracy - last.testAccuracy) > LOG_AGREEMENT) {
    fail(
      `${LABEL[id]}: the network reaches ${pct(ev.accuracy)} on the 10,000 test images, but its log's last epoch (${last.epoch}) says ${pct(last.testAccuracy)}: ${RUN_MISTAKES['log-not-reproduced']} (they must agree within ${100 * LOG_AGREEMENT} point)`,
      { measured: ev.accuracy, logged: last.testAccuracy },
    );
  }
  return { ev, log };
}

/** The run's conv1 filters drawn from its weights, for the student's feedback (none where they cannot be drawn). */
function conv1Figure(id: RunId, ev: Evaluated): FeedbackFigure[] {
  if (!ev.conv1W) return [];
  try {
    return [{ title: `${LABEL[id]}: your network's conv1 filters (6 RGB 5×5 kernels, each scaled to its own range)`, png: conv1FiltersPng(ev.conv1W).toString('base64') }];
  } catch {
    return [];
  }
}

const evidenceOf = (id: RunId, ev: Evaluated, log: EpochLog[]) => ({
  testAccuracy: ev.accuracy,
  leaderboardValue: Math.round(10_000 * ev.accuracy) / 100,
  format: ev.format,
  parameters: ev.params,
  perEpoch: log.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, testAccuracy: e.testAccuracy })),
  [FIGURES_KEY]: conv1Figure(id, ev),
});

/** A run graded, then held to its floor (He, BN: what a correct LeNet reaches in 5 epochs). */
async function checkFloor(impl: CifarContract, ctx: CheckContext, id: 'he' | 'bn', network: string) {
  const { ev, log } = await gradeRun(impl, ctx, id);
  if (ev.accuracy < RUN_FLOORS[id]) {
    fail(
      `${LABEL[id]}: the network reaches ${pct(ev.accuracy)} on the test set, below the ${100 * RUN_FLOORS[id]}% a correct ${network} reaches in 5 epochs (PyTorch 1.13, same recipe: ${pct(PYTORCH_PEER[id]!)})`,
      { measured: ev.accuracy },
    );
  }
  return evidenceOf(id, ev, log);
}

const base = { course: 'ELEG5491' as const, hw: 'HW2', problem: 5, uses: ['cifarTrainedRuns'] as (keyof CifarContract)[], timeoutMs: 120_000 };

export const runClaims: Claim<CifarContract>[] = [
  {
    ...base,
    id: 'cifar.train-curves',
    part: '1',
    points: 4,
    statement: "the P5.1 network (σ = 0.01 init) as trained by the student: the text's LeNet, its log gives the curves, and its weights reproduce the log's last test accuracy",
    answer:
      "With σ = 0.01 the loss stays at $\\ln 10 \\approx 2.3026$ and test accuracy at 10%: the pre-activation variance falls by ~$10^{-8}$ from conv1 to the logits (eq. 5), so the logits are constant and the gradients reaching the early layers vanish. A stalled run is the expected outcome; a run that learns (the starter code's recipe reaches 57%) is accepted too. The curves are the log's train loss and test accuracy per epoch.",
    async check(impl, ctx) {
      const { ev, log } = await gradeRun(impl, ctx, 'std001');
      const last = log[log.length - 1];
      ctx.note(
        `σ = 0.01 run: ${pct(ev.accuracy)} measured, ${log.length} epochs logged (train loss ${log.map((e) => e.trainLoss.toFixed(3)).join(', ')})${last.testAccuracy < 0.12 ? ': stalled at chance, as the variance collapse predicts' : ''}`,
      );
      return { ...evidenceOf('std001', ev, log), stalled: ev.accuracy < 0.12 };
    },
  },
  {
    ...base,
    id: 'cifar.he-accuracy',
    part: '2(b)',
    points: 2,
    leaderboard: { name: 'P5.2 He init: test accuracy (%)', order: 'desc' },
    statement: `the P5.2 network (He init) as trained by the student: the text's LeNet, ≥ ${100 * RUN_FLOORS.he}% on the 10,000 test images, as its log says`,
    answer: "He init: ≈ 57% after 5 epochs (the key's run; PyTorch 1.13, same recipe: 54.9%), against 10.0% for σ = 0.01 — the design of eq. 6 works.",
    check: (impl, ctx) => checkFloor(impl, ctx, 'he', 'He-init LeNet'),
  },
  {
    ...base,
    id: 'cifar.bn-accuracy',
    part: '3',
    points: 7,
    leaderboard: { name: 'P5.3 batch norm: test accuracy (%)', order: 'desc' },
    statement: `the P5.3 network as trained by the student: batch norm after every conv and FC layer but the last, ≥ ${100 * RUN_FLOORS.bn}% on the 10,000 test images, as its log says`,
    answer: "He init + BN: ≈ 57% after 5 epochs (the key's run; PyTorch 1.13: 55.8%); BN also makes the σ = 0.01 failure impossible, since every layer is renormalised.",
    check: (impl, ctx) => checkFloor(impl, ctx, 'bn', 'batch-norm LeNet'),
  },
];

/** The claims that read the trained networks (they need the CIFAR-10 test set). */
export const RUN_CLAIM_IDS = runClaims.map((c) => c.id);
