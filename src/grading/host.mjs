// The strict sandbox's host (plain JavaScript: it runs without the TypeScript loader).
//
// Started by bridge-worker.mjs as
//   [unshare -rnp] node --experimental-permission (--permission on Node ≥ 23.5) --allow-fs-read=<this file>
//                       --allow-fs-read=<the submission's copy> --allow-fs-read=<each allowed package's folder>
//                       --allow-fs-write=<scratch> --max-old-space-size=<MB> host.mjs <scratch>
// it imports the student's bundled module and answers calls over the IPC channel:
//   {t:'load', id, file}                          → {id, ok, values, functions} | {id, ok:false, error}
//   {t:'call', id, name, args, fns}               → {id, ok:true, value: <v8.serialize bytes>, handles, states} | {id, ok:false, error, states}
//   {t:'callHandle', id, handle, args, fns}       → the same, for a function this process returned earlier
// Functions cross as references, never as code (see strict.ts's header):
// - `fns` lists the places in `args` where the checks passed a function: [path, id] or
//   [path, id, {source, state}] (a portable function, compiled and run here without a round trip;
//   its final `state` goes back in `states`).  Each other one becomes a stub that asks the check
//   runner to run it, synchronously, over fd 4 (a socket: length-prefixed v8 frames written with
//   fs.writeSync and read with a blocking fs.readSync).
// - `handles` lists the places in a result where the student's code returned a function:
//   [path, handle]; the checks call it back with {t:'callHandle'}.  Handles live as long as this process.
// Frames on fd 4 (this process → checks): {t:'cb', fn, args, handles, states} (run callback `fn`),
// {t:'ret', id, ok, value, handles, error, states} (the answer to a nested call);
// (checks → this process): {t:'cbr', ok, value, fns, error}, {t:'nested', id, kind, name|handle, args, fns}
// (a check's callback calling the student's code again while this process waits for it).
// Nothing it sends is trusted by the grader beyond "this is what the student's code returned":
// the checks run in another process, which this one cannot read, write or signal.
import fs from 'node:fs';
import v8 from 'node:v8';

const MAX_BYTES = 256 * 1024 * 1024;
const MAX_DEPTH = 3;
const FD = 4;
const send = process.send.bind(process);
const serialize = v8.serialize;
const deserialize = v8.deserialize;
const readSync = fs.readSync;
const writeSync = fs.writeSync;
const BufferAlloc = Buffer.alloc.bind(Buffer);
const BufferConcat = Buffer.concat.bind(Buffer);
const compile = Function;
let nonce = `${process.pid}:${Date.now()}:${Math.random()}`;
if (process.argv[2]) process.env.TMPDIR = process.argv[2];
let mod = {};

const MAX_TEXT = 4000;
const StringCtor = String;
/** A thrown value as bounded text (a 12 MB message must not become a 12 MB reply). */
/** Said after an error of Node's permission model: what the sandbox allows (the student kit runs unconfined). */
const SANDBOX_RULES = ' (the grader runs your code in a sandbox: it may read the files of your folder; writing files, reading elsewhere, child processes and the network are refused)';

