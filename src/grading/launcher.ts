/**
 * How the sandbox process is started: the command that wraps `node host.mjs`, built from what this
 * machine permits (probed once, by running the whole chain), best first:
 *
 *   setpriv --pdeathsig KILL [--reuid/--regid 65534]    dies with the grader; never host root
 *   prlimit --data --cpu --fsize                        writable memory, CPU seconds, file size
 *   unshare -rnpm --kill-child                          no network, no other process, own mounts
 *   sh -c MOUNTS                                        the world-writable folders (/tmp, /var/tmp,
 *                                                       /dev/shm) read-only; the scratch folder a
 *                                                       size-limited tmpfs of its own; cwd = scratch
 *
 * Node's permission model (strict.ts) decides what the student may read and write by path; this
 * layer closes what it does not see: Unix sockets and trace files written through the kernel, a
 * disk filled through the scratch folder, and root's rights on the host's files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** CPU seconds one sandbox process may use in all (RLIMIT_CPU): a last line of defence, far above
 *  what grading every claim needs; the per-item time limits stay the real limit. */
export const SANDBOX_CPU_SECONDS = 600;
/** Size of the sandbox's scratch folder (a tmpfs), and the largest file it may write anywhere. */
export const SCRATCH_MB = 512;
/** The unprivileged user the sandbox runs as when the grader is root (nobody). */
export const SANDBOX_UID = 65534;

/** Writable-memory cap (MB) for a heap limit of `memoryMb`: room for the heap, code, and buffers. */
export const addressSpaceMb = (memoryMb: number): number => Math.max(2 * memoryMb, memoryMb + 2048);

const firstExisting = (...ps: string[]): string | null => ps.find((p) => existsSync(p)) ?? null;
/** `setpriv --pdeathsig KILL`: the kernel kills the sandbox's launcher when the grader thread that
 *  started it dies, even by SIGKILL (`unshare --kill-child` passes it on): no orphan keeps spinning. */
export const setprivPath = (): string | null => firstExisting('/usr/bin/setpriv', '/bin/setpriv');
/** `prlimit --data` caps writable memory, which --max-old-space-size does not (typed arrays live
 *  outside the V8 heap).  Not RLIMIT_AS: the wasm backend reserves ~10 GB of address space up front. */
export const prlimitPath = (): string | null => firstExisting('/usr/bin/prlimit', '/bin/prlimit');
const unshareBinary = (): string | null => firstExisting('/usr/bin/unshare', '/bin/unshare');
const bashPath = (): string | null => firstExisting('/bin/bash', '/usr/bin/bash');

/** Closes every fd above the sandbox's own (stdio, the IPC channel 3, the callback frames 4), then runs
 *  the command: Node passes on any fd the grader inherited without close-on-exec (a pipe, a folder),
 *  and its permission model checks paths, not fds.  bash, as sh cannot name an fd above 9. */
const CLOSE_FDS_SCRIPT = 'for p in /proc/self/fd/*; do n=${p##*/}; if [ "$n" -gt 4 ]; then eval "exec $n<&-"; fi; done; exec "$@"';

/** user + network + pid (+ mount) namespaces: no network (not even loopback), no process outside to
 *  signal (`process.kill(-1)` finds nothing); the sandbox dies with its unshare parent. */
export const UNSHARE_FLAGS = ['-rnp', '--kill-child'];
const UNSHARE_MOUNT_FLAGS = ['-rnpm', '--kill-child'];

/** The folders every user may write to: read-only inside the sandbox. */
const worldWritable = (): string[] => [...new Set([tmpdir(), '/tmp', '/var/tmp', '/dev/shm'])].filter((d) => existsSync(d));

// $1 scratch, $2 size in MB, then the folders to make read-only up to "--", then the command
const MOUNT_SCRIPT = [
  'scratch=$1; size=$2; shift 2',
  'while [ "$1" != "--" ]; do mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97; shift; done; shift',
  'mount -t tmpfs -o "size=${size}m,mode=1777" tmpfs "$scratch" || exit 98',
  'cd "$scratch" || exit 99',
  'exec "$@"',
].join('\n');

export interface Capabilities {
  setpriv: string | null;
  prlimit: string | null;
  unshare: string | null;
  /** the mount namespace with read-only /tmp and a tmpfs scratch works here */
  mounts: boolean;
  /** the sandbox runs as SANDBOX_UID (the grader is root and that user can run node here) */
  dropUid: boolean;
}

