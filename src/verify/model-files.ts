/**
 * Reading the trained networks a student hands in, whatever the network: a TF.js LayersModel
 * (`model.json` + weight files, what `model.save()` writes) and a PyTorch `state_dict` saved with
 * NumPy (`.npz`).  Every bound is checked before the bytes are read or inflated; every problem is one
 * failure naming the file and what was expected.  A topic checks its own architecture on top.
 */
import type { io } from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { ClaimFailure, fail } from './failure.ts';
import type { SubmissionFiles } from './files.ts';

export const decodeUtf8 = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: false }).decode(b);

const MAX_JSON_BYTES = 2 * 2 ** 20;

const camel = (k: string): string => (k.length <= 1 || !k.includes('_') ? k : k.replace(/[_]+(\w|$)/g, (_m, c: string) => c.toUpperCase()));
const camelKeys = (v: unknown, what: string, depth = 0): unknown => {
  if (depth > 32) fail(`${what}: model.json is nested more than 32 levels deep; model.save() writes a few`);
  if (Array.isArray(v)) return v.map((x) => camelKeys(x, what, depth + 1));
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => (k === '__proto__' ? fail(`${what}: model.json has a "__proto__" key; model.save() writes none`) : [camel(k), camelKeys(x, what, depth + 1)])),
  );
};

/** A model.json's topology as tfjs reads it: the one inside `model_config` when there is one, every key
 *  camel-cased (kernel_size, kernelSize and kernel__size are one key; the last written wins). */
export function tfjsTopology(topology: unknown, what: string): unknown {
  // checked and built from this one object: tfjs builds model_config over the outer topology, and reads a camelCase key over its snake_case twin
  const t = (topology as { model_config?: unknown } | null)?.model_config ?? topology;
  return camelKeys(t, what);
}

/** The weight entries of a model.json's manifest, as tfjs reads them. */
export type WeightSpec = io.WeightsManifestEntry;

/** A model.json: its topology (tfjsTopology) and its weights manifest, before any weight is read. */
export function readModelJson(files: SubmissionFiles, rel: string, what: string): { topology: unknown; manifest: { paths?: unknown; weights?: unknown }[] } {
  let json: { modelTopology?: unknown; weightsManifest?: unknown };
  try {
    json = JSON.parse(decodeUtf8(files.read(rel, what, MAX_JSON_BYTES)));
  } catch (e) {
    if (e instanceof SyntaxError) fail(`${what}: "${rel}" is not valid JSON (${e.message}); expected the model.json that model.save() writes`);
    throw e;
  }
  if (!json || typeof json !== 'object') fail(`${what}: "${rel}" is not a model.json object; expected the model.json that model.save() writes`);
  const topology = tfjsTopology(json.modelTopology, what);
  const manifest = Array.isArray(json.weightsManifest) ? json.weightsManifest : fail(`${what}: model.json has no weightsManifest (the weights were not saved with the model)`);
  return { topology, manifest };
}

/** The weight files a manifest names (beside the model.json), joined, at most `maxBytes` (`tooBig` says what a right one weighs). */
export function readWeightFiles(
  files: SubmissionFiles,
  rel: string,
  manifest: { paths?: unknown; weights?: unknown }[],
  what: string,
  maxBytes: number,
  tooBig: string,
): { specs: WeightSpec[]; data: Uint8Array } {
  const dir = rel.replace(/\\/g, '/').split('/').slice(0, -1).join('/');
  const parts: Uint8Array[] = [];
  const specs: WeightSpec[] = [];
  let total = 0;
  for (const group of manifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) fail(`${what}: a weightsManifest entry without paths or weights`);
    for (const p of group.paths) {
      const bytes = files.read(dir ? `${dir}/${String(p)}` : String(p), `${what}: weight file ${String(p)}`, maxBytes);
      total += bytes.length;
      if (total > maxBytes) fail(`${what}: the weight files hold over ${maxBytes / 2 ** 20} MB; ${tooBig}`);
      parts.push(bytes);
    }
    specs.push(...(group.weights as WeightSpec[]));
  }
  const data = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return { specs, data };
}

/* ---------------------------------------------------------------- a PyTorch state_dict (.npz) */

export interface Npy {
  shape: number[];
  data: Float32Array;
}

/** One .npy file: little-endian float32/float64 (or int64 for a counter: undefined), C order. */
export function parseNpy(bytes: Uint8Array, name: string): Npy | undefined {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) fail(`${name} is not a .npy array`);
  const v = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = v === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = (v === 1 ? 10 : 12) + hlen;
  const header = decodeUtf8(bytes.subarray(v === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) fail(`${name}: an unreadable .npy header`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (fortran) fail(`${name}: stored in Fortran order; save it with np.savez from a C-ordered array (.numpy() gives one)`);
  const n = shape.reduce((a, b) => a * b, 1);
  if (descr === '<i8' || descr === '<i4') return undefined; // num_batches_tracked
  const width = descr === '<f4' ? 4 : descr === '<f8' ? 8 : descr === '<f2' ? 2 : fail(`${name}: dtype ${descr}; expected float32 or float64 weights`);
  if (bytes.length - start !== n * width) fail(`${name}: ${bytes.length - start} bytes of data for shape (${shape.join(', ')}) (truncated?)`);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = width === 4 ? dv.getFloat32(start + 4 * i, true) : width === 8 ? dv.getFloat64(start + 8 * i, true) : NaN;
  if (width === 2) fail(`${name}: float16 weights; save float32 (v.float().numpy())`);
  return { shape, data };
}

/**
 * The float arrays of a .npz archive in its order, named without `.npy` (integer counters left out).
 * The entries' sizes as the archive declares them are checked before anything is inflated (a zip
 * bomb): each at most `maxBytes`, all at most `maxInflated`; `tooBig` says what a right one weighs,
 * `saveWith` how to write one.
 */
export function readNpz(files: SubmissionFiles, rel: string, what: string, o: { maxBytes: number; maxInflated: number; tooBig: string; saveWith: string }): [string, Npy][] {
  let zip: Record<string, Uint8Array>;
  try {
    let inflated = 0;
    zip = unzipSync(files.read(rel, what, o.maxBytes), {
      filter: (f) => {
        inflated += f.originalSize;
        if (f.originalSize > o.maxBytes || inflated > o.maxInflated) fail(`${what}: "${rel}" unpacks to over ${o.maxInflated / 2 ** 20} MB; ${o.tooBig}`);
        return f.name.endsWith('.npy');
      },
    });
  } catch (e) {
    if (e instanceof ClaimFailure) throw e;
    fail(`${what}: "${rel}" is not a .npz archive (${(e as Error).message}); expected ${o.saveWith}`);
  }
  const entries: [string, Npy][] = [];
  for (const [name, bytes] of Object.entries(zip)) {
    if (!name.endsWith('.npy')) continue;
    const a = parseNpy(bytes, `${what}: ${name}`);
    if (a) entries.push([name.slice(0, -4), a]);
  }
  return entries;
}
