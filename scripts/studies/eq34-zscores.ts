/** z-scores of the eq. (3)/(4) intervals over many seeds (should look N(0,1)): npx tsx scripts/studies/eq34-zscores.ts [seeds] */
import { EQ3_CASES, EQ4_LAWS, measureEq3, measureEq4 } from '../../src/heinit/claims.ts';
import { zScore, contains, type Interval } from '../../src/heinit/statistics.ts';
const S = Number(process.argv[2] ?? 200);
const report = (name: string, f: (s: number) => { iv: Interval; truth: number }) => {
  const zs: number[] = [];
  let miss = 0;
  for (let s = 1; s <= S; s++) {
    const { iv, truth } = f(s);
    zs.push(zScore(iv, truth));
    if (!contains(iv, truth)) miss++;
  }
  const m = zs.reduce((a, b) => a + b) / S;
  const sd = Math.sqrt(zs.reduce((a, b) => a + (b - m) ** 2, 0) / S);
  console.log(
    name.padEnd(50),
    'mean z',
    m.toFixed(3),
    'sd',
    sd.toFixed(3),
    'min',
    Math.min(...zs).toFixed(2),
    'max',
    Math.max(...zs).toFixed(2),
    '|z|>2.576:',
    zs.filter((z) => Math.abs(z) > 2.576).length,
    `(exp ${(S * 0.01).toFixed(1)})`,
    'misses at 99.98%:',
    miss,
  );
};
for (const c of EQ3_CASES) report('eq3 ' + c.label, (s) => ({ iv: measureEq3(c, s * 7 + 1, 0.9998), truth: c.n * c.varW * c.x.m.meanSq }));
for (const l of EQ4_LAWS) report('eq4 ' + l.name.slice(0, 40), (s) => ({ iv: measureEq4(l, s * 7 + 1, 40000, 0.99975), truth: l.variance / 2 }));
