/**
 * Text that came from a student's code, made safe to show: terminal control sequences (ANSI
 * escapes), bare carriage returns, other control characters and bidirectional overrides become
 * visible placeholders, so a message can neither repaint a terminal nor split a CSV row.  And the one
 * line a passed item's evidence is shown as.
 */
import { FIGURES_KEY } from '../verify/failure.ts';

// C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `s` with every unsafe character replaced by U+FFFD (CRLF kept as a newline). */
export function plainText(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(UNSAFE, '\ufffd');
}

/** One line of `s` (its first), safe, at most `max` characters. */
export function oneLine(s: string, max = 300): string {
  const line = plainText(s).split('\n')[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A number as reports print it: exact to 6 significant digits (129.5, 99.95, 0.25, 1e-9), never
 *  rounded to a misleading integer. */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

/** One line of evidence for a pass: `cases 112 · worstRelErr 3.1e-12 · …`, at most ~300 characters. */
export function summarizeEvidence(e: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (parts.join(' · ').length > 300) return;
    if (typeof v === 'number') parts.push(`${key} ${fmtNumber(v)}`);
    else if (typeof v === 'string' || typeof v === 'boolean') parts.push(`${key} ${String(v)}`);
    else if (Array.isArray(v))
      parts.push(
        `${key} [${v
          .slice(0, 6)
          .map((x) => (typeof x === 'number' ? fmtNumber(x) : JSON.stringify(x)))
          .join(', ')}${v.length > 6 ? ', …' : ''}]`,
      );
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, key ? `${key}.${k}` : k);
  };
  // the feedback's pictures are shown as pictures, not as text
  const { [FIGURES_KEY]: _figures, ...rest } = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>;
  walk(rest, '');
  const s = parts.join(' · ');
  return s.length > 320 ? `${s.slice(0, 317)}…` : s;
}

/** What a student whose files sat in a sub-folder reads. */
export const nestedNote = (dir: string): string => `Your files were in the folder ${dir}/, not at the top of what you handed in: they were graded from there (next time hand in the files themselves).`;
