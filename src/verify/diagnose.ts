/**
 * Recognising a known mistake.  A topic keeps a bank of misconceptions, each a variant of the
 * reference that makes one mistake on purpose.  When a student's output fails a check, every
 * variant is computed on the same input; the one that reproduces the student's output (within a
 * tight tolerance) names the mistake.  The bank is the grader's own code — it never runs the
 * student's code more than once per input.  Given the reference output, a variant that coincides
 * with it on this input (the mistake is invisible there) is never named.
 */
export interface Misconception<I, O> {
  id: string;
  /** how an instructor names it in feedback */
  label: string;
  compute(input: I): O;
}

export interface Match {
  id: string;
  label: string;
  distance: number;
}

export function recognise<I, O>(bank: readonly Misconception<I, O>[], input: I, student: O, distance: (a: O, b: O) => number, tol = 1e-9, reference?: O): Match | undefined {
  let best: Match | undefined;
  if (reference !== undefined && distance(student, reference) <= tol) return undefined; // the student is right here
  for (const m of bank) {
    let d: number;
    try {
      const variant = m.compute(input);
      // on this input the mistake makes no difference: it cannot be told apart
      if (reference !== undefined && distance(variant, reference) <= tol) continue;
      d = distance(student, variant);
    } catch {
      continue;
    }
    if (d <= tol && (!best || d < best.distance)) best = { id: m.id, label: m.label, distance: d };
  }
  return best;
}
