import { rnnTopic } from "../src/rnn/topic.ts";
import { specTopic } from "./templates.ts";

// CIE6032 HW2 P1 = ELEG5491 HW2 P1: backpropagation through time for a tanh RNN with softmax outputs.
specTopic(rnnTopic);