function errText(e) {
  let s;
  try {
    s = e instanceof Error ? `${e.name}: ${e.message}${e.code === 'ERR_ACCESS_DENIED' ? SANDBOX_RULES : ''}` : `a thrown ${typeof e}: ${StringCtor(e)}`;
  } catch {
    return 'an unprintable thrown value';
  }
  return typeof s === 'string' && s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}… (${s.length} characters in all)` : s;
}

const isPlain = (v) => {
  if (Array.isArray(v)) return true;
  if (!v || typeof v !== 'object') return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
};

/* ------------------------------------------------------------ functions the student returns */

const handles = new Map(); // handle → { fn, self }
let nextHandle = 1;

/** A copy of `value` with functions (top level, or inside plain objects/arrays up to MAX_DEPTH
 *  deep) replaced by null, and the list of [path, handle] where they were. */
function encodeOut(value) {
  const list = [];
  const walk = (v, p, self) => {
    if (typeof v === 'function') {
      const h = nextHandle++;
      handles.set(h, { fn: v, self });
      list.push([p, { nonce, id: h }]);
      return null;
    }
    if (p.length >= MAX_DEPTH || !isPlain(v)) return v;
    let copy = null;
    const keys = Array.isArray(v) ? v.keys() : Object.keys(v);
    for (const k of keys) {
      let x;
      try {
        x = v[k];
      } catch {
        continue;
      }
      if (typeof x !== 'function' && !isPlain(x)) continue;
      const y = walk(x, [...p, k], v);
      if (y !== x) {
        if (!copy) copy = Array.isArray(v) ? v.slice() : { ...v };
        copy[k] = y;
      }
    }
    return copy ?? v;
  };
  const out = walk(value, [], undefined);
  return { value: out, handles: list };
}

function pack(value) {
  let enc;
  try {
    enc = encodeOut(value);
  } catch (e) {
    return { ok: false, error: `returned a value that cannot be sent back: ${errText(e)}` };
  }
  let bytes;
  try {
    bytes = serialize(enc.value);
  } catch (e) {
    return { ok: false, error: `returned a value that cannot be sent back (only numbers, strings, arrays, plain objects and functions can): ${errText(e)}` };
  }
  if (bytes.length > MAX_BYTES) return { ok: false, error: `returned ${(bytes.length / 2 ** 20).toFixed(0)} MB of data (limit ${MAX_BYTES / 2 ** 20} MB)` };
  return { ok: true, value: bytes, handles: enc.handles };
}

/* ------------------------------------------------------------ functions the checks pass */

// portable functions running here now: id → state (their states go back with every frame and reply)
const activeStates = new Map();

function states() {
  if (activeStates.size === 0) return undefined;
  const s = {};
  for (const [id, st] of activeStates) s[id] = st;
  return s;
}

const header = BufferAlloc(4);
function readFull(buf) {
  let o = 0;
  while (o < buf.length) {
    let n;
    try {
      n = readSync(FD, buf, o, buf.length - o, null);
    } catch (e) {
      if (e && e.code === 'EAGAIN') continue;
      throw e;
    }
    if (n === 0) throw new Error('the grader closed the connection');
    o += n;
  }
}
function writeFrame(msg) {
  const body = serialize(msg);
  const h = BufferAlloc(4);
  h.writeUInt32LE(body.length, 0);
  const buf = BufferConcat([h, body]);
  let o = 0;
  while (o < buf.length) {
    try {
      o += writeSync(FD, buf, o, buf.length - o);
    } catch (e) {
      if (e && e.code === 'EAGAIN') continue;
      throw e;
    }
  }
}
function readFrame() {
  readFull(header);
  const body = BufferAlloc(header.readUInt32LE(0));
  readFull(body);
  return deserialize(body);
}

function setAt(root, p, v) {
  if (p.length === 0) return v;
  let o = root;
  for (let i = 0; i < p.length - 1; i++) o = o[p[i]];
  o[p[p.length - 1]] = v;
  return root;
}

function remoteError(err) {
  const e = new Error(err && typeof err.message === 'string' ? err.message : 'the function passed by the grader failed');
  if (err && typeof err.name === 'string') e.name = err.name;
  return e;
}

/** Ask the check runner to run its function `id` with `args`; wait for it (serving nested calls). */
function callRemote(id, args) {
  const enc = encodeOut(args);
  writeFrame({ t: 'cb', fn: id, args: enc.value, handles: enc.handles, states: states() });
  for (;;) {
    const m = readFrame();
    if (m.t === 'cbr') {
      if (!m.ok) throw remoteError(m.error);
      return decodeIn(m.value, m.fns, null);
    }
    if (m.t === 'nested') serveNested(m);
  }
}

/** Put stubs for the checks' functions into `value`; portable ones are compiled here and their
 *  states registered in `owned` (so that they go back with the reply and stop after it). */
function decodeIn(value, fns, owned) {
  if (!fns || fns.length === 0) return value;
  let root = value;
  for (const [p, id, portable] of fns) {
    let stub;
    if (portable && owned) {
      const impl = compile(`"use strict"; return (${portable.source});`)();
      const state = portable.state;
      const entry = { live: true };
      owned.push({ id, state, entry });
      activeStates.set(id, state);
      stub = (...a) => (entry.live ? impl(state, ...a) : callRemote(id, a));
    } else {
      stub = (...a) => callRemote(id, a);
    }
    root = setAt(root, p, stub);
  }
  return root;
}

function release(owned) {
  const s = states();
  for (const o of owned) {
    o.entry.live = false;
    activeStates.delete(o.id);
  }
  return s;
}

function target(m) {
  if (m.kind === 'callHandle' || m.t === 'callHandle') {
    const h = typeof m.handle === 'object' && m.handle ? m.handle : {};
    if (h.nonce !== nonce || !handles.has(h.id)) return { dead: true };
    return handles.get(h.id);
  }
  return { fn: mod[m.name], self: undefined };
}

function serveNested(m) {
  const owned = [];
  let out;
  try {
    const tg = target(m);
    if (tg.dead) throw new Error('this function handle is no longer valid (the process running it was restarted)');
    const args = decodeIn(m.args, m.fns, owned);
    let r = tg.fn.apply(tg.self, args);
    if (r && typeof r.then === 'function') throw new Error('returned a promise to a call made from inside a callback (not supported)');
    out = pack(r);
  } catch (e) {
    out = { ok: false, error: errText(e) };
  }
  const st = release(owned);
  writeFrame({ t: 'ret', id: m.id, ...out, states: st });
}

process.on('message', async (m) => {
  if (!m || typeof m !== 'object') return;
  if (m.t === 'load') {
    try {
      mod = { ...(await import(m.file)) };
      const values = {};
      const functions = [];
      for (const [k, v] of Object.entries(mod)) {
        if (typeof v === 'function') functions.push(k);
        else {
          const p = pack(v);
          values[k] = p.ok && p.handles.length ? { ok: false, error: 'holds functions' } : p;
        }
      }
      send({ id: m.id, ok: true, values, functions });
    } catch (e) {
      send({ id: m.id, ok: false, error: errText(e) });
    }
  } else if (m.t === 'call' || m.t === 'callHandle') {
    const owned = [];
    let out;
    try {
      const tg = target(m);
      if (tg.dead) {
        send({ id: m.id, ok: false, dead: true, error: 'dead handle' });
        return;
      }
      const args = decodeIn(m.args, m.fns, owned);
      let r = tg.fn.apply(tg.self, args);
      if (r && typeof r.then === 'function') r = await r;
      out = pack(r);
    } catch (e) {
      out = { ok: false, error: errText(e) };
    }
    const st = release(owned);
    send({ id: m.id, ...out, states: st });
  }
});
process.once('disconnect', () => process.exit(0));
// an error thrown later by the student's own asynchronous code (a timer, a socket) is printed, not fatal:
// it must not cost the item that happens to be running when it fires
// (written with the captured writeSync: a student's console or a closed stderr must not turn it into a crash)
const note = (what, e) => {
  try {
    writeSync(2, `${what} (ignored): ${errText(e)}\n`);
  } catch {
    /* stderr gone */
  }
};
process.on('uncaughtException', (e) => note('uncaught', e));
process.on('unhandledRejection', (e) => note('unhandled rejection', e));
send({ t: 'hello' });
