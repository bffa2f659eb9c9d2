/**
 * CIFAR-10, binary version (https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz).
 * Folder `cifar-10-batches-bin/` holds data_batch_1..5.bin (train) and test_batch.bin, each exactly
 * 10,000 records of 3,073 bytes: 1 label byte (0–9) then 3,072 pixel bytes, channel-major
 * (1,024 red, 1,024 green, 1,024 blue; rows top to bottom).  The reader checks every file's size
 * (a truncated download gives a clear error), every label's range, and returns images as NHWC
 * uint8 (32×32×3, the layout tfjs uses) in SharedArrayBuffers so worker threads read them without
 * copies.  The folder comes from `CIFAR10_DIR`, else the shared copy, else `data/cifar-10-batches-bin`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const CIFAR10_RECORD_BYTES = 3073;
export const CIFAR10_RECORDS_PER_FILE = 10_000;
export const CIFAR10_FILE_BYTES = CIFAR10_RECORD_BYTES * CIFAR10_RECORDS_PER_FILE;
export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
export const CIFAR10_HOW_TO_GET =
  'CIFAR-10 (binary version) is not present. Get it with:\n' +
  '  curl -LO https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz && tar xzf cifar-10-binary.tar.gz\n' +
  'then set CIFAR10_DIR=<path>/cifar-10-batches-bin (the folder holding data_batch_1.bin … test_batch.bin).';

const CANDIDATES = ['/work/shared/data/cifar-10-batches-bin', 'data/cifar-10-batches-bin'];

/** The data folder to use, or undefined when none is present (then tests skip with CIFAR10_HOW_TO_GET). */
export function cifar10Dir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CIFAR10_DIR) return path.resolve(env.CIFAR10_DIR);
  return CANDIDATES.find((d) => existsSync(path.join(d, CIFAR10_TEST_FILE)));
}

export interface Cifar10Split {
  /** n×32×32×3 uint8, NHWC */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

export interface Cifar10 {
  train: Cifar10Split;
  test: Cifar10Split;
  dir: string;
}

function shared(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

/** Parse one batch file's bytes (validated) into `images`/`labels` at record offset `at`. */
export function parseCifar10Batch(bytes: Uint8Array, file: string, images: Uint8Array, labels: Uint8Array, at: number): void {
  if (bytes.length !== CIFAR10_FILE_BYTES) {
    const rec = bytes.length / CIFAR10_RECORD_BYTES;
    throw new Error(
      `${file}: ${bytes.length} bytes, expected ${CIFAR10_FILE_BYTES} (${CIFAR10_RECORDS_PER_FILE} records × ${CIFAR10_RECORD_BYTES} bytes)` +
        (bytes.length < CIFAR10_FILE_BYTES
          ? ` — the file is truncated (${Number.isInteger(rec) ? rec : rec.toFixed(2)} records); download it again`
          : ' — not a CIFAR-10 binary batch (the CIFAR-100 or Python version?)'),
    );
  }
  for (let r = 0; r < CIFAR10_RECORDS_PER_FILE; r++) {
    const o = r * CIFAR10_RECORD_BYTES;
    const label = bytes[o];
    if (label > 9) throw new Error(`${file}: record ${r} has label ${label}, expected 0–9 — not a CIFAR-10 binary batch (CIFAR-100 has 2 label bytes)`);
    labels[at + r] = label;
    const dst = (at + r) * 3072;
    for (let p = 0; p < 1024; p++) {
      images[dst + 3 * p] = bytes[o + 1 + p];
      images[dst + 3 * p + 1] = bytes[o + 1 + 1024 + p];
      images[dst + 3 * p + 2] = bytes[o + 1 + 2048 + p];
    }
  }
}

function readFiles(dir: string, files: string[]): Cifar10Split {
  const n = files.length * CIFAR10_RECORDS_PER_FILE;
  const images = shared(n * 3072),
    labels = shared(n);
  files.forEach((f, i) => {
    const p = path.join(dir, f);
    if (!existsSync(p)) throw new Error(`${p} is missing: ${dir} is not a complete cifar-10-batches-bin folder (expected ${[...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].join(', ')})`);
    const size = statSync(p).size;
    if (size !== CIFAR10_FILE_BYTES) parseCifar10Batch(new Uint8Array(size), p, images, labels, 0); // throws the size message
    parseCifar10Batch(readFileSync(p), p, images, labels, i * CIFAR10_RECORDS_PER_FILE);
  });
  return { images, labels, n };
}

/** The 10,000 test images only (what grading a trained network needs), validated. */
export function loadCifar10Test(dir: string | undefined = cifar10Dir()): Cifar10Split {
  if (!dir) throw new Error(CIFAR10_HOW_TO_GET);
  if (!existsSync(path.join(dir, CIFAR10_TEST_FILE))) throw new Error(`${dir} does not hold ${CIFAR10_TEST_FILE}.\n${CIFAR10_HOW_TO_GET}`);
  return readFiles(dir, [CIFAR10_TEST_FILE]);
}

/** Read the whole data set (50,000 train + 10,000 test), validated. */
export function loadCifar10(dir: string | undefined = cifar10Dir()): Cifar10 {
  if (!dir) throw new Error(CIFAR10_HOW_TO_GET);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`CIFAR-10 folder ${dir} does not exist.\n${CIFAR10_HOW_TO_GET}`);
  if (!existsSync(path.join(dir, CIFAR10_TEST_FILE))) {
    const nested = path.join(dir, 'cifar-10-batches-bin');
    const hint = existsSync(nested) ? ` (did you mean ${nested}?)` : '';
    throw new Error(`${dir} does not hold ${CIFAR10_TEST_FILE}: wrong folder${hint}.\n${CIFAR10_HOW_TO_GET}`);
  }
  return { train: readFiles(dir, CIFAR10_TRAIN_FILES), test: readFiles(dir, [CIFAR10_TEST_FILE]), dir };
}
