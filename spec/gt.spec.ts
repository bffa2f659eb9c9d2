import { gtTopic } from '../src/gt/topic.ts';
import { specTopic } from './templates.ts';

// CIE6032 HW2 P2 = ELEG5491 HW2 P2: G_t as nested F_theta; parameter sharing and length generalisation, measured.
specTopic(gtTopic);
