/** Gradient-norm ratio curves first/last block, post- vs pre-activation, depths 1..100 (median of 3): npx tsx scripts/studies/resnet-curves.ts */
import { gradientRatios } from '../../src/resnet/claims.ts';
const depths = [1, 2, 3, 5, 8, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const med = (a: number[]) => [...a].sort((x, y) => x - y)[1];
const rows: string[] = [];
for (const D of depths) {
  const r: string[] = [`${D}`];
  for (const v of ['post', 'pre'] as const) {
    const w: number[] = [],
      x: number[] = [];
    for (let s = 1; s <= 3; s++) {
      const g = gradientRatios(v, 20260611 + 1000 * s + D, D);
      w.push(g.weight);
      x.push(g.input);
    }
    r.push(med(w).toPrecision(3), med(x).toPrecision(3));
  }
  rows.push(`| ${r.join(' | ')} |`);
}
console.log(rows.join('\n'));
