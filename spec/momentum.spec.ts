import { momentumTopic } from '../src/momentum/topic.ts';
import { specTopic } from './templates.ts';

// CSC421 HW3 P3: running SGD with momentum backwards; the Jacobian's determinant beta^D.
specTopic(momentumTopic);
