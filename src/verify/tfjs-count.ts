/** Building (never running) tfjs models only to read countParams(): do it on the cpu backend. */
import { initBackend, tf } from '../backend.ts';

/**
 * Run `work` on the pure-JS cpu backend, then restore the backend in use.  Counting parameters only
 * builds a model (never runs it); on cpu the zero-initialised weights of a 50M-parameter model cost
 * ~15 ms, on wasm ~500 ms.  The models are disposed inside `work`.
 */
export async function onCpuBackend<T>(work: () => T): Promise<T> {
  await initBackend();
  const prev = tf.getBackend();
  if (prev === 'cpu') return work();
  await tf.setBackend('cpu');
  // the cpu backend prints a "use tfjs-node" banner on its first write; it is only a counting aid here
  const cpu = tf.backend() as unknown as { firstUse?: boolean };
  if (cpu.firstUse) cpu.firstUse = false;
  try {
    return work();
  } finally {
    await tf.setBackend(prev);
  }
}
