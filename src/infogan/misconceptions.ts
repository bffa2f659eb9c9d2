/**
 * Named InfoGAN mistakes: the words a failure message uses when it recognises one (the known-wrong
 * fixtures in fixtures/wrong/infogan/ each make one of them).
 */
export const INFOGAN_MISTAKES = {
  'mi-wrong-sign': 'wrong sign: L_I is minimised as +cross-entropy (−log Q(c|x)); with the sign flipped the training pushes Q away from the code and the MI bound H(c) − L_I goes down',
  summed: 'summed over the batch instead of averaged (the loss then scales with the batch size)',
  'no-half': 'the Gaussian NLL of a unit-variance posterior is ½(c − μ)², the ½ is missing',
  'cont-0-1': 'continuous codes drawn from U(0, 1) instead of U(−1, 1)',
  'noise-0-1': 'noise z drawn from U(0, 1) (not zero-mean): draw it from U(−1, 1), as the official code does, or from N(0, 1)',
  'not-one-hot': 'the categorical code must be fed to G as a one-hot vector',
  greedy: 'greedy assignment (largest entry first) is not the best permutation — solve the assignment problem exactly (Hungarian algorithm or all 10! permutations)',
  'not-permutation': 'two codes were mapped to the same digit (per-row argmax): the assignment must be one-to-one',
  'q-ignores-code': 'Q ignores the code (its categorical output does not depend on the image)',
  'non-monotone': 'non-monotone sweep',
  'changes-digit': 'the continuous code changes the digit, not only its style',
  resume: 'resume does not restore the training state (weights, optimizer moments, batch-norm statistics and step)',
  'fixed-header': "a fixed 16-byte header (the images files' size): the header is 4 + 4d bytes — 8 for the 1-dimensional labels files",
  'cat-off-by-one':
    'the last category is never drawn: an off-by-one in the categorical sampling (floor(u·(K − 1)) or an exclusive upper bound of K − 1); each of the K = 10 values needs probability 1/10',
  minimised: 'the assignment minimises the total (scipy linear_sum_assignment and Hungarian codes minimise a cost): maximise the correct digits, e.g. pass −C or maximize=True',
  'tanh-output': 'the generator ends in tanh, so its images are in [−1, 1]: MNIST pixels are in [0, 1] (a sigmoid output, or (tanh + 1)/2)',
  'q-single-head': "Q's 12 outputs are returned unsplit as the logits: the first 10 are the categorical logits, the last 2 the continuous means",
} as const;

/** The mistakes a handed-in generator can show, each named in its failure message. */
export const GENERATOR_MISTAKES = {
  untrained: 'the generator looks untrained: its images are grey blobs, not digits on a black background',
  'code-ignored': 'the categorical code does not change the digit: every code draws the same mix of digits',
  'continuous-inert': 'a continuous code does nothing: sweeping it from −1 to 1 leaves the images unchanged',
  'not-0-1': 'the images are not in [0, 1]',
  'tanh-output': 'a tanh output gives images in [−1, 1], and MNIST pixels are in [0, 1]: end in a sigmoid (or hand in (tanh + 1)/2)',
  'nan-weights': 'the weights hold NaN or infinite values (the training diverged)',
} as const;
