import { mlpTopic } from "../src/mlp/topic.ts";
import { specTopic } from "./templates.ts";

// CIE6032 HW2 P3 = ELEG5491 HW2 P4: parameters, SGD multiplications, path enumeration of an MLP.
specTopic(mlpTopic);
