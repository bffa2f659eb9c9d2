import { adderTopic } from '../src/adder/topic.ts';
import { specTopic } from './templates.ts';

// CSE891 HW3 P1: a hand-designed hard-threshold RNN that adds binary numbers.
specTopic(adderTopic);
