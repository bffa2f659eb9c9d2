import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

// Mutation testing (npm run mutation) runs the default-suite specs of the reference code only:
// the training topics (slow/gpu) are outside its scope, and tags cannot be filtered from config.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['spec/cifar*.spec.ts', 'spec/infogan*.spec.ts', 'spec/training*.spec.ts', 'spec/grading*.spec.ts', 'spec/backend.spec.ts', 'spec/cli.spec.ts', 'node_modules/**'],
    },
  }),
);
