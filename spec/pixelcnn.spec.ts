import { pixelcnnTopic } from '../src/pixelcnn/topic.ts';
import { specTopic } from './templates.ts';

// CSE891 HW3 P4: PixelCNN vs MDRNN — connections, sequential steps and contexts measured on dependency graphs.
specTopic(pixelcnnTopic);