let probed: Capabilities | undefined;

/** What this machine permits, probed once by running the chain with `node -e` reading `mustRead`. */
export function capabilities(mustRead: string[] = []): Capabilities {
  if (probed) return probed;
  const setpriv = setprivPath();
  const prlimit = prlimitPath();
  const unshare = unshareBinary();
  const works = (cmd: string[]): boolean => {
    try {
      execFileSync(cmd[0], cmd.slice(1), { stdio: 'ignore', timeout: 30_000 });
      return true;
    } catch {
      return false;
    }
  };
  const probeNode = [process.execPath, '-e', `for (const f of ${JSON.stringify(mustRead)}) require('fs').statSync(f)`];
  const root = process.getuid?.() === 0;
  const drop = (on: boolean): string[] => (setpriv && on ? [setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups'] : []);
  let dropUid = root && setpriv !== null && works([...drop(true), ...probeNode]);
  const usable = unshare && works([...drop(dropUid), unshare, ...UNSHARE_FLAGS, ...probeNode]) ? unshare : null;
  if (!usable && dropUid) dropUid = false; // namespaces matter more than the uid: keep them if only root gets them
  const unshareOk = usable ?? (unshare && works([unshare, ...UNSHARE_FLAGS, ...probeNode]) ? unshare : null);
  const scratchProbe = mkdtempSync(path.join(tmpdir(), 'dlspec-probe-'));
  const mounts = unshareOk !== null && works([...drop(dropUid), unshareOk, ...UNSHARE_MOUNT_FLAGS, 'sh', '-c', MOUNT_SCRIPT, 'sh', scratchProbe, '1', ...worldWritable(), '--', ...probeNode]);
  rmSync(scratchProbe, { recursive: true, force: true });
  probed = { setpriv, prlimit, unshare: unshareOk, mounts, dropUid };
  return probed;
}

/** `unshare` if it can make the namespaces here, else null (probed once). */
export function unsharePath(): string | null {
  return capabilities().unshare;
}

/** The command that wraps `node …` for a sandbox whose scratch folder is `scratch`. */
export function launcher(scratch: string, memoryMb: number, opts: { network?: boolean; mustRead?: string[] } = {}): { command: string[]; confinement: string[] } {
  const cap = capabilities(opts.mustRead);
  const ns = opts.network !== false && cap.unshare !== null;
  const mounts = ns && cap.mounts;
  const bash = bashPath();
  const command = [
    ...(cap.setpriv ? [cap.setpriv, '--pdeathsig', 'KILL', ...(cap.dropUid ? [`--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups'] : [])] : []),
    ...(cap.prlimit ? [cap.prlimit, `--data=${addressSpaceMb(memoryMb) * 2 ** 20}`, `--cpu=${SANDBOX_CPU_SECONDS}`, `--fsize=${SCRATCH_MB * 2 ** 20}`] : []),
    ...(ns ? [cap.unshare!, ...(mounts ? UNSHARE_MOUNT_FLAGS : UNSHARE_FLAGS)] : []),
    ...(mounts ? ['sh', '-c', MOUNT_SCRIPT, 'sh', scratch, String(SCRATCH_MB), ...worldWritable(), '--'] : []),
    ...(bash ? [bash, '-c', CLOSE_FDS_SCRIPT, 'closefds'] : []),
  ];
  const confinement = [
    ns ? 'user/network/pid namespaces (no network, no other process visible)' : 'NO network/pid namespaces (unshare not permitted here)',
    mounts ? `own mounts (/tmp and the other world-writable folders read-only; scratch a ${SCRATCH_MB} MB tmpfs)` : 'no mount namespace (scratch not size-limited)',
    cap.dropUid ? `runs as uid ${SANDBOX_UID}, not root` : process.getuid?.() === 0 ? 'runs as root (could not drop to an unprivileged user here)' : "runs as the grader's own user",
    cap.prlimit ? `writable memory ≤ ${addressSpaceMb(memoryMb)} MB` : 'no memory cap beyond the heap (prlimit missing)',
    ...(bash ? [] : ['file descriptors the grader inherited are NOT closed (bash missing)']),
  ];
  return { command, confinement };
}
