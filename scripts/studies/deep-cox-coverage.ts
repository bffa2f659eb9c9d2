/** Coverage of the Cox interval for the 30-layer variance ratio (He forward/backward): npx tsx scripts/studies/deep-cox-coverage.ts [seeds] */
import { deepRun, depthWidths } from '../../src/heinit/simulate.ts';
import { lognormalMeanCI, contains } from '../../src/heinit/statistics.ts';
const widths = depthWidths(30, [64, 96, 128, 96]);
const S = Number(process.argv[2] ?? 100);
for (const dir of ['forward', 'backward'] as const) {
  const zs: number[] = [];
  let miss = 0,
    out = 0;
  const ests: number[] = [];
  for (let s = 1; s <= S; s++) {
    const r = deepRun({ widths, batch: 2, networks: 48, seed: 100000 + s * 13, std: dir === 'forward' ? (fi) => Math.sqrt(2 / fi) : (_fi, fo) => Math.sqrt(2 / fo), direction: dir });
    const iv = lognormalMeanCI(r.ratio, 0.9998571428571429);
    zs.push(Math.log(1 / iv.estimate) / iv.se);
    if (!contains(iv, 1)) miss++;
    if (iv.estimate < 0.5 || iv.estimate > 2) out++;
    ests.push(iv.estimate);
  }
  const m = zs.reduce((a, b) => a + b) / S;
  const sd = Math.sqrt(zs.reduce((a, b) => a + (b - m) ** 2, 0) / S);
  ests.sort((a, b) => a - b);
  console.log(
    dir,
    'seeds',
    S,
    'log-scale z: mean',
    m.toFixed(3),
    'sd',
    sd.toFixed(3),
    'min',
    Math.min(...zs).toFixed(2),
    'max',
    Math.max(...zs).toFixed(2),
    '| misses',
    miss,
    '| estimate outside [0.5,2]:',
    out,
    '| estimate range',
    ests[0].toFixed(3),
    ests[S - 1].toFixed(3),
  );
}
