/**
 * Formula answers as students type them, each with the verdict its claim must give and the words its
 * message (or, for an accepted answer, its notes) must contain.  `pass`: the claim passes; `wrong`: the
 * formula is read and graded wrong; `refused`: the string is refused as malformed or ambiguous.
 * spec/formula-corpus.spec.ts runs every entry through the claim that grades it.
 */

export type Verdict = 'pass' | 'wrong' | 'refused';

export interface CorpusEntry {
  claim: string;
  answer: string;
  verdict: Verdict;
  /** for `pass`: a note the claim must record (how the string was read); otherwise words of the message */
  says?: RegExp;
}

/** the export each claim reads its formula from */
export const FORMULA_EXPORT: Record<string, string> = {
  'mlp.param-count': 'mlpParamCountFormula',
  'mlp.sgd-order': 'mlpSgdCostOrder',
  'mlp.path-enum-cost': 'mlpPathEnumCostFormula',
  'pixelcnn.connections': 'pixelcnnConnectionsO',
  'pixelcnn.steps': 'pixelcnnStepsO',
  'pixelcnn.mdrnn-connections': 'pixelcnnMdrnnConnectionsO',
  'pixelcnn.mdrnn-steps': 'pixelcnnMdrnnStepsO',
  'mdrnn.ops': 'mdrnnOpCountOrder',
};

/** the declared variables of each claim's formula */
export const FORMULA_VARS: Record<string, string[]> = {
  mlp: ['d', 'L', 'n', 'c'],
  pixelcnn: ['d', 'k', 'H', 'W'],
  mdrnn: ['G', 'D', 'H'],
};

const P = 'mlp.param-count',
  SGD = 'mlp.sgd-order',
  PATH = 'mlp.path-enum-cost';
const CONN = 'pixelcnn.connections',
  STEPS = 'pixelcnn.steps',
  MCONN = 'pixelcnn.mdrnn-connections',
  MSTEPS = 'pixelcnn.mdrnn-steps';
const OPS = 'mdrnn.ops';

