import { autoencoderTopic } from '../src/autoencoder/topic.ts';
import { specTopic } from './templates.ts';

// CIE6032 HW2 P4: a linear autoencoder with k hidden units learns the span of the top-k principal components.
specTopic(autoencoderTopic);
