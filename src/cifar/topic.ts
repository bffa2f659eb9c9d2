import { defineTopic, type KnownWrongSpec } from '../claims/types.ts';
import { cifarClaims } from './claims.ts';
import { CIFAR_MISTAKES, HE_STD_MISTAKES, PARAM_COUNT_MISTAKES, RUN_MISTAKES } from './misconceptions.ts';
import { cifarContract, type CifarContract } from './contract.ts';
import { cifarReference } from './reference.ts';

const HE = {
  'fan-out': HE_STD_MISTAKES.fanOut,
  'lecun-std': HE_STD_MISTAKES.lecun,
  'variance-not-std': HE_STD_MISTAKES.variance,
  'std-fixed-0.01': HE_STD_MISTAKES.fixed001,
};

const w = (mistake: string, rejectedBy: string[], named: string): KnownWrongSpec => ({ mistake, rejectedBy, named });

export const cifarTopic = defineTopic<CifarContract>({
  id: 'cifar',
  title: 'CIFAR-10 LeNet: network, He init, batch norm, own optimizers (ELEG5491 HW2 P5)',
  contract: cifarContract,
  reference: cifarReference,
  claims: cifarClaims,
  knownWrong: [
    w('no-biases', ['cifar.param-count'], PARAM_COUNT_MISTAKES['no-biases'].label),
    w('same-padding', ['cifar.param-count'], PARAM_COUNT_MISTAKES['same-padding'].label),
    w('one-input-channel', ['cifar.param-count'], PARAM_COUNT_MISTAKES['one-input-channel'].label),
    w('no-weight-decay', ['cifar.sgd-step'], CIFAR_MISTAKES.sgd['no-weight-decay']),
    w('weight-decay-sign', ['cifar.sgd-step'], CIFAR_MISTAKES.sgd['weight-decay-sign']),
    w('decay-outside-momentum', ['cifar.sgd-step'], CIFAR_MISTAKES.sgd['decay-outside-momentum']),
    w('fan-out', ['cifar.he-init', 'cifar.variance-propagation'], HE['fan-out']),
    w('lecun-std', ['cifar.he-init', 'cifar.variance-propagation'], HE['lecun-std']),
    w('variance-not-std', ['cifar.he-init', 'cifar.variance-propagation'], HE['variance-not-std']),
    // also rejected by the slow cifar.training.he (5 epochs of the key's training with the student's σ), where σ = 0.01 stays at 10%
    w('std-fixed-0.01', ['cifar.he-init', 'cifar.variance-propagation', 'cifar.training.he'], HE['std-fixed-0.01']),
    w('unbiased-variance', ['cifar.batchnorm'], CIFAR_MISTAKES.bn['unbiased-variance']),
    w('bn-eps-outside-sqrt', ['cifar.batchnorm'], CIFAR_MISTAKES.bn['eps-outside-sqrt']),
    w('normalised-over-features', ['cifar.batchnorm'], CIFAR_MISTAKES.bn['normalised-over-features']),
    w('no-bias-correction', ['cifar.adam-step'], CIFAR_MISTAKES.adam['no-bias-correction']),
    w('adam-eps-inside-sqrt', ['cifar.adam-step'], CIFAR_MISTAKES.adam['eps-inside-sqrt']),
    w('grad-not-squared', ['cifar.adam-step'], CIFAR_MISTAKES.adam['grad-not-squared']),
    w('rms-eps-outside-sqrt', ['cifar.rmsprop-step'], CIFAR_MISTAKES.rmsprop['eps-outside-sqrt']),
    w('no-running-average', ['cifar.rmsprop-step'], CIFAR_MISTAKES.rmsprop['no-running-average']),
    w('no-square-root', ['cifar.rmsprop-step'], CIFAR_MISTAKES.rmsprop['no-square-root']),
    // trained networks handed in (fixtures/wrong/cifar/runs/: files, read beside the key's)
    w('first-conv-3x3', ['cifar.he-accuracy'], RUN_MISTAKES['first-conv-3x3']),
    w('log-not-reproduced', ['cifar.he-accuracy'], RUN_MISTAKES['log-not-reproduced']),
    w('no-batch-norm', ['cifar.bn-accuracy'], RUN_MISTAKES['no-batch-norm']),
    w('std001-log-not-reproduced', ['cifar.train-curves'], RUN_MISTAKES['log-not-reproduced']),
    w('std001-first-conv-3x3', ['cifar.train-curves'], RUN_MISTAKES['first-conv-3x3']),
    w('std001-missing', ['cifar.train-curves'], 'cifarTrainedRuns.std001 is missing'),
    w('he-below-floor', ['cifar.he-accuracy'], 'below the 50% a correct He-init LeNet reaches'),
    w('bn-log-not-reproduced', ['cifar.bn-accuracy'], RUN_MISTAKES['log-not-reproduced']),
    w('bn-log-missing', ['cifar.bn-accuracy'], 'is not in your submission'),
  ],
});
