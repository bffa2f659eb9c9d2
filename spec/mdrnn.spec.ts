import { mdrnnTopic } from '../src/mdrnn/topic.ts';
import { specTopic } from './templates.ts';

// CSC421 HW3 P2: the multidimensional RNN, counted and scheduled on its dependency graph.
specTopic(mdrnnTopic);
