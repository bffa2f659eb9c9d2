/**
 * Text that came from a student's code, made safe to show: terminal control sequences (ANSI
 * escapes), bare carriage returns, other control characters and bidirectional overrides become
 * visible placeholders, so a message can neither repaint a terminal nor split a CSV row.
 */

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
