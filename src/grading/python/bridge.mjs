// The bridge between the checks and a Python sandbox (host.py): bridge-worker.mjs's role for a
// Python submission.  It runs in a worker thread of the check runner and speaks to the check
// runner exactly as bridge-worker.mjs does (replies carrying v8-serialized values, callback frames),
// so that strict.ts's connection serves both languages; to the Python process it speaks JSON frames
// on fd 3 (a 4-byte little-endian length, then UTF-8 JSON; tags in host.py's header).
import { spawn } from 'node:child_process';
import v8 from 'node:v8';
import { workerData } from 'node:worker_threads';

const { port, flag: flagBuffer, command, file, isPackage, env } = workerData;
const flag = new Int32Array(flagBuffer);
const TAIL = 4000;
const MAX_FRAME = 300 * 2 ** 20;
const MAX_UNASKED = 100_000;
/** how deep a function the student returns is looked for (as strict.ts's MAX_DEPTH) */
const MAX_FN_DEPTH = 3;
const MAX_INT_DIGITS = 4000;
let unasked = 0;

let child = null;
let ready = null;
let pending = null;
let tail = '';
let starts = 0;

function reply(msg) {
  port.postMessage(msg);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

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

function write(c, msg) {
  const body = Buffer.from(JSON.stringify(msg), 'utf8');
  const h = Buffer.alloc(4);
  h.writeUInt32LE(body.length, 0);
  c.stdio[3].write(Buffer.concat([h, body]));
}

function stop(c, why) {
  tail += `\n[dlspec] stopped: ${why}\n`;
  c.kill('SIGKILL');
}

function start() {
  starts++;
  // detached: its own process group, and setsid(), so no controlling terminal to inject keystrokes into
  const c = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env, detached: true });
  child = c;
  const keep = (b) => {
    tail = (tail + b.toString('utf8')).slice(-TAIL);
  };
  c.stdout.on('data', keep);
  c.stderr.on('data', keep);
  let loadResolve;
  ready = new Promise((r) => (loadResolve = r));
  const onFrame = (text) => {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      stop(c, 'it sent a frame that is not JSON');
      return;
    }
    if (!m || typeof m !== 'object') return;
    if (m.t === 'hello') write(c, { t: 'load', file, package: isPackage });
    else if (m.t === 'loaded') {
      if (!m.ok) {
        loadResolve({ id: -1, ok: false, error: String(m.error ?? 'failed') });
        return;
      }
      const values = {};
      for (const [k, v] of Object.entries(m.values ?? {})) {
        const r = result(v ?? {});
        values[k] = r.ok && r.handles.length ? { ok: false, error: 'holds functions' } : r;
      }
      loadResolve({ id: -1, ok: true, values, functions: Array.isArray(m.functions) ? m.functions.filter((f) => typeof f === 'string') : [] });
    } else if (m.t === 'ret') {
      if (pending && m.id === pending.id) {
        pending = null;
        reply({ id: m.id, ...result(m), starts });
      } else reply({ t: 'frame', bytes: new Uint8Array(v8.serialize({ t: 'ret', id: m.id, ...result(m) })), starts });
    } else if (m.t === 'cb') {
      let args;
      try {
        args = fromJson(m.args);
      } catch {
        args = { value: [], handles: [] };
      }
      reply({ t: 'frame', bytes: new Uint8Array(v8.serialize({ t: 'cb', fn: m.fn, args: args.value, handles: args.handles })), starts });
    }
  };
  let buf = Buffer.alloc(0);
  const sock = c.stdio[3];
  sock.on('error', () => {});
  sock.on('data', (d) => {
    if (child !== c) return;
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 4) {
      const n = buf.readUInt32LE(0);
      if (n > MAX_FRAME || ++unasked > MAX_UNASKED) {
        stop(c, 'it sent a frame over the size limit, or a flood of frames');
        return;
      }
      if (buf.length < 4 + n) break;
      const text = buf.subarray(4, 4 + n).toString('utf8');
      buf = buf.subarray(4 + n);
      onFrame(text);
      if (child !== c) return;
    }
  });
  c.on('error', (e) => {
    tail += `\n[dlspec] could not start: ${e.message}\n`;
  });
  c.on('exit', (code, signal) => {
    if (child !== c) return;
    child = null;
    const exit = { code, signal, tail };
    loadResolve({ id: -1, ok: false, exit });
    if (pending) {
      const p = pending;
      pending = null;
      reply({ id: p.id, ok: false, exit, starts });
    }
  });
}

port.on('message', async (m) => {
  unasked = 0;
  if (m.t === 'kill') {
    if (child) {
      const c = child;
      child = null;
      pending = null;
      c.kill('SIGKILL');
    }
    return;
  }
  if (m.t === 'frame') {
    if (!child) return;
    const f = v8.deserialize(m.bytes);
    if (f.t === 'cbr') write(child, f.ok ? { t: 'cbr', ok: true, value: toJson(f.value) } : { t: 'cbr', ok: false, error: f.error });
    else if (f.t === 'nested') write(child, { t: 'nested', id: f.id, kind: f.kind, name: f.name, handle: f.handle, args: toJson(f.args), fns: toJson(f.fns) });
    return;
  }
  if (!child) start();
  const c = child;
  pending = { id: m.id };
  const loaded = await ready;
  if (child !== c || !pending || pending.id !== m.id) return;
  if (m.t === 'load' || !loaded.ok) {
    pending = null;
    reply({ ...loaded, id: m.id, starts, tail });
    return;
  }
  try {
    write(c, { t: m.t, id: m.id, name: m.name, handle: m.handle, args: toJson(m.args), fns: toJson(m.fns) });
  } catch (e) {
    pending = null;
    reply({ id: m.id, ok: false, error: `could not send the call: ${e.message}`, starts });
  }
});
