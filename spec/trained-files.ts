/**
 * Helpers of the specs that hand in trained-network files: a temporary folder of files, the message
 * of the ClaimFailure a reader throws, and .npy bytes as NumPy writes them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ClaimFailure } from '../src/claims/types.ts';
import { tempFolder } from '../src/grading/fixtures.ts';
import { tempFolders } from './grading-synth.ts';

/** A maker of temporary folders holding the given files (removed after the spec file); call it at the top of a spec. */
export function fileFolders(prefix: string): (files: Record<string, string | Uint8Array>) => string {
  const temp = tempFolders();
  return (files) => {
    const dir = temp(tempFolder(prefix));
    for (const [name, data] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), data);
    }
    return dir;
  };
}

/** The message of the ClaimFailure `f` throws (any other outcome fails the test). */
export function claimFailure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ClaimFailure) return e.message;
    throw e;
  }
  throw new Error('expected a ClaimFailure');
}

/** claimFailure for an asynchronous reader. */
export async function claimFailureAsync(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof ClaimFailure) return e.message;
    throw e;
  }
  throw new Error('expected a ClaimFailure');
}

/** .npy bytes (format 1.0, C order) of a float32 array, or of other bytes under another `descr`. */
export function npy(shape: number[], data: Float32Array, descr = '<f4'): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
