import { cnnParamsTopic } from "../src/cnnparams/topic.ts";
import { specTopic } from "./templates.ts";

// CSE891 HW3 P3.1: parameter count of a 4-conv-layer CNN (assumed architecture: the diagram is missing).
specTopic(cnnParamsTopic);
