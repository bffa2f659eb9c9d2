// The bridge between the checks and a TypeScript sandbox process (host.mjs): the core in
// bridge-core.mjs, with this codec.  Calls and replies go over Node's IPC channel (v8-serialized);
// callback frames go over fd 4 (see host.mjs): a frame the sandbox writes is relayed to the check
// runner as {t:'frame', bytes}, and {t:'frame', bytes} from the check runner is written to fd 4.
import { fork } from 'node:child_process';
import { workerData } from 'node:worker_threads';
import { serveBridge, writeFrame } from './bridge-core.mjs';

const { hostFile, execArgv, command, file, scratch } = workerData;

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
    else if (m.id === -1) link.loaded(m);
    else link.answer(m);
  },
  sendFrame: (child, m) => writeFrame(child.stdio[4], m.bytes),
  sendCall: (child, m) => child.send({ t: m.t, id: m.id, name: m.name, handle: m.handle, args: m.args, fns: m.fns }),
});
