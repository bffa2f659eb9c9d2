/**
 * ELEG5491 HW2 P3 (10 points): AlexNet's two GPUs.  Both answers are derived from the graph
 * (graph.ts): the synchronisation stages from its cross-GPU edges, the parameter count from its
 * nodes (and a tfjs model built from the same graph).
 */
import type { Claim } from '../claims/types.ts';
import { fail } from '../claims/types.ts';
import { readNumber } from '../verify/read.ts';
import { describe } from '../verify/tensor.ts';
import { ALEXNET_STAGES, type AlexnetContract, type AlexnetStage } from './contract.ts';
import { ALEXNET_GRAPH, analyse, crossGpuEdges, graphParamCount, syncStages } from './graph.ts';
import { recogniseCount, UNGROUPED_COUNT } from './misconceptions.ts';
import { nameMistake } from '../verify/failure.ts';
import { tfjsAlexnetParamCount } from './tfjs.ts';

const refs = { course: 'ELEG5491', hw: 'HW2', problem: 3 } as const;

/** Accept "conv3", "Conv 3", "CONV3", "fc6", "FC-6"; anything else is a clear error. */
export function readStages(v: unknown): AlexnetStage[] {
  if (!Array.isArray(v)) fail(`alexnetSyncStages: expected an array of stage names (conv1–conv5, fc6–fc8), got ${describe(v)}`);
  return v.map((s, i) => {
    if (typeof s !== 'string') fail(`alexnetSyncStages[${i}]: expected a stage name, got ${describe(s)}`);
    const k = s.toLowerCase().replace(/[\s_-]/g, '');
    if (!(ALEXNET_STAGES as readonly string[]).includes(k)) fail(`alexnetSyncStages[${i}] = "${s}" is not a stage name; use ${ALEXNET_STAGES.join(', ')}`);
    return k as AlexnetStage;
  });
}

const explainIn = (stage: AlexnetStage): string => {
  const e = crossGpuEdges(ALEXNET_GRAPH).filter((x) => x.stage === stage);
  return `${stage} needs both GPUs: ${e.map((x) => `${x.to} reads ${x.from}`).join(', ')}`;
};
const explainOut = (stage: AlexnetStage): string => {
  const nodes = ALEXNET_GRAPH.filter((n) => n.op !== 'input' && n.stage === stage);
  const reads = nodes.map((n) => (n.op === 'input' ? '' : `${n.id} reads only ${n.inputs.join(', ')}`)).join('; ');
  return `${stage} does not need the GPUs to exchange data: ${reads}${stage === 'conv1' ? ' (the image is given to both GPUs)' : ' (its kernels connect only to the maps on the same GPU)'}`;
};

export const alexnetClaims: Claim<AlexnetContract>[] = [
  {
    id: 'alexnet.sync-stages',
    ...refs,
    points: 10,
    statement: 'the two GPUs must exchange data at conv3, fc6, fc7 and fc8 — the stages with an edge from the other GPU in the two-column graph',
    answer:
      'At the stages whose inputs come from **both** columns: **conv3** (its kernels take all 256 conv2 maps, 128 from each GPU), ' +
      '**fc6**, **fc7** and **fc8** (fully connected to both halves of the previous layer). conv1 (the image is copied to both GPUs), ' +
      'conv2, conv4 and conv5 (kernels connected only to the maps on their own GPU) need no communication.',
    uses: ['alexnetSyncStages'],
    check(impl) {
      const want = syncStages(ALEXNET_GRAPH);
      const got = new Set(readStages(impl.alexnetSyncStages));
      const extra = ALEXNET_STAGES.filter((s) => got.has(s) && !want.includes(s));
      const missing = want.filter((s) => !got.has(s));
      if (extra.length || missing.length) {
        fail(
          [
            `The synchronisation stages are wrong: you gave [${[...got].join(', ')}], the graph needs [${want.join(', ')}].`,
            ...extra.map((s) => `  ${explainOut(s)}`),
            ...missing.map((s) => `  missing: ${explainIn(s)}`),
          ].join('\n'),
          { extra, missing },
        );
      }
      return { stages: want.join(', '), crossGpuEdges: crossGpuEdges(ALEXNET_GRAPH).map((e) => `${e.from} → ${e.to}`) };
    },
  },
  {
    id: 'alexnet.param-count',
    ...refs,
    points: 0,
    statement: 'the two-column (grouped) AlexNet has 60,965,224 parameters (the paper’s “60 million”), equal to a tfjs model built from the same graph',
    answer:
      'Summed over the graph: conv1 34,944; conv2 307,456; conv3 885,120; conv4 663,936; conv5 442,624; fc6 37,752,832; fc7 16,781,312; fc8 4,097,000 — ' +
      `**60,965,224**. Without the grouping (conv2, conv4, conv5 reading both GPUs) it would be ${UNGROUPED_COUNT.toLocaleString('en-US')}. ` +
      '(Not asked by the homework: a supporting claim, 0 points.)',
    uses: ['alexnetParamCount'],
    async check(impl) {
      const want = graphParamCount(ALEXNET_GRAPH);
      const t0 = performance.now();
      const tf = await tfjsAlexnetParamCount(ALEXNET_GRAPH);
      const ms = performance.now() - t0;
      if (tf !== want) fail(`internal: the graph gives ${want}, the tfjs model ${tf}`);
      const got = readNumber(impl.alexnetParamCount, 'alexnetParamCount');
      if (got !== want) {
        const why = nameMistake(() => recogniseCount(got));
        fail(`alexnetParamCount is wrong: the two-GPU network has ${want.toLocaleString('en-US')} parameters, you gave ${got.toLocaleString('en-US')}${why ? ` — ${why}` : ''}`);
      }
      const perStage: Record<string, number> = {};
      for (const i of analyse(ALEXNET_GRAPH).values()) if (i.node.op !== 'input') perStage[i.node.stage] = (perStage[i.node.stage] ?? 0) + i.weights + i.biases;
      return { params: want, tfjsCountParams: tf, tfjsBuildMs: Math.round(ms), ungrouped: UNGROUPED_COUNT, perStage };
    },
  },
];
