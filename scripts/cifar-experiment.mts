/**
 * The CIFAR-10 experiment of ELEG5491 HW2 P5 with progress lines and checkpoints: trains the named
 * variants (all five when none is named) and writes results.json, results.md and the figures.
 *   npx tsx scripts/cifar-experiment.mts [variant …]   (env: CIFAR_EPOCHS, CIFAR_WORKERS, CIFAR_OUT)
 */
import { runCifarExperiment } from '../src/cifar/experiment.ts';
import { VARIANTS, type VariantId } from '../src/cifar/train.ts';

const named = process.argv.slice(2);
const unknown = named.filter((v) => !(v in VARIANTS));
if (unknown.length) {
  console.error(`cifar-experiment: unknown variant ${unknown.join(', ')}; expected some of ${Object.keys(VARIANTS).join(', ')}`);
  process.exit(2);
}
await runCifarExperiment({
  variants: (named.length ? named : ['he', 'bn', 'std0.01', 'adam-aug', 'rmsprop-aug']) as VariantId[],
  epochs: Number(process.env.CIFAR_EPOCHS ?? 5),
  workers: Number(process.env.CIFAR_WORKERS ?? 0),
  outDir: process.env.CIFAR_OUT ?? 'out/cifar',
});
