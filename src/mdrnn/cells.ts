/** Reading and comparing sets of grid cells (an implementation's answer vs a graph's measured set). */
import { fail } from '../claims/types.ts';
import { describe } from '../verify/tensor.ts';

export type CellPair = [number, number];

export function readCells(v: unknown, where: string): CellPair[] {
  if (!Array.isArray(v)) fail(`${where}: expected an array of [a, b] cell pairs, got ${describe(v)}`);
  return v.map((c, n) => {
    if (!Array.isArray(c) || c.length !== 2 || !c.every((x) => Number.isInteger(x))) fail(`${where}[${n}]: expected a pair of integers [a, b], got ${describe(c)}`);
    return [c[0], c[1]] as CellPair;
  });
}

export interface SetDiff {
  equal: boolean;
  missing: CellPair[];
  extra: CellPair[];
  duplicates: number;
}

export function diffCells(got: CellPair[], want: CellPair[]): SetDiff {
  const k = (c: CellPair) => `${c[0]},${c[1]}`;
  const g = new Set(got.map(k)),
    w = new Set(want.map(k));
  const missing = want.filter((c) => !g.has(k(c)));
  const extra = [...g].filter((s) => !w.has(s)).map((s) => s.split(',').map(Number) as CellPair);
  return { equal: !missing.length && !extra.length && g.size === got.length, missing, extra, duplicates: got.length - g.size };
}

/** Whether two cell sets are equal (as sets). */
export const sameCells = (a: CellPair[], b: CellPair[]): boolean => diffCells(a, b).equal;

export const showCells = (cs: CellPair[], max = 8): string =>
  `${cs
    .slice(0, max)
    .map((c) => `(${c[0]},${c[1]})`)
    .join(' ')}${cs.length > max ? ` … (${cs.length} in all)` : ''}`;

export function diffMessage(d: SetDiff, names = 'cells'): string {
  const parts: string[] = [];
  if (d.missing.length) parts.push(`missing ${d.missing.length} ${names}: ${showCells(d.missing)}`);
  if (d.extra.length) parts.push(`${d.extra.length} ${names} that it does not depend on: ${showCells(d.extra)}`);
  if (d.duplicates) parts.push(`${d.duplicates} duplicate entries`);
  return parts.join('; ');
}
