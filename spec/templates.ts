/**
 * Generic spec templates.  A spec file is one line — `specTopic(topic)` — and this turns every
 * declared claim into a vitest test (tags and points in its meta), run against the reference or,
 * with DLSPEC_SUBMISSION set, against a student's module.  Against the reference it also proves
 * the key can fail: every known-wrong fixture must be rejected by its claims, the mistake named.
 */
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runClaim, makeContext } from '../src/claims/run.ts';
import { REFERENCE_SUBMISSION } from '../src/grading/fixtures.ts';
import type { Evidence, Topic } from '../src/claims/types.ts';
import { loadModule, subjectFromEnv } from '../src/grading/subject.ts';

declare module 'vitest' {
  interface TaskMeta {
    claimId?: string;
    points?: number;
    course?: string;
    problem?: number;
    part?: string;
    alsoIn?: string;
    evidence?: Evidence;
    mode?: string;
  }
}

/**
 * DLSPEC_RUN_SCALE (a number in (0, 1]) scales every claim's number of random cases, and
 * DLSPEC_KNOWN_WRONG=rejections keeps of the known-wrong block only the rejections (not the check that
 * every other claim still passes): mutation testing (vitest.stryker.config.ts) runs the specs against
 * each mutated reference, where a first failing case is all it needs, and the rejections still cover
 * the mistake variants the diagnosis computes from reference code.
 */
function runScaleFromEnv(): number {
  const raw = process.env.DLSPEC_RUN_SCALE;
  if (raw === undefined || raw === '') return 1;
  const v = Number(raw);
  if (!(v > 0 && v <= 1)) throw new Error(`DLSPEC_RUN_SCALE should be a number in (0, 1], got '${raw}'`);
  return v;
}

export function specTopic<C>(topic: Topic<C>): void {
  const choice = subjectFromEnv();
  // DLSPEC_UNTAGGED_ONLY=1 (mutation testing): no slow/gpu claim or tagged rejection is declared at all
  // — vitest's tag filter is a CLI option, and a spec that mixes default and training claims must
  // still run its default part under Stryker
  const untaggedOnly = process.env.DLSPEC_UNTAGGED_ONLY === '1';
  const runScale = runScaleFromEnv();
  describe(topic.title, () => {
    let impl: Partial<C> = topic.reference;
    beforeAll(async () => {
      if (choice.entry) impl = (await loadModule(choice.entry)) as Partial<C>;
    });
    for (const claim of topic.claims) {
      if (untaggedOnly && claim.tags?.length) continue;
      test(
        `${claim.id}: ${claim.statement}`,
        {
          tags: claim.tags ?? [],
          meta: {
            claimId: claim.id,
            points: claim.points,
            course: claim.course,
            problem: claim.problem,
            part: claim.part,
            alsoIn: (claim.alsoIn ?? []).map((r) => `${r.course} ${r.hw} P${r.problem}${r.part ? `.${r.part}` : ''} (${r.points})`).join('; '),
            mode: choice.mode,
          },
        },
        async ({ task }) => {
          const r = await runClaim(
            claim,
            impl,
            topic.contract,
            makeContext({ seed: choice.seed, mode: choice.mode, runScale, filesRoot: choice.entry ? path.dirname(choice.entry) : REFERENCE_SUBMISSION }),
          );
          task.meta.evidence = r.evidence;
          if (!r.passed) expect.fail(`${claim.id} failed:\n${r.message}`);
        },
      );
    }
    if (choice.mode === 'reference' && topic.knownWrong.length) {
      const onlyRejections = process.env.DLSPEC_KNOWN_WRONG === 'rejections';
      describe('known-wrong implementations are rejected, with the mistake named', () => {
        for (const [i, w] of topic.knownWrong.entries()) {
          const claimOf = (id: string) => topic.claims.find((c) => c.id === id)!;
          // tagged (slow/gpu) rejecting claims train for real: each runs under its own tags, unless the
          // fixture makes them fail at once (stand-in models) and asks for the default suite
          const deferred = w.taggedRejections === 'default' ? [] : w.rejectedBy.filter((id) => claimOf(id).tags?.length);
          // a fixture's files (a trained network) are read from its own folder, then from the key's
          const fixtureFiles = [path.resolve(path.dirname(w.file)), REFERENCE_SUBMISSION];
          const now = w.rejectedBy.filter((id) => !deferred.includes(id));
          const rejects = async (mod: Partial<C>, id: string): Promise<string> => {
            const r = await runClaim(claimOf(id), mod, topic.contract, makeContext({ seed: choice.seed, filesRoot: fixtureFiles }));
            expect(r.passed, `${id} must reject ${w.mistake}`).toBe(false);
            expect(r.message, `${id}'s message must name the mistake`).toContain(w.named);
            return r.message;
          };
          /** …and it loses exactly those points: every other claim it can answer still passes
           *  (checked on a tenth of the cases) */
          const losesNothingElse = async (mod: Partial<C>): Promise<void> => {
            for (const claim of topic.claims) {
              if (w.rejectedBy.includes(claim.id) || claim.tags?.length) continue;
              if (!claim.uses.every((u) => u in (mod as object))) continue;
              const r = await runClaim(claim, mod, topic.contract, makeContext({ seed: choice.seed, runScale: 0.1, thorough: false, filesRoot: fixtureFiles }));
              expect(r.passed, `${w.mistake} should lose only ${w.rejectedBy.join(', ')}, but ${claim.id} failed too:\n${r.message}`).toBe(true);
            }
          };
          // the default suite checks "nothing else lost" for each topic's first fixture; every
          // fixture under `slow` (it reruns the topic's other claims: ~10 s of the default suite's CPU)
          const first = i === 0 && !onlyRejections;
          test(
            `${w.mistake} (${w.file}) is rejected by ${now.length ? now.join(', ') : '(only tagged claims, see below)'}${first ? ', and loses nothing else' : ''}`,
            { tags: ['known-wrong'] },
            async ({ task }) => {
              const mod = (await loadModule(w.file)) as Partial<C>;
              const messages: Record<string, string> = {};
              for (const id of now) messages[id] = await rejects(mod, id);
              if (first) await losesNothingElse(mod);
              task.meta.evidence = messages;
            },
          );
          if (i > 0 && !onlyRejections && !untaggedOnly) {
            test(`${w.mistake} (${w.file}) loses nothing else`, { tags: ['known-wrong', 'slow'] }, async () => {
              await losesNothingElse((await loadModule(w.file)) as Partial<C>);
            });
          }
          for (const id of untaggedOnly ? [] : deferred) {
            test(`${w.mistake} (${w.file}) is rejected by ${id}`, { tags: ['known-wrong', ...claimOf(id).tags!] }, async ({ task }) => {
              const mod = (await loadModule(w.file)) as Partial<C>;
              task.meta.evidence = { [id]: await rejects(mod, id) };
            });
          }
        }
      });
    }
  });
}
