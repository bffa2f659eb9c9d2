import { describe, expect, test } from 'vitest';
import { makeContext, runClaim } from '../src/claims/run.ts';
import type { MlpContract } from '../src/mlp/contract.ts';
import { mlpTopic } from '../src/mlp/topic.ts';
import { specTopic } from './templates.ts';

// CIE6032 HW2 P3 = ELEG5491 HW2 P4: parameters, SGD multiplications, path enumeration of an MLP.
specTopic(mlpTopic);

// hidden and output biases are named apart: a right term is never reported as an extra one
describe('mlp.param-count names the bias term that is wrong', () => {
  const claim = mlpTopic.claims.find((c) => c.id === 'mlp.param-count')!;
  const message = async (formula: string) => (await runClaim(claim, { mlpParamCountFormula: formula } as Partial<MlpContract>, mlpTopic.contract, makeContext({ seed: 1 }))).message;
  test('output biases forgotten: only the output biases c are missing', async () => {
    const m = await message('d*n + (L-1)*n^2 + n*c + L*n');
    expect(m).toContain('missing the output biases c');
    expect(m).not.toContain('extra term');
    expect(m).not.toContain('hidden-layer biases');
  });
  test('hidden biases forgotten: only the hidden-layer biases L·n are missing', async () => {
    const m = await message('d*n + (L-1)*n^2 + n*c + c');
    expect(m).toContain('missing the hidden-layer biases L·n');
    expect(m).not.toContain('extra term');
    expect(m).not.toContain('output biases');
  });
  test('both forgotten: the biases L·n + c, named once', async () => {
    const m = await message('d*n + (L-1)*n^2 + n*c');
    expect(m).toContain('missing the biases L·n + c');
    expect(m).not.toContain('hidden-layer biases');
  });
});
