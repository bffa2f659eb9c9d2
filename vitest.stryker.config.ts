import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

// Mutation testing (npm run mutation) runs the default-suite specs against each mutated reference (not the
// deployment specs, which build kits and bundles outside the mutant's sandbox):
// the training runs (slow/gpu) are outside its scope; tags cannot be filtered from config, so
// DLSPEC_UNTAGGED_ONLY=1 keeps them from being declared (spec/cifar.spec.ts's optimizer, batch-norm
// and counting claims do run).
// Each claim runs a quarter of its random cases (its hand-picked examples all), and of the known-wrong
// block only the rejections run (they cover the mistake variants the diagnosis computes).
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'spec/cifar-training*.spec.ts',
        'spec/infogan*.spec.ts',
        'spec/training*.spec.ts',
        'spec/grading*.spec.ts',
        'spec/backend.spec.ts',
        'spec/cli.spec.ts',
        'spec/student-kit.spec.ts',
        'spec/gradescope-install.spec.ts',
        'node_modules/**',
      ],
      // modules stay loaded between mutants (mutant switching is a run-time flag): no re-import of tfjs per file
      isolate: false,
      env: { DLSPEC_RUN_SCALE: '0.25', DLSPEC_KNOWN_WRONG: 'rejections', DLSPEC_UNTAGGED_ONLY: '1' },
    },
  }),
);
