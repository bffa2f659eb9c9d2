/**
 * Figures for ELEG5491 HW2 P5: training curves of every variant on one chart (vega-lite → SVG →
 * PNG with resvg; fonts: system DejaVu) and the conv1 filters as an image grid.
 *
 * vega, vega-lite and resvg are imported where a chart is drawn, not at load: the registry imports
 * this module, and the grader (which draws nothing) must start without them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as vl from 'vega-lite';
import { gridPng, type Tile } from '../plot/image-grid.ts';
import type { TrainResult } from './train.ts';

/** Render a vega-lite spec to PNG (and the SVG next to it). */
export async function vegaLiteToPng(spec: vl.TopLevelSpec, file: string, scale = 2): Promise<string> {
  const [vegaLite, vega, { Resvg }] = await Promise.all([import('vega-lite'), import('vega'), import('@resvg/resvg-js')]);
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file.replace(/\.png$/, '.svg'), svg);
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng();
  writeFileSync(file, png);
  return file;
}

/** Train loss and test accuracy per epoch, every variant on one chart (two panels). */
export async function writeCurves(results: TrainResult[], file: string): Promise<string> {
  const rows = results.flatMap((r) =>
    r.epochs.flatMap((e) => [
      { variant: r.label, epoch: e.epoch, metric: 'train loss', value: e.trainLoss },
      { variant: r.label, epoch: e.epoch, metric: 'test accuracy', value: e.testAcc },
    ]),
  );
  const panel = (metric: string, title: string): Record<string, unknown> => ({
    width: 320,
    height: 240,
    title,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 }, title: 'epoch' },
      y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } },
      color: { field: 'variant', type: 'nominal', legend: { orient: 'bottom', columns: 2, labelLimit: 400 } },
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'ELEG5491 HW2 P5: LeNet on CIFAR-10',
    data: { values: rows },
    hconcat: [panel('train loss', 'training loss (mean over the epoch)'), panel('test accuracy', 'test accuracy (10,000 images)')],
    config: { font: 'DejaVu Sans', background: 'white' },
  } as unknown as vl.TopLevelSpec;
  return vegaLiteToPng(spec, file);
}

/** conv1 filters [5,5,3,6] as six RGB tiles (each rescaled to [0,255] on its own), 16× enlarged, as PNG bytes. */
export function conv1FiltersPng(conv1W: Float32Array): Buffer {
  const tiles: Tile[] = [];
  for (let o = 0; o < 6; o++) {
    const data = new Float32Array(75);
    for (let kh = 0; kh < 5; kh++) for (let kw = 0; kw < 5; kw++) for (let c = 0; c < 3; c++) data[(kh * 5 + kw) * 3 + c] = conv1W[((kh * 5 + kw) * 3 + c) * 6 + o];
    tiles.push({ data, h: 5, w: 5, c: 3 });
  }
  return gridPng(tiles, { cols: 6, scale: 16, pad: 4, normalize: 'each' });
}

export function writeConv1Filters(conv1W: Float32Array, file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, conv1FiltersPng(conv1W));
  return file;
}

/** conv1 weights minus their initial values: what training changed (the raw filters of a 5-epoch run are still mostly their random init). */
export function writeConv1Delta(conv1W: Float32Array, init: Float32Array, file: string): string {
  return writeConv1Filters(
    conv1W.map((w, i) => w - init[i]),
    file,
  );
}
