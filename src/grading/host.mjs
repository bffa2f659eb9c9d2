// The strict sandbox's host (plain JavaScript: it runs without the TypeScript loader).
//
// Started by bridge-worker.mjs as
//   [unshare -rn] node --experimental-permission --allow-fs-read=<this file>,<bundle>,<submission>,<node_modules>
//                      --max-old-space-size=<MB> host.mjs
// it imports the student's bundled module and answers calls over the IPC channel:
//   {t:'load', id, file}          → {id, ok, values, functions} | {id, ok:false, error}
//   {t:'call', id, name, args}    → {id, ok:true, value: <v8.serialize bytes>} | {id, ok:false, error}
// Nothing it sends is trusted by the grader beyond "this is what the student's code returned":
// the checks run in another process, which this one cannot read, write or signal.
import v8 from 'node:v8';

const MAX_BYTES = 256 * 1024 * 1024;
const send = process.send.bind(process);
const serialize = v8.serialize;
let mod = {};

function errText(e) {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`;
    return `a thrown ${typeof e}: ${String(e)}`;
  } catch {
    return 'an unprintable thrown value';
  }
}

function pack(value) {
  let bytes;
  try {
    bytes = serialize(value);
  } catch (e) {
    return { ok: false, error: `returned a value that cannot be sent back (only numbers, strings, arrays and plain objects can): ${errText(e)}` };
  }
  if (bytes.length > MAX_BYTES) return { ok: false, error: `returned ${(bytes.length / 2 ** 20).toFixed(0)} MB of data (limit ${MAX_BYTES / 2 ** 20} MB)` };
  return { ok: true, value: bytes };
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
        else values[k] = pack(v);
      }
      send({ id: m.id, ok: true, values, functions });
    } catch (e) {
      send({ id: m.id, ok: false, error: errText(e) });
    }
  } else if (m.t === 'call') {
    try {
      const f = mod[m.name];
      let r = f(...m.args);
      if (r && typeof r.then === 'function') r = await r;
      send({ id: m.id, ...pack(r) });
    } catch (e) {
      send({ id: m.id, ok: false, error: errText(e) });
    }
  }
});
process.once('disconnect', () => process.exit(0));
// an error thrown later by the student's own asynchronous code (a timer, a socket) is printed, not fatal:
// it must not cost the item that happens to be running when it fires
process.on('uncaughtException', (e) => console.error(`uncaught (ignored): ${errText(e)}`));
process.on('unhandledRejection', (e) => console.error(`unhandled rejection (ignored): ${errText(e)}`));
send({ t: 'hello' });
