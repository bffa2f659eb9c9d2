/**
 * The full ELEG5491 HW2 P5 experiment: train each variant (≥ 5 epochs on all 50,000 images),
 * resumable (one checkpoint per variant under `<out>/ckpt/`; a finished variant's result is
 * kept in `<out>/result-<variant>.json` and reused), then write the figures and the results table:
 *   <out>/curves.png            training loss + test accuracy, all variants on one chart
 *   <out>/conv1-<variant>.png   the learned conv1 filters
 *   <out>/results.json, results.md
 * Run: `npx tsx scripts/cifar-experiment.mts [variant …]` (env: CIFAR_EPOCHS, CIFAR_WORKERS, CIFAR_OUT).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCifar10, type Cifar10 } from '../data/cifar10.ts';
import { writeConv1Delta, writeConv1Filters, writeCurves } from './figures.ts';
import { initLeNetParams } from './lenet.ts';
import { trainCifar, VARIANTS, type TrainResult, type VariantId } from './train.ts';

/** PyTorch 1.13 CPU on this CIFAR-10, batch 32, same hyperparameters, LR ×0.1 after epoch 4, 5 epochs */
export const PYTORCH_PEER: Partial<Record<VariantId, number>> = { 'std0.01': 0.1, he: 0.549, bn: 0.558 };

export interface ExperimentOptions {
  variants: VariantId[];
  epochs: number;
  workers: number;
  outDir: string;
  batchSize?: number;
  log?: (line: string) => void;
  data?: Cifar10;
  /** smoke runs: first n images */
  trainLimit?: number;
  testLimit?: number;
}

type Stored = Omit<TrainResult, 'conv1W'> & { conv1W: number[] };

export async function runCifarExperiment(o: ExperimentOptions): Promise<TrainResult[]> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  mkdirSync(o.outDir, { recursive: true });
  const data = o.data ?? loadCifar10();
  const results: TrainResult[] = [];
  for (const id of o.variants) {
    const file = path.join(o.outDir, `result-${id}.json`);
    if (existsSync(file)) {
      const s = JSON.parse(readFileSync(file, 'utf8')) as Stored;
      if (s.completed && s.epochs.length >= o.epochs) {
        log(`[cifar ${id}] reusing ${file} (${s.epochs.length} epochs)`);
        results.push({ ...s, conv1W: Float32Array.from(s.conv1W) });
        continue;
      }
    }
    const r = await trainCifar(data, {
      variant: VARIANTS[id],
      epochs: o.epochs,
      batchSize: o.batchSize ?? 32,
      workers: o.workers,
      trainLimit: o.trainLimit,
      testLimit: o.testLimit,
      checkpointDir: path.join(o.outDir, 'ckpt', id),
      checkpointEvery: 200,
      measureVariance: true,
      log,
      logEvery: 50,
    });
    for (const e of r.epochs) log(`[cifar ${id}] epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, test acc ${(100 * e.testAcc).toFixed(2)}%, ${Math.round(e.imgPerSec)} img/s`);
    writeFileSync(file, JSON.stringify({ ...r, conv1W: Array.from(r.conv1W) }, null, 1));
    writeConv1Filters(r.conv1W, path.join(o.outDir, `conv1-${id}.png`));
    writeConv1Delta(r.conv1W, initLeNetParams({ init: VARIANTS[id].init, batchNorm: VARIANTS[id].batchNorm, seed: 1 }).conv1W, path.join(o.outDir, `conv1-${id}-change.png`));
    results.push(r);
  }
  await writeReport(results, o.outDir);
  return results;
}

export function resultsMarkdown(results: TrainResult[]): string {
  const maxE = Math.max(...results.map((r) => r.epochs.length));
  const head = `| variant | ${Array.from({ length: maxE }, (_, i) => `epoch ${i + 1}`).join(' | ')} | PyTorch 1.13 (5 ep.) | img/s |`;
  const sep = `|---|${'---|'.repeat(maxE)}---|---|`;
  const rows = results.map((r) => {
    const cells = Array.from({ length: maxE }, (_, i) => {
      const e = r.epochs[i];
      return e ? `${(100 * e.testAcc).toFixed(2)}% (loss ${e.trainLoss.toFixed(3)})` : '';
    });
    const peer = PYTORCH_PEER[r.variant];
    return `| ${r.label} | ${cells.join(' | ')} | ${peer !== undefined ? `${(100 * peer).toFixed(1)}%` : '—'} | ${Math.round(r.imgPerSec)} |`;
  });
  return ['Test accuracy (train loss) after each epoch; batch 32, LR ×0.1 after epoch 4.', '', head, sep, ...rows, ''].join('\n');
}

export async function writeReport(results: TrainResult[], outDir: string): Promise<void> {
  if (!results.length) return;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    path.join(outDir, 'results.json'),
    JSON.stringify(
      results.map((r) => ({ ...r, conv1W: undefined, pytorchPeer: PYTORCH_PEER[r.variant] ?? null })),
      null,
      1,
    ),
  );
  writeFileSync(path.join(outDir, 'results.md'), resultsMarkdown(results));
  await writeCurves(results, path.join(outDir, 'curves.png'));
}
