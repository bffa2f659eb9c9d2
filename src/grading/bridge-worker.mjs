// The bridge between the checks (which call the student's functions synchronously) and the
// strict sandbox process (host.mjs).  It runs in a worker thread of the check runner: the check
// runner's thread posts a request and blocks on Atomics.wait; this thread, free to do I/O,
// forwards it to the sandbox process (started on demand, restarted after a kill or a crash, the
// module reloaded), then posts the reply and wakes the check runner.
// It also relays the callback frames of fd 4 (see host.mjs): a frame the sandbox writes is posted
// to the check runner as {t:'frame', bytes} (and wakes it); {t:'frame', bytes} from the check
// runner is written to the sandbox's fd 4, length-prefixed.
import { fork } from 'node:child_process';
import { workerData } from 'node:worker_threads';

const { port, flag: flagBuffer, hostFile, execArgv, command, file, scratch } = workerData;
const flag = new Int32Array(flagBuffer);
const TAIL = 4000;
/** Bounds on the callback frames a sandbox may send: one frame's size, and frames since the checks last asked. */
const MAX_FRAME = 300 * 2 ** 20;
const MAX_UNASKED = 100_000;
let unasked = 0;

/** Stop a sandbox that broke the frame bounds; its exit is reported to the pending call as a kill. */
function kill(c) {
  tail += '\n[dlspec] stopped: it sent a callback frame over the size limit, or a flood of frames\n';
  c.kill('SIGKILL');
}

let child = null;
let ready = null; // Promise<load reply>
let pending = null; // { id }
let tail = '';
let starts = 0;

function reply(msg) {
  port.postMessage(msg);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function start() {
  starts++;
  // detached: its own process group, so that process.kill(0, …) (its "parent" inside a pid
  // namespace is 0) reaches only the sandbox, never the grader's group
  // cwd: its scratch folder, so whatever the runtime writes relative to it (a trace log) stays there
  const base = { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'], env: {}, detached: true, cwd: scratch ?? undefined };
  const c = command
    ? fork(hostFile, scratch ? [scratch] : [], { ...base, execPath: command[0], execArgv: [...command.slice(1), process.execPath, ...execArgv] })
    : fork(hostFile, scratch ? [scratch] : [], { ...base, execArgv });
  child = c;
  const keep = (b) => {
    tail = (tail + b.toString('utf8')).slice(-TAIL);
  };
  c.stdout.on('data', keep);
  c.stderr.on('data', keep);
  const sock = c.stdio[4];
  let buf = Buffer.alloc(0);
  sock.on('error', () => {});
  sock.on('data', (d) => {
    if (child !== c) return;
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 4) {
      const n = buf.readUInt32LE(0);
      // a frame larger than any value may be, or a flood of frames nobody asked for: stop the sandbox
      if (n > MAX_FRAME || ++unasked > MAX_UNASKED) {
        kill(c);
        return;
      }
      if (buf.length < 4 + n) break;
      const bytes = new Uint8Array(buf.subarray(4, 4 + n)); // a copy
      buf = buf.subarray(4 + n);
      reply({ t: 'frame', bytes, starts });
    }
  });
  let loadResolve;
  ready = new Promise((r) => (loadResolve = r));
  c.on('message', (m) => {
    if (child !== c || !m || typeof m !== 'object') return;
    if (m.t === 'hello') {
      c.send({ t: 'load', id: -1, file });
      return;
    }
    if (m.id === -1) {
      loadResolve(m);
      return;
    }
    if (pending && m.id === pending.id) {
      pending = null;
      reply({ ...m, starts });
    }
  });
  c.on('error', () => {});
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
    if (child) {
      const h = Buffer.alloc(4);
      h.writeUInt32LE(m.bytes.byteLength, 0);
      child.stdio[4].write(Buffer.concat([h, Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength)]));
    }
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
    c.send({ t: m.t, id: m.id, name: m.name, handle: m.handle, args: m.args, fns: m.fns });
  } catch (e) {
    pending = null;
    reply({ id: m.id, ok: false, error: `could not send the call: ${e.message}`, starts });
  }
});