export const CORPUS: CorpusEntry[] = [
  // ---- MLP parameter count (exact): d·n + (L−1)·n² + n·c + L·n + c
  { claim: P, answer: 'd*n + (L-1)*n^2 + n*c + L*n + c', verdict: 'pass' },
  { claim: P, answer: 'dn + n^2(L-1) + nc + Ln + c', verdict: 'pass', says: /implicit product at position 1 \("dn"\) read as d·n/ },
  { claim: P, answer: 'dn + (L-1)n^2 + nc + nL + c', verdict: 'pass', says: /\("nL"\) read as n·L/ },
  { claim: P, answer: 'dn+n^2(L-1)+nc+Ln+c', verdict: 'pass' },
  { claim: P, answer: 'n(d + (L-1)n + c + L) + c', verdict: 'pass' },
  { claim: P, answer: 'dn + n^2(L-1) + nC + Ln + C', verdict: 'pass', says: /read C as c/ },
  { claim: P, answer: 'DN + N^2(L-1) + NC + LN + C', verdict: 'pass', says: /read D as d/ },
  { claim: P, answer: 'dn + n^2(l-1) + nc + Ln + c', verdict: 'pass', says: /read l as L/ },
  { claim: P, answer: '2nd/2 + (L-1)n^2 + nc + Ln + c', verdict: 'pass', says: /\("nd"\) read as n·d/ },
  { claim: P, answer: 'n·d + (L−1)·n² + n·c + L·n + c', verdict: 'pass' },
  { claim: P, answer: 'dn + (L - 1) * n ** 2 + nc + Ln + c', verdict: 'pass' },
  { claim: P, answer: '[d + (L-1)n + c]n + Ln + c', verdict: 'pass' },
  { claim: P, answer: '$dn + (L-1)n^2 + nc + Ln + c$', verdict: 'pass' },
  { claim: P, answer: '$d\\cdot n + (L-1)\\cdot n^{2} + n \\times c + L n + c$', verdict: 'pass' },
  { claim: P, answer: '\\left(d + c\\right)n + (L-1)n^2 + Ln + c', verdict: 'pass' },
  { claim: P, answer: '\\frac{2dn + 2(L-1)n^2 + 2nc}{2} + Ln + c', verdict: 'pass' },
  { claim: P, answer: 'dn + \\sum_{l=1}^{L-1} n^2 + nc + Ln + c', verdict: 'pass' },
  { claim: P, answer: 'dn + sum_{i=2}^{L} n^2 + nc + Ln + c', verdict: 'pass' },
  { claim: P, answer: 'Σ_{l=1}^{L-1} n^2 + dn + nc + Ln + c', verdict: 'pass' },
  { claim: P, answer: 'sum(l, 1, L-1, n^2) + dn + nc + Ln + c', verdict: 'pass' },
  { claim: P, answer: '$\\sum_{l=1}^{L} (n^2 + n) + dn + nc + c$', verdict: 'wrong', says: /the true count is [\d,]+, your formula gives [\d,]+/ },
  { claim: P, answer: 'dn + (L-1)n^2 + nc', verdict: 'wrong', says: /missing the biases L·n \+ c/ },
  { claim: P, answer: 'dn + (L-1)n^2 + nc + 2(Ln + c)', verdict: 'wrong', says: /counts the biases L·n \+ c twice/ },
  { claim: P, answer: '(L-1)n^2 + nc + Ln + c', verdict: 'wrong', says: /missing the d·n term/ },
  { claim: P, answer: 'dn + Ln^2 + nc + Ln + c', verdict: 'wrong', says: /has an extra term L·n²/ },
  { claim: P, answer: 'dn + n^2L - n^2 + nc + Ln + c', verdict: 'refused', says: /ambiguous exponent at position 9: write n\^2\*L or n\^\(2\*L\), not n\^2L/ },
  { claim: P, answer: 'dn + (L-1)n2 + nc + Ln + c', verdict: 'refused', says: /a number right after a factor is ambiguous at position 12: write n\*2 or n\^2/ },
  { claim: P, answer: 'dk + c', verdict: 'refused', says: /unknown variable "k" \(in "dk"\); the formula may use only d, L, n, c/ },
  { claim: P, answer: 'P = dn + (L-1)n^2 + nc + Ln + c', verdict: 'refused', says: /unknown variable "P"/ },
  { claim: P, answer: 'dn + (L-1)n^2 + nc + Ln + c = params', verdict: 'refused', says: /unexpected "=" at position 29: write the formula alone/ },
  { claim: P, answer: 'dn + (L-1)n^2 + nc + Ln + c +', verdict: 'refused', says: /ends too early/ },
  { claim: P, answer: 'dn + (L-1)n^2 + nc + Ln + c)', verdict: 'refused', says: /unbalanced parentheses/ },
  { claim: P, answer: 'dn + ((L-1)n^2 + nc + Ln + c', verdict: 'refused', says: /unbalanced parentheses: expected "\)" to close the "\(" at position 6/ },
  { claim: P, answer: 'O(dn + Ln^2 + nc)', verdict: 'refused', says: /asks for an exact count, not an order/ },
  { claim: P, answer: 'dn + n ln + c', verdict: 'refused', says: /ln must be followed by "\(": write ln\(…\), or L\*n for the product/ },
  { claim: P, answer: 'dn + n^2 + \\cdots + nc', verdict: 'refused', says: /"\\cdots" cannot be evaluated/ },
  { claim: P, answer: 'dn + \\sum_{l=1} n^2', verdict: 'refused', says: /a sum needs both bounds/ },

  // ---- MLP: order of one SGD step, Θ(d·n + (L−1)·n² + n·c)
  { claim: SGD, answer: 'O(dn + Ln^2 + nc)', verdict: 'pass' },
  { claim: SGD, answer: 'Θ(dn + (L-1)n^2 + nc)', verdict: 'pass' },
  { claim: SGD, answer: '\\mathcal{O}(dn + Ln^2 + nc)', verdict: 'pass' },
  { claim: SGD, answer: '$\\Theta\\left(n(d + Ln + c)\\right)$', verdict: 'pass' },
  { claim: SGD, answer: 'O(DN + LN^2 + NC)', verdict: 'pass', says: /read N as n/ },
  { claim: SGD, answer: '3dn + 4(L-1)n^2 + 4nc + 3Ln + c', verdict: 'pass' },
  { claim: SGD, answer: 'O(Ln^2 + nc)', verdict: 'wrong', says: /missing the d·n term/ },
  { claim: SGD, answer: 'O(n^L)', verdict: 'wrong', says: /grows exponentially in L/ },
  { claim: SGD, answer: 'O(dn + n^2 + nc)', verdict: 'wrong', says: /in L: your formula does not grow with L/ },
  { claim: SGD, answer: 'O(dn + n^2L + nc)', verdict: 'refused', says: /write n\^2\*L or n\^\(2\*L\), not n\^2L/ },
  { claim: SGD, answer: 'O(dn + Ln^2 + nc', verdict: 'refused', says: /unbalanced parentheses/ },
  { claim: SGD, answer: 'O(dn) + O(Ln^2 + nc)', verdict: 'refused', says: /O\(…\) may only wrap the whole answer/ },

  // ---- MLP: order of one path-enumeration iteration, Θ(d·n + c·L·n^L)
  { claim: PATH, answer: 'O(dn + cLn^L)', verdict: 'pass' },
  { claim: PATH, answer: 'O(d n + c L n^L)', verdict: 'pass' },
  { claim: PATH, answer: '$\\Theta\\big(dn + c\\,L\\,n^{L}\\big)$', verdict: 'pass' },
  { claim: PATH, answer: 'dn + c sum_{m=1}^{L} m n^m', verdict: 'pass' },
  { claim: PATH, answer: '$3dn + c\\sum_{m=1}^{L} m\\,n^m$', verdict: 'pass' },
  { claim: PATH, answer: 'dn + n Σ_{i=1}^{L-1} (L-i+1) c n^(L-i)', verdict: 'pass' },
  { claim: PATH, answer: '$dn + 2nc + \\sum_{i=1}^{L-1} (L-i+1)\\,c\\,n^{L-i}$', verdict: 'wrong', says: /off by a factor 1\/n/ },
  { claim: PATH, answer: 'O(dn + cn^L)', verdict: 'wrong', says: /off by a factor 1\/L/ },
  { claim: PATH, answer: 'O(dn + cLn^(L+1))', verdict: 'wrong', says: /off by a factor n/ },
  { claim: PATH, answer: 'O(dn + c L^2 n^2)', verdict: 'wrong', says: /the true cost grows exponentially in L/ },
  { claim: PATH, answer: 'O(dn + cL^2n^2)', verdict: 'refused', says: /write L\^2\*n or L\^\(2\*n\), not L\^2n/ },
  { claim: PATH, answer: 'O(dn + c2^L)', verdict: 'refused', says: /a number right after a factor is ambiguous/ },

  // ---- PixelCNN vs MDRNN (CSE891): O(·) answers over d, k, H, W
  { claim: CONN, answer: 'O(d k^2 H W)', verdict: 'pass' },
  { claim: CONN, answer: 'O(dk^2HW)', verdict: 'pass' },
  { claim: CONN, answer: '\\mathcal{O}(dk^2HW)', verdict: 'pass' },
  { claim: CONN, answer: '$\\mathcal{O}(d\\,k^{2}HW)$', verdict: 'pass' },
  { claim: CONN, answer: 'O(d k^2 h w)', verdict: 'pass', says: /read h as H/ },
  { claim: CONN, answer: 'Θ(d·k²·H·W)', verdict: 'pass' },
  { claim: CONN, answer: 'O(D K^2 H W)', verdict: 'pass', says: /read K as k/ },
  { claim: CONN, answer: 'O(d k H W)', verdict: 'wrong', says: /grows like k², not k/ },
  { claim: CONN, answer: 'O(dk^2H)', verdict: 'refused', says: /write k\^2\*H or k\^\(2\*H\), not k\^2H/ },
  { claim: CONN, answer: 'O(n^2)', verdict: 'refused', says: /unknown variable "n"/ },
  { claim: STEPS, answer: 'O(d)', verdict: 'pass' },
  { claim: STEPS, answer: 'O(HW)', verdict: 'wrong', says: /every pixel of a layer is computed in parallel/ },
  { claim: MCONN, answer: '\\Theta(d k^2 H W)', verdict: 'pass' },
  { claim: MCONN, answer: 'O(dHW)', verdict: 'wrong', says: /3k² connections per pixel and layer/ },
  { claim: MSTEPS, answer: 'O(H + W + d)', verdict: 'pass' },
  { claim: MSTEPS, answer: 'O(h + w + d)', verdict: 'pass', says: /read w as W/ },
  { claim: MSTEPS, answer: 'O(d(H+W))', verdict: 'wrong', says: /the layers pipeline/ },

  // ---- MDRNN operations (CSC421 P2: big-O is enough), over G, D, H
  { claim: OPS, answer: 'O(G^2 H (D+H))', verdict: 'pass' },
  { claim: OPS, answer: 'O(G^2H(D+H))', verdict: 'pass' },
  { claim: OPS, answer: 'O(G²H(D + H))', verdict: 'pass' },
  { claim: OPS, answer: '$O(G^2H(D+H))$', verdict: 'pass' },
  { claim: OPS, answer: 'G^2 H (2D + 4H - 1)', verdict: 'pass' },
  { claim: OPS, answer: 'O(g^2 h (d + h))', verdict: 'pass', says: /read g as G/ },
  { claim: OPS, answer: 'O(G^2HD + G^2 H^2)', verdict: 'pass' },
  { claim: OPS, answer: 'O(G^2 H^2)', verdict: 'wrong', says: /missing the G²·H·D term/ },
  { claim: OPS, answer: 'O(G^2 H D)', verdict: 'wrong', says: /missing the G²·H² term/ },
  { claim: OPS, answer: 'O(G H (D+H))', verdict: 'wrong', says: /off by a factor 1\/G/ },
  { claim: OPS, answer: 'O(G^2H)', verdict: 'refused', says: /write G\^2\*H or G\^\(2\*H\), not G\^2H/ },
];
