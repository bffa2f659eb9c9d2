import { cnnParamsTopic } from '../src/cnnparams/topic.ts';
import { specTopic } from './templates.ts';

// CSE891 HW3 P3.1: parameter count of a 4-conv-layer CNN (assumed architecture: the diagram is missing).
specTopic(cnnParamsTopic);

import { expect, test } from 'vitest';
import { initBackend, tf } from '../src/backend.ts';
import { onCpuBackend } from '../src/verify/tfjs-count.ts';

test('onCpuBackend builds on cpu, restores the backend in use, and runs in place when it is already cpu', async () => {
  await initBackend({ quiet: true });
  const prev = tf.getBackend();
  expect(await onCpuBackend(() => tf.getBackend())).toBe('cpu');
  expect(tf.getBackend()).toBe(prev);
  await tf.setBackend('cpu');
  expect(await onCpuBackend(() => 7)).toBe(7);
  await tf.setBackend(prev);
});
