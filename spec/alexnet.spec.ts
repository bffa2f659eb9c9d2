import { alexnetTopic } from '../src/alexnet/topic.ts';
import { specTopic } from './templates.ts';

// ELEG5491 HW2 P3: AlexNet on two GPUs — synchronisation stages derived from the graph; grouped parameter count.
specTopic(alexnetTopic);
