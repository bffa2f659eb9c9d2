// The bridge between the checks and a TypeScript sandbox process (host.mjs): the core in
// bridge-core.mjs, with this codec.  Calls and replies go over Node's IPC channel (v8-serialized);
// callback frames go over fd 4 (see host.mjs): a frame the sandbox writes is relayed to the check
// runner as {t:'frame', bytes}, and {t:'frame', bytes} from the check runner is written to fd 4.
import { fork } from 'node:child_process';
import { workerData } from 'node:worker_threads';
import { serveBridge, writeFrame } from './bridge-core.mjs';

const { hostFile, execArgv, command, file, scratch } = workerData;

/** A value's reply with only the fields a sandbox may set, each of its type: the student's code can
 *  send on the IPC channel itself, and a field of another type (an `error` that is a number, an `exit`,
 *  which only the bridge reports) must not reach the checks. */
const packed = (m) => ({
  ok: m.ok === true,
  ...(m.value instanceof Uint8Array ? { value: m.value } : {}),
  ...(m.ok !== true ? { error: typeof m.error === 'string' ? m.error : "returned a malformed reply (the process running your code wrote to the grader's channel itself)" } : {}),
  ...(Array.isArray(m.handles) ? { handles: m.handles } : {}),
  ...(m.states && typeof m.states === 'object' ? { states: m.states } : {}),
  ...(m.dead === true ? { dead: true } : {}),
});
const clean = (m) => ({ id: m.id, ...packed(m) });
const cleanLoad = (m) => ({
  ...clean(m),
  ...(m.values && typeof m.values === 'object' ? { values: Object.fromEntries(Object.entries(m.values).map(([k, v]) => [k, packed(v ?? {})])) } : {}),
  ...(Array.isArray(m.functions) ? { functions: m.functions.filter((f) => typeof f === 'string') } : {}),
});

serveBridge({
  frameFd: 4,
  start() {
    // detached: its own process group, so that process.kill(0, …) (its "parent" inside a pid
    // namespace is 0) reaches only the sandbox, never the grader's group
    // cwd: its scratch folder, so whatever the runtime writes relative to it (a trace log) stays there
    const base = { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'], env: {}, detached: true, cwd: scratch ?? undefined };
    return command
      ? fork(hostFile, scratch ? [scratch] : [], { ...base, execPath: command[0], execArgv: [...command.slice(1), process.execPath, ...execArgv] })
      : fork(hostFile, scratch ? [scratch] : [], { ...base, execArgv });
  },
  onFrame: (bytes, link) => link.relay(bytes),
  onMessage(m, link) {
    if (m.t === 'hello') link.child.send({ t: 'load', id: -1, file });
    else if (m.id === -1) link.loaded(cleanLoad(m));
    else if (typeof m.id === 'number') link.answer(clean(m));
  },
  sendFrame: (child, m) => writeFrame(child.stdio[4], m.bytes),
  sendCall: (child, m) => child.send({ t: m.t, id: m.id, name: m.name, handle: m.handle, args: m.args, fns: m.fns }),
});
