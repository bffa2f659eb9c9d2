/**
 * What a check produces: evidence (the numbers it measured) or a failure whose message is what the
 * student reads, with why it ended so.  The engines under verify/ throw these; claims/ builds on them.
 */
/** JSON-serialisable measurements a check reports (errors, counts, intervals, accuracies). */
export type EvidenceValue = number | string | boolean | null | EvidenceValue[] | { [k: string]: EvidenceValue };
export type Evidence = Record<string, EvidenceValue>;

/** Why an item ended as it did, set where it happens (never read back from a message's text). */
export type Outcome = 'passed' | 'failed' | 'missing-export' | 'timeout' | 'crashed' | 'load-error' | 'grader-fault';

/** A failed check.  `message` is what the student reads. */
export class ClaimFailure extends Error {
  constructor(
    message: string,
    readonly details: Evidence = {},
    /** 'failed': the check found the answer wrong; 'timeout'/'crashed': the student's code ran out of time or died */
    readonly outcome: Extract<Outcome, 'failed' | 'timeout' | 'crashed'> = 'failed',
  ) {
    super(message);
    this.name = 'ClaimFailure';
  }
}

export function fail(message: string, details: Evidence = {}): never {
  throw new ClaimFailure(message, details);
}

/** How every check names a mistake it recognised in the student's answer (one wording for all feedback). */
export const recognised = (mistake: string): string => `Recognised mistake: ${mistake}`;

/** The message of the error a part of the answer key throws where it is absent (the student kit's stubs). */
export const KEY_NEEDED = 'needs the answer key, which the student kit does not contain';

/**
 * The line naming the mistake that `find` recognises in a wrong answer ('' when none).  A topic's mistakes
 * live in its misconceptions.ts, which the student kit withholds: there `find` throws KEY_NEEDED, and the
 * check fails as it would, naming no mistake.
 */
export function nameMistake(find: () => string | undefined): string {
  try {
    return find() ?? '';
  } catch (e) {
    if (e instanceof Error && e.message.includes(KEY_NEEDED)) return '';
    throw e;
  }
}

/** nameMistake's find as the recognised() line ('' when it names none). */
export function recognisedBy(find: () => string | undefined): string {
  const m = nameMistake(find);
  return m ? recognised(m) : '';
}

/** A picture in the student's feedback (a network's filters, generated samples): its title and its PNG in base64. */
export type FeedbackFigure = { title: string; png: string };

/** The evidence key under which a check hands its feedback figures to the grader. */
export const FIGURES_KEY = 'feedbackFigures';

/** The well-formed feedback figures in a check's evidence (none when it has none). */
export function figuresOf(e: Evidence | undefined): FeedbackFigure[] {
  const v = e?.[FIGURES_KEY];
  if (!Array.isArray(v)) return [];
  return v.filter((f): f is { title: string; png: string } => !!f && typeof f === 'object' && !Array.isArray(f) && typeof f.title === 'string' && typeof f.png === 'string');
}
