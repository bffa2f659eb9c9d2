/**
 * The rubric of each course, read off the claims: a claim counts in its primary course
 * (`course`, `hw`, `problem`, `part`, `points`) and in every `alsoIn` course, with that
 * homework's own points.  Nothing here is typed by hand: a topic added to the registry appears.
 *
 * Numbering (Gradescope's `number`): `<problem>.<part>` when the claim names a part and is the
 * only claim of that part, `<problem>.<part>.<k>` when several claims share a part, and
 * `<problem>.<k>` for the claims of a problem without parts (k counts from 1 in declaration
 * order).
 *
 * Extra credit: a ref whose part label says so (`EC`, `extra`, e.g. `'3 (extra credit)'`) or that
 * carries `extraCredit: true` counts in the earned score but not in the possible score.
 */
import { COURSES, type Claim, type Course, type ProblemRef, type Tag, type Visibility } from '../claims/types.ts';

/** What the rubric reads of a claim: everything but `check` (JSON-serialisable, sent by the child). */
export type ClaimMeta = Omit<Claim<unknown>, 'check' | 'uses'> & { uses?: string[] };
/** What the rubric reads of a topic. */
export interface TopicMeta {
  id: string;
  title: string;
  claims: ClaimMeta[];
}

export function topicMeta(t: { id: string; title: string; claims: Claim<unknown>[] }): TopicMeta {
  return {
    id: t.id,
    title: t.title,
    claims: t.claims.map((c) => {
      const { check: _check, ...rest } = c;
      return JSON.parse(JSON.stringify(rest)) as ClaimMeta;
    }),
  };
}

export interface RubricItem {
  claim: ClaimMeta;
  topicId: string;
  ref: ProblemRef;
  /** true for the claim's own course, false for an `alsoIn` entry */
  primary: boolean;
  extraCredit: boolean;
  number: string;
  visibility: Visibility;
  tags: Tag[];
}

export function isExtraCredit(ref: ProblemRef): boolean {
  if ((ref as ProblemRef & { extraCredit?: boolean }).extraCredit === true) return true;
  return /extra|(^|\W)ec(\W|$)/i.test(ref.part ?? '');
}

export function primaryRef(c: ClaimMeta): ProblemRef {
  const r: ProblemRef = { course: c.course, hw: c.hw, problem: c.problem, part: c.part, points: c.points };
  if ((c as ClaimMeta & { extraCredit?: boolean }).extraCredit) (r as ProblemRef & { extraCredit?: boolean }).extraCredit = true;
  return r;
}

export function refsOf(c: ClaimMeta): { ref: ProblemRef; primary: boolean }[] {
  return [{ ref: primaryRef(c), primary: true }, ...(c.alsoIn ?? []).map((ref) => ({ ref, primary: false }))];
}

/** Natural order of part labels: '1' < '2' < '10', 'a' < 'b'. */
function partKey(p?: string): string {
  if (!p) return '';
  return p.replace(/\d+/g, (d) => d.padStart(4, '0'));
}

/** Every item of one course, in homework order, numbered.  `all` = each claim once, at its primary ref. */
export function rubricFor(topics: TopicMeta[], course: Course | 'all'): RubricItem[] {
  const items: Omit<RubricItem, 'number'>[] = [];
  for (const t of topics) {
    for (const c of t.claims) {
      for (const { ref, primary } of refsOf(c)) {
        if (course === 'all' ? !primary : ref.course !== course) continue;
        items.push({ claim: c, topicId: t.id, ref, primary, extraCredit: isExtraCredit(ref), visibility: c.visibility ?? 'visible', tags: c.tags ?? [] });
      }
    }
  }
  const order = (i: Omit<RubricItem, 'number'>): string => `${course === 'all' ? COURSES.indexOf(i.ref.course) : 0}|${i.ref.hw}|${String(i.ref.problem).padStart(4, '0')}|${partKey(i.ref.part)}`;
  const sorted = items
    .map((x, k) => ({ x, k }))
    .sort((a, b) => (order(a.x) < order(b.x) ? -1 : order(a.x) > order(b.x) ? 1 : a.k - b.k))
    .map((e) => e.x);
  const groupSize = new Map<string, number>();
  for (const i of sorted) groupSize.set(order(i), (groupSize.get(order(i)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return sorted.map((i) => {
    const g = order(i);
    const k = (seen.get(g) ?? 0) + 1;
    seen.set(g, k);
    // '3 (extra credit)' → '3'; '2(a)' → '2a' (a sub-part stays distinct from its sibling '2(b)')
    const part = i.ref.part?.replace(/\s*\((?:extra|ec\b|optional)[^)]*\)\s*$/i, '').replace(/[()\s]/g, '');
    const base = part ? `${i.ref.problem}.${part}` : `${i.ref.problem}`;
    const number = i.ref.part && groupSize.get(g) === 1 ? base : `${base}.${k}`;
    return { ...i, number: course === 'all' ? `${i.ref.course} ${number}` : number };
  });
}

/** The courses that have at least one claim. */
export function coursesWithClaims(topics: TopicMeta[]): Course[] {
  const used = new Set<Course>();
  for (const t of topics) for (const c of t.claims) for (const { ref } of refsOf(c)) used.add(ref.course);
  return COURSES.filter((c) => used.has(c));
}

export function problemLabel(ref: ProblemRef): string {
  return `${ref.course} ${ref.hw} P${ref.problem}`;
}
