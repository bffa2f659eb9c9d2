/**
 * A topic whose check needs a data set from the grading machine (as the CIFAR-10 claims need
 * CIFAR10_DIR): for the grader's specs of a broken grading environment.  Not in the registry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { defineTopic, fail } from '../src/claims/types.ts';

interface EnvContract {
  synthMean(xs: number[]): number;
}

export const envTopic = defineTopic<EnvContract>({
  id: 'envdata',
  title: 'A check that reads a data set from the grading machine',
  contract: { synthMean: { kind: 'function', signature: '(xs: number[]) => number', doc: 'the mean of xs' } },
  reference: { synthMean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length },
  claims: [
    {
      id: 'envdata.mean',
      course: 'CSE891',
      hw: 'HW3',
      problem: 1,
      points: 2,
      statement: 'synthMean gives the mean of the data set in DLSPEC_SYNTH_DATA',
      answer: 'the mean',
      uses: ['synthMean'],
      check(impl) {
        const file = process.env.DLSPEC_SYNTH_DATA ?? '';
        if (!existsSync(file)) throw new Error(`data set not found: set DLSPEC_SYNTH_DATA to a JSON file of numbers (got "${file}")`);
        const xs = JSON.parse(readFileSync(file, 'utf8')) as number[];
        if (!Array.isArray(xs) || xs.length < 3) throw new Error(`data set ${file} is truncated: ${xs.length} numbers`);
        const want = xs.reduce((a, b) => a + b, 0) / xs.length;
        const got = impl.synthMean(xs);
        if (Math.abs(got - want) > 1e-12) fail(`synthMean is wrong: expected ${want}, received ${got}`);
        return { n: xs.length };
      },
    },
  ],
  knownWrong: [],
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const topics: any[] = [envTopic];
