import { softmaxTopic } from '../docs/example/softmax/topic.ts';
import { specTopic } from './templates.ts';

// The worked example of docs/new-topic.md, run as a topic would be (it is not in the registry, so no course grades it).
specTopic(softmaxTopic);
