/**
 * Every topic of the answer key, in homework order.  A topic added here is picked up by the
 * answer key, the grader and the listing; its spec file is one line (spec/<topic>.spec.ts).
 */
import type { Topic } from './claims/types.ts';
import { rnnTopic } from './rnn/topic.ts';
import { gtTopic } from './gt/topic.ts';
import { mlpTopic } from './mlp/topic.ts';
import { autoencoderTopic } from './autoencoder/topic.ts';
import { infoganTopic } from './infogan/topic.ts';
import { alexnetTopic } from './alexnet/topic.ts';
import { heinitTopic } from './heinit/topic.ts';
import { cifarTopic } from './cifar/topic.ts';
import { adderTopic } from './adder/topic.ts';
import { lstmTopic } from './lstm/topic.ts';
import { cnnParamsTopic } from './cnnparams/topic.ts';
import { resnetTopic } from './resnet/topic.ts';
import { pixelcnnTopic } from './pixelcnn/topic.ts';
import { mdrnnTopic } from './mdrnn/topic.ts';
import { momentumTopic } from './momentum/topic.ts';

// Homework order: CIE6032 / ELEG5491 HW2, then CSE891 HW3, then CSC421 HW3.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const topics: Topic<any>[] = [
  rnnTopic,
  gtTopic,
  mlpTopic,
  autoencoderTopic,
  infoganTopic,
  alexnetTopic,
  heinitTopic,
  cifarTopic,
  adderTopic,
  lstmTopic,
  cnnParamsTopic,
  resnetTopic,
  pixelcnnTopic,
  mdrnnTopic,
  momentumTopic,
];

export function topicById(id: string): Topic<unknown> {
  const t = topics.find((x) => x.id === id);
  if (!t) throw new Error(`unknown topic "${id}"; known: ${topics.map((x) => x.id).join(', ')}`);
  return t as Topic<unknown>;
}
