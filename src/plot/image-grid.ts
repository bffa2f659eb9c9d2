/**
 * Writing a grid of small images (conv filters, generated digits) as one PNG, with pngjs.
 * Each image is H×W×C (C = 1 grey or 3 RGB), values in any range: `normalize: 'each'` rescales
 * every tile to [0, 255] on its own (filters), 'global' uses one range for all, 'none' expects
 * [0, 1].
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

export interface Tile {
  data: ArrayLike<number>;
  h: number;
  w: number;
  c: 1 | 3;
}

export interface GridOptions {
  cols: number;
  /** integer upscaling of each pixel */
  scale?: number;
  /** pixels of background between tiles */
  pad?: number;
  normalize?: 'each' | 'global' | 'none';
  background?: number;
}

export function renderGrid(tiles: Tile[], opts: GridOptions): PNG {
  if (!tiles.length) throw new Error('renderGrid: no tiles');
  const { h, w } = tiles[0];
  for (const t of tiles) {
    if (t.h !== h || t.w !== w) throw new Error(`renderGrid: every tile must be ${h}×${w}, got ${t.h}×${t.w}`);
    if (t.data.length !== t.h * t.w * t.c) throw new Error(`renderGrid: a ${t.h}×${t.w}×${t.c} tile needs ${t.h * t.w * t.c} values, got ${t.data.length}`);
  }
  const scale = opts.scale ?? 4,
    pad = opts.pad ?? 2,
    cols = Math.min(opts.cols, tiles.length);
  const rows = Math.ceil(tiles.length / cols);
  const W = cols * (w * scale + pad) + pad,
    H = rows * (h * scale + pad) + pad;
  const png = new PNG({ width: W, height: H });
  png.data.fill(opts.background ?? 255);
  const range = (d: ArrayLike<number>): [number, number] => {
    let lo = Infinity,
      hi = -Infinity;
    for (let i = 0; i < d.length; i++) {
      lo = Math.min(lo, d[i]);
      hi = Math.max(hi, d[i]);
    }
    return [lo, hi];
  };
  const mode = opts.normalize ?? 'each';
  let global: [number, number] = [0, 1];
  if (mode === 'global') {
    const rs = tiles.map((t) => range(t.data));
    global = [Math.min(...rs.map((r) => r[0])), Math.max(...rs.map((r) => r[1]))];
  }
  tiles.forEach((t, n) => {
    const [lo, hi] = mode === 'each' ? range(t.data) : global;
    const span = hi - lo || 1;
    const x0 = pad + (n % cols) * (w * scale + pad),
      y0 = pad + Math.floor(n / cols) * (h * scale + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const rgb = [0, 1, 2].map((k) => {
          const v = t.data[(y * w + x) * t.c + (t.c === 3 ? k : 0)];
          return Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255)));
        });
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const o = ((y0 + y * scale + dy) * W + (x0 + x * scale + dx)) * 4;
            png.data[o] = rgb[0];
            png.data[o + 1] = rgb[1];
            png.data[o + 2] = rgb[2];
            png.data[o + 3] = 255;
          }
        }
      }
    }
  });
  return png;
}

/** The grid as PNG bytes. */
export const gridPng = (tiles: Tile[], opts: GridOptions): Buffer => PNG.sync.write(renderGrid(tiles, opts));

export function writeGridPng(file: string, tiles: Tile[], opts: GridOptions): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, gridPng(tiles, opts));
  return file;
}
