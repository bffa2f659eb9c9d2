// The bridge between the checks and a Python sandbox (host.py): the core in ../bridge-core.mjs, with
// this codec.  To the check runner it speaks as the TypeScript bridge does (replies carrying
// v8-serialized values, callback frames), so that strict.ts's connection serves both languages; to
// the Python process it speaks JSON frames on fd 3 (a 4-byte little-endian length, then UTF-8 JSON;
// tags in host.py's header).
import { spawn } from 'node:child_process';
import v8 from 'node:v8';
import { workerData } from 'node:worker_threads';
import { serveBridge, writeFrame } from '../bridge-core.mjs';

const { command, file, isPackage, env } = workerData;
/** how deep a function the student returns is looked for (as strict.ts's MAX_DEPTH) */
const MAX_FN_DEPTH = 3;
const MAX_INT_DIGITS = 4000;

/* ------------------------------------------------------------ values */

/** JS data from the checks → JSON-ready values with tags for what JSON lacks. */
function toJson(v, depth = 0) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : Number.isNaN(v) ? { $: 'nan' } : { $: v > 0 ? 'inf' : '-inf' };
    case 'bigint':
      return { $: 'int', v: v.toString() };
    case 'string':
    case 'boolean':
      return v;
    case 'object':
      break;
    default:
      return null;
  }
  if (depth > 64) throw new Error('data nested too deep');
  if (v instanceof Uint8Array) return { $: 'bytes', v: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (v instanceof Float32Array) return { $: 'f32', v: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (ArrayBuffer.isView(v)) return Array.from(v, (x) => toJson(x, depth + 1));
  if (Array.isArray(v)) return v.map((x) => toJson(x, depth + 1));
  const out = {};
  for (const k of Object.keys(v)) out[k] = toJson(v[k], depth + 1);
  return '$' in out ? { $: 'obj', v: out } : out;
}

/** JSON from the student's process → data (tags resolved), and [path, handle] for each function it returned. */
function fromJson(v) {
  const handles = [];
  const walk = (x, p) => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map((y, i) => walk(y, [...p, i]));
    if (Object.prototype.hasOwnProperty.call(x, '$')) {
      const tag = x.$;
      if (tag === 'nan') return NaN;
      if (tag === 'inf') return Infinity;
      if (tag === '-inf') return -Infinity;
      if (tag === 'int' && typeof x.v === 'string' && x.v.length <= MAX_INT_DIGITS && /^-?\d+$/.test(x.v)) return BigInt(x.v);
      if (tag === 'bytes' && typeof x.v === 'string') return new Uint8Array(Buffer.from(x.v, 'base64'));
      if (tag === 'f32' && typeof x.v === 'string') {
        const b = Buffer.from(x.v, 'base64');
        if (b.length % 4) throw new Error('a malformed float32 vector');
        return new Float32Array(new Uint8Array(b).buffer);
      }
      if (tag === 'fn' && Number.isSafeInteger(x.h)) {
        if (p.length <= MAX_FN_DEPTH) handles.push([p, x.h]);
        return null;
      }
      if (tag === 'obj' && x.v && typeof x.v === 'object' && !Array.isArray(x.v)) x = x.v;
      else throw new Error('a malformed value');
    }
    const out = {};
    for (const k of Object.keys(x)) out[k] = walk(x[k], [...p, k]);
    return out;
  };
  return { value: walk(v, []), handles };
}

/** The final states of the checks' portable functions that ran in the sandbox (copied back key by key in strict.ts). */
function states(m) {
  if (!m.states || typeof m.states !== 'object') return {};
  try {
    return { states: fromJson(m.states).value };
  } catch {
    return {};
  }
}

/** A result as the check runner reads it: the value as v8 bytes, the functions as handles. */
function result(m) {
  if (!m.ok) return { ok: false, error: String(m.error ?? 'failed'), ...(m.dead ? { dead: true } : {}), ...states(m) };
  try {
    const { value, handles } = fromJson(m.value);
    return { ok: true, value: new Uint8Array(v8.serialize(value)), handles, ...states(m) };
  } catch (e) {
    return { ok: false, error: `returned a value that cannot be read: ${e.message}` };
  }
}

/* ------------------------------------------------------------ the process */

const write = (c, msg) => writeFrame(c.stdio[3], Buffer.from(JSON.stringify(msg), 'utf8'));

/** A load reply as the check runner reads it: the values the module defines, and its function names. */
function loaded(m) {
  if (!m.ok) return { id: -1, ok: false, error: String(m.error ?? 'failed') };
  const values = {};
  for (const [k, v] of Object.entries(m.values ?? {})) {
    const r = result(v ?? {});
    values[k] = r.ok && r.handles.length ? { ok: false, error: 'holds functions' } : r;
  }
  return { id: -1, ok: true, values, functions: Array.isArray(m.functions) ? m.functions.filter((f) => typeof f === 'string') : [] };
}

serveBridge({
  frameFd: 3,
  // detached: its own process group, and setsid(), so no controlling terminal to inject keystrokes into
  start: () => spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env, detached: true }),
  onFrame(bytes, link) {
    let m;
    try {
      m = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      link.stop('it sent a frame that is not JSON');
      return;
    }
    if (!m || typeof m !== 'object') return;
    if (m.t === 'hello') write(link.child, { t: 'load', file, package: isPackage });
    else if (m.t === 'loaded') link.loaded(loaded(m));
    else if (m.t === 'ret') {
      // the reply to the pending call, or to a nested call the checks made from a callback
      if (!link.answer({ id: m.id, ...result(m) })) link.relay(new Uint8Array(v8.serialize({ t: 'ret', id: m.id, ...result(m) })));
    } else if (m.t === 'cb') {
      let args;
      try {
        args = fromJson(m.args);
      } catch {
        args = { value: [], handles: [] };
      }
      link.relay(new Uint8Array(v8.serialize({ t: 'cb', fn: m.fn, args: args.value, handles: args.handles })));
    }
  },
  sendFrame(child, m) {
    const f = v8.deserialize(m.bytes);
    if (f.t === 'cbr') write(child, f.ok ? { t: 'cbr', ok: true, value: toJson(f.value) } : { t: 'cbr', ok: false, error: f.error });
    else if (f.t === 'nested') write(child, { t: 'nested', id: f.id, kind: f.kind, name: f.name, handle: f.handle, args: toJson(f.args), fns: toJson(f.fns) });
  },
  sendCall: (child, m) => write(child, { t: m.t, id: m.id, name: m.name, handle: m.handle, args: toJson(m.args), fns: toJson(m.fns) }),
});
