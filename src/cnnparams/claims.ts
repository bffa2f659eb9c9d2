/**
 * CSE891 HW3 P3.1 (1 point): the parameter count of a 4-conv-layer CNN on 224×224×3 input.
 * The generic counter is proven equal to tfjs countParams() on random architectures; the
 * homework's number is the counter on the assumed architecture (the diagram is missing).
 */
import type { Claim } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { fc, forAll } from '../verify/property.ts';
import { readNumber } from '../verify/read.ts';
import type { CnnArch, CnnLayer, CnnParamsContract } from './contract.ts';
import { diagnoseCount } from './misconceptions.ts';
import { CNN_ASSUMED_ARCH, cnnParamCount, cnnParamTable } from './reference.ts';
import { tfjsCnnParamCount } from './tfjs.ts';

const refs = { course: 'CSE891', hw: 'HW3', problem: 3, part: '1' } as const;

export const showArch = (a: CnnArch): string =>
  `${a.input.join('×')} → ` +
  a.layers
    .map((l) =>
      l.kind === 'conv'
        ? `conv${l.kernel}-${l.filters}(pad ${l.padding}${l.stride && l.stride !== 1 ? `, stride ${l.stride}` : ''}${l.bias === false ? ', no bias' : ''})`
        : l.kind === 'pool'
          ? `maxpool ${l.size}/${l.stride}`
          : `FC-${l.units}${l.bias === false ? '(no bias)' : ''}`,
    )
    .join(' → ');

const convArb: fc.Arbitrary<CnnLayer> = fc.record({
  kind: fc.constant('conv' as const),
  filters: fc.integer({ min: 1, max: 8 }),
  kernel: fc.constantFrom(1, 3, 5),
  padding: fc.integer({ min: 0, max: 2 }),
  stride: fc.integer({ min: 1, max: 2 }),
  bias: fc.boolean(),
});
const poolArb: fc.Arbitrary<CnnLayer> = fc.record({ kind: fc.constant('pool' as const), size: fc.integer({ min: 2, max: 3 }), stride: fc.integer({ min: 1, max: 2 }) });
const denseArb: fc.Arbitrary<CnnLayer> = fc.record({ kind: fc.constant('dense' as const), units: fc.integer({ min: 1, max: 12 }), bias: fc.boolean() });

/** Random valid architectures: 1–4 conv blocks (each maybe followed by a pool), then 0–2 dense layers. */
export const archArb: fc.Arbitrary<CnnArch> = fc
  .record({
    h: fc.integer({ min: 4, max: 24 }),
    w: fc.integer({ min: 4, max: 24 }),
    ch: fc.integer({ min: 1, max: 4 }),
    blocks: fc.array(fc.tuple(convArb, fc.option(poolArb, { nil: undefined })), { minLength: 1, maxLength: 4 }),
    dense: fc.array(denseArb, { maxLength: 2 }),
  })
  .map(({ h, w, ch, blocks, dense }) => ({
    input: [h, w, ch] as [number, number, number],
    layers: [...blocks.flatMap(([c, p]) => (p ? [c, p] : [c])), ...dense],
  }))
  .filter((a) => {
    try {
      cnnParamTable(a);
      return true;
    } catch {
      return false;
    }
  });

export const cnnParamsClaims: Claim<CnnParamsContract>[] = [
  {
    id: 'cnnparams.counter',
    ...refs,
    points: 0.5,
    statement: 'a generic parameter counter (k×k conv with padding, pools, dense, biases) equals tfjs countParams() on random architectures',
    answer:
      'A $k\\times k$ conv from $C_{in}$ to $C_{out}$ channels has $k^2C_{in}C_{out}+C_{out}$ parameters; pools have none but shrink the map ' +
      '($\\lfloor (h-s)/t\\rfloor+1$); the first dense layer after the convolutions has $h\\,w\\,C\\cdot$units weights (+ units biases); ' +
      'a conv with padding $p$ and stride $t$ maps $h$ to $\\lfloor (h+2p-k)/t\\rfloor+1$.',
    uses: ['cnnParamCount'],
    async check(impl, ctx) {
      const rep = await forAll(
        archArb,
        async (arch) => {
          const want = await tfjsCnnParamCount(arch);
          if (cnnParamCount(arch) !== want) fail(`internal: the key's counter gives ${cnnParamCount(arch)}, tfjs ${want} on ${showArch(arch)}`);
          const got = readNumber(impl.cnnParamCount(structuredClone(arch)), 'cnnParamCount(arch)');
          if (got !== want) {
            fail(
              [
                `cnnParamCount is wrong: expected ${want.toLocaleString('en-US')} parameters (tfjs countParams), got ${got.toLocaleString('en-US')}`,
                ...diagnoseCount(arch, got, want).map((l) => `  ${l}`),
              ].join('\n'),
            );
          }
          return { params: want };
        },
        { numRuns: ctx.runs(20), seed: ctx.seed, show: showArch },
      );
      return { cases: rep.cases, largest: rep.worst.params };
    },
  },
  {
    id: 'cnnparams.total',
    ...refs,
    points: 0.5,
    statement: 'the assumed 4-conv-layer network on 224×224×3 has 51,779,914 parameters (tfjs countParams of the built model agrees)',
    answer:
      '**Assumed architecture** (the diagram is missing from the text): 224×224×3 → Conv3-32 → MaxPool → Conv3-64 → MaxPool → Conv3-128 → MaxPool → ' +
      'Conv3-256 → MaxPool → FC-1024 → FC-10; padding 1 keeps $h\\times w$, each pool halves it: 224 → 112 → 56 → 28 → 14.\n\n' +
      '| layer | output | weights | biases | params |\n|---|---|---|---|---|\n' +
      cnnParamTable(CNN_ASSUMED_ARCH)
        .map((r) => `| ${r.layer} | ${r.output.join('×')} | ${r.weights.toLocaleString('en-US')} | ${r.biases.toLocaleString('en-US')} | ${r.params.toLocaleString('en-US')} |`)
        .join('\n') +
      `\n\nTotal **${cnnParamCount(CNN_ASSUMED_ARCH).toLocaleString('en-US')}** parameters (99.2% of them in FC-1024: $14\\cdot14\\cdot256\\cdot1024+1024$).`,
    uses: ['cnnParamTotal'],
    async check(impl) {
      const want = cnnParamCount(CNN_ASSUMED_ARCH);
      const t0 = performance.now();
      const tf = await tfjsCnnParamCount(CNN_ASSUMED_ARCH);
      const tfMs = performance.now() - t0;
      if (tf !== want) fail(`internal: the key's counter gives ${want}, the built tfjs model ${tf}`);
      const got = readNumber(impl.cnnParamTotal, 'cnnParamTotal');
      if (got !== want) {
        fail(
          [
            `cnnParamTotal is wrong: the assumed network (${showArch(CNN_ASSUMED_ARCH)}) has ${want.toLocaleString('en-US')} parameters, you gave ${got.toLocaleString('en-US')}`,
            ...diagnoseCount(CNN_ASSUMED_ARCH, got, want).map((l) => `  ${l}`),
          ].join('\n'),
        );
      }
      return {
        params: want,
        tfjsCountParams: tf,
        tfjsBuildMs: Math.round(tfMs),
        table: cnnParamTable(CNN_ASSUMED_ARCH).map((r) => ({ layer: r.layer, output: r.output.join('x'), params: r.params })),
      };
    },
  },
];
