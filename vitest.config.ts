import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The longest spec files first (seconds of one run on 2 cores, measured 2026-11-23), so that the two
 *  workers finish together: on a fresh clone vitest has no durations of earlier runs to sort by, and
 *  its fallback order left a grading spec for the end (64 s instead of 56 s measured). Files not
 *  listed follow, larger ones first (vitest's own fallback). */
const EXPECTED_SECONDS: Record<string, number> = {
  'gradescope-install.spec.ts': 45, // npm ci of the bundle (≈ 20 s), then four grades
  'gpu-smoke.spec.ts': 30, // WebGPU on llvmpipe (CI installs it): shader compiles and the paper InfoGAN's steps
  'grading-robustness.spec.ts': 17,
  'grading.spec.ts': 13.5,
  'grading-adversarial.spec.ts': 9,
  'infogan.spec.ts': 7,
  'grading-batch.spec.ts': 7.4,
  'grading-units.spec.ts': 7,
  'cifar-training.spec.ts': 6.8,
  'rnn-bptt.spec.ts': 5.5,
  'heinit.spec.ts': 5.5,
  'grading-cli.spec.ts': 4.3,
  'grading-callbacks.spec.ts': 3.5,
  'cifar.spec.ts': 3,
  'autoencoder.spec.ts': 2.5,
  'infogan-engine.spec.ts': 1.8,
  'statistics.spec.ts': 1.7,
  'lstm.spec.ts': 1,
};

/** The same for `npm run test:slow` (2026-11-23, one core each): the InfoGAN training (≈ 22 min) on one
 *  core, CIFAR's three trainings (one after another in a worker thread, CIFAR_CONCURRENT=1, ≈ 9 min) and
 *  then the grader's per-fixture grades (≈ 4 min) on the other. */
const EXPECTED_SLOW_SECONDS: Record<string, number> = {
  'infogan.spec.ts': 1400,
  'cifar.spec.ts': 560,
  'grading.spec.ts': 260,
};
const slowRun = process.argv.some((a, i) => a === '--tagsFilter=slow' || (a === '--tagsFilter' && process.argv[i + 1] === 'slow'));

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const table = slowRun ? EXPECTED_SLOW_SECONDS : EXPECTED_SECONDS;
    const rank = (f: TestSpecification): number => table[path.basename(f.moduleId)] ?? 0;
    return [...base].sort((a, b) => rank(b) - rank(a)); // stable: the rest keep vitest's order
  }
}

// Tags: the default suite (`npm test`) runs `--tagsFilter '!slow && !gpu'`.
//  - slow: long CPU training (`npm run test:slow`), minutes.
//  - gpu:  full-size training on a GPU: tfjs-node-gpu or WebGPU (`npm run test:gpu`).
export default defineConfig({
  test: {
    include: ['spec/**/*.spec.ts'],
    // two workers on CI's two cores (vitest's default is availableParallelism − 1 = one): the
    // grader's integration specs mostly wait on child processes, so the topics run beside them
    maxWorkers: 2,
    // the spec files of a worker share its modules: tfjs, the wasm backend and the registry load
    // once per worker instead of once per file (measured: 20 s of "import" time → 7 s); files
    // must not leave state behind (environment variables are restored, the backend re-chosen)
    isolate: false,
    sequence: { sequencer: LongestFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    strictTags: true,
    tags: [
      { name: 'slow', description: 'long CPU training; run with npm run test:slow', timeout: 45 * 60_000 },
      { name: 'gpu', description: 'full-size training on a GPU (tfjs-node-gpu or WebGPU); run with npm run test:gpu', timeout: 6 * 3600_000 },
      { name: 'known-wrong', description: 'a known-wrong implementation must be rejected by its claims' },
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text', 'json-summary'],
    },
  },
});
