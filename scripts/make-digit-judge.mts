/**
 * The digit judge's weights (src/infogan/digit-classifier.ts), trained once and stored as float16 in
 * src/infogan/digit-judge.f16 (≈ 400 KB), so that the claims that judge generated digits read them
 * instead of spending ≈ 20 s training it at every grade.  Training is seeded: the file is what
 * `trainDigitJudge()` gives in a fresh process, rounded to float16 (its kernels' float sums decide the
 * trajectory).  Prints the stored judge's test accuracy and invariance.  With `--out FILE` it writes
 * the weights there instead and prints nothing else (the slow spec compares them with the stored file).
 *   npx tsx scripts/make-digit-judge.mts [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { digitClassifier, float16Bytes, JUDGE_WEIGHTS_FILE, trainDigitJudge } from '../src/infogan/digit-classifier.ts';

const t0 = performance.now();
const out = process.argv.indexOf('--out');
const w = await trainDigitJudge();
if (out > 0) {
  writeFileSync(process.argv[out + 1], float16Bytes(w));
  process.exit(0);
}
writeFileSync(JUDGE_WEIGHTS_FILE, float16Bytes(w));
const j = await digitClassifier();
console.log(
  `wrote ${JUDGE_WEIGHTS_FILE} in ${((performance.now() - t0) / 1000).toFixed(0)} s; judge (${j.weights}): test accuracy ${(100 * j.testAccuracy).toFixed(2)}%, keeps its verdict under shear ${(100 * j.invariance.shearKept).toFixed(1)}%, stretch ${(100 * j.invariance.scaleKept).toFixed(1)}%`,
);
