// What both sandbox bridges (bridge-worker.mjs for TypeScript, python/bridge.mjs for Python) do the
// same way.  A bridge runs in a worker thread of the check runner: the check runner posts a request
// and blocks on Atomics.wait; the bridge, free to do I/O, forwards it to the sandbox process (started
// on demand, restarted after a kill or a crash, the module reloaded), then posts the reply and wakes
// the check runner.  Each language brings a codec: how to start its process and how to speak to it.
import { workerData } from 'node:worker_threads';

const TAIL = 4000;
/** Bounds on the frames a sandbox may send: one frame's size, and frames since the checks last asked. */
const MAX_FRAME = 300 * 2 ** 20;
const MAX_UNASKED = 100_000;

/**
 * Serve the check runner's requests.  `codec`:
 *   start()                     → the child process (detached, stdout/stderr piped, frames on `frameFd`)
 *   frameFd                     the child's fd of length-prefixed frames
 *   onFrame(bytes, link)        a frame from the child
 *   onMessage?(m, link)         an IPC message from the child (a process forked with an IPC channel)
 *   sendFrame(child, m)         a {t:'frame'} request from the check runner, for the child
 *   sendCall(child, m)          a 'call' or 'callHandle' request, for the child
 * `link` lets a codec answer: child (the process), loaded(m) (the module's load reply), answer(m) (the reply to the pending
 * call, when `m.id` is its id; false otherwise), relay(bytes) (a callback frame for the check runner),
 * stop(why) (kill the child, saying why in its output's tail), alive() (the child is still this one).
 */
export function serveBridge(codec) {
  const { port, flag: flagBuffer } = workerData;
  const flag = new Int32Array(flagBuffer);
  let child = null;
  let ready = null; // Promise<load reply>
  let pending = null; // { id }
  let tail = '';
  let starts = 0;
  let unasked = 0;

  function reply(msg) {
    port.postMessage(msg);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }

  function start() {
    starts++;
    const c = codec.start();
    child = c;
    const keep = (b) => {
      tail = (tail + b.toString('utf8')).slice(-TAIL);
    };
    c.stdout.on('data', keep);
    c.stderr.on('data', keep);
    let loadResolve;
    ready = new Promise((r) => (loadResolve = r));
    const link = {
      child: c,
      alive: () => child === c,
      loaded: (m) => loadResolve(m),
      answer(m) {
        if (!pending || m.id !== pending.id) return false;
        pending = null;
        reply({ ...m, starts });
        return true;
      },
      relay: (bytes) => reply({ t: 'frame', bytes, starts }),
      stop(why) {
        tail += `\n[dlspec] stopped: ${why}\n`;
        c.kill('SIGKILL');
      },
    };
    // the frames' bytes as they came, joined once per whole frame (joining on every chunk would make a
    // large frame cost time quadratic in its size)
    let chunks = [];
    let have = 0;
    const sock = c.stdio[codec.frameFd];
    sock.on('error', () => {});
    sock.on('data', (d) => {
      if (child !== c) return;
      chunks.push(d);
      have += d.length;
      while (have >= 4) {
        if (chunks[0].length < 4) chunks = [Buffer.concat(chunks)];
        const n = chunks[0].readUInt32LE(0);
        // a frame larger than any value may be: stop the sandbox before reading it
        if (n > MAX_FRAME) {
          link.stop('it sent a frame over the size limit, or a flood of frames');
          return;
        }
        if (have < 4 + n) break;
        const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        const bytes = new Uint8Array(all.subarray(4, 4 + n)); // a copy
        const rest = all.subarray(4 + n);
        chunks = rest.length ? [rest] : [];
        have = rest.length;
        // a flood of frames nobody asked for: stop the sandbox
        if (++unasked > MAX_UNASKED) {
          link.stop('it sent a frame over the size limit, or a flood of frames');
          return;
        }
        codec.onFrame(bytes, link);
        if (child !== c) return;
      }
    });
    if (codec.onMessage) {
      c.on('message', (m) => {
        if (child === c && m && typeof m === 'object') codec.onMessage(m, link);
      });
    }
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
      if (child) codec.sendFrame(child, m);
      return;
    }
    // 'load', 'call' or 'callHandle'
    if (!child) start();
    const c = child;
    pending = { id: m.id };
    const loaded = await ready;
    if (child !== c || !pending || pending.id !== m.id) return; // killed meanwhile
    if (m.t === 'load' || !loaded.ok) {
      pending = null;
      reply({ ...loaded, id: m.id, starts, tail });
      return;
    }
    try {
      codec.sendCall(c, m);
    } catch (e) {
      pending = null;
      reply({ id: m.id, ok: false, error: `could not send the call: ${e.message}`, starts });
    }
  });
}

/** A length-prefixed frame (4-byte little-endian length, then the bytes) on a child's stream. */
export function writeFrame(stream, bytes) {
  const h = Buffer.alloc(4);
  h.writeUInt32LE(bytes.byteLength, 0);
  stream.write(Buffer.concat([h, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]));
}
