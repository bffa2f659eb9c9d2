/**
 * The digit judge's weights (src/infogan/digit-classifier.ts), trained once and stored as float16 in
 * src/infogan/digit-judge.f16 (≈ 400 KB), so that the claims that judge generated digits read them
 * instead of spending ≈ 20 s training it at every grade.  Training is seeded: the file is what
 * `trainDigitJudge()` gives, rounded to float16.  Prints the stored judge's test accuracy and invariance.
 *   npx tsx scripts/make-digit-judge.mts
 */
import { writeFileSync } from 'node:fs';
import { digitClassifier, float16Bytes, JUDGE_WEIGHTS_FILE, trainDigitJudge } from '../src/infogan/digit-classifier.ts';

const t0 = performance.now();
const w = await trainDigitJudge();
writeFileSync(JUDGE_WEIGHTS_FILE, float16Bytes(w));
const j = await digitClassifier();
console.log(
  `wrote ${JUDGE_WEIGHTS_FILE} in ${((performance.now() - t0) / 1000).toFixed(0)} s; judge (${j.weights}): test accuracy ${(100 * j.testAccuracy).toFixed(2)}%, keeps its verdict under shear ${(100 * j.invariance.shearKept).toFixed(1)}%, stretch ${(100 * j.invariance.scaleKept).toFixed(1)}%`,
);
