import { lstmTopic } from '../src/lstm/topic.ts';
import { specTopic } from './templates.ts';

// CSE891 HW3 P2 = CSC421 HW3 P1: BPTT for a univariate LSTM without biases.
specTopic(lstmTopic);
