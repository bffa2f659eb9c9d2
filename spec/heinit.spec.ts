import { heinitTopic } from '../src/heinit/topic.ts';
import { specTopic } from './templates.ts';

// ELEG5491 HW2 P5.2 (a): He initialization, eqs. (3)–(6), measured with seeded Monte-Carlo intervals.
specTopic(heinitTopic);
