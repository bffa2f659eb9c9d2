/**
 * Every topic of the answer key, in homework order.  A topic added here is picked up by the
 * answer key, the grader and the listing; its spec file is one line (spec/<topic>.spec.ts).
 */
import type { Topic } from './types.ts';
import { rnnTopic } from '../rnn/topic.ts';
import { cifarTopic } from '../cifar/topic.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const topics: Topic<any>[] = [rnnTopic, cifarTopic];

export function topicById(id: string): Topic<unknown> {
  const t = topics.find((x) => x.id === id);
  if (!t) throw new Error(`unknown topic "${id}"; known: ${topics.map((x) => x.id).join(', ')}`);
  return t as Topic<unknown>;
}
