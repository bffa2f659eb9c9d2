/**
 * The Python sandbox: how a Python submission's process is laid out and started.
 *
 *   setpriv --pdeathsig KILL [--reuid]    dies with the grader; never host root (as launcher.ts)
 *   prlimit --data --as --cpu --fsize      memory (shared mappings too), CPU seconds, file size
 *   bwrap --unshare-all …                  own user/pid/network/ipc/uts/cgroup namespaces; sees only
 *                                          /usr (Python, NumPy), its copy of the submission (read-only,
 *                                          at /submission), host.py, and a size-limited /tmp
 *   python3 -I -B host.py                  the host (host.py): no new processes (RLIMIT_NPROC 0), and
 *                                          audit hooks refuse programs, sockets, ctypes and writes
 *                                          outside /tmp with a clear message
 *
 * Python has no permission model: the namespaces are the boundary, so without bubblewrap a Python
 * submission is not run at all (one line says what to install).  The checks reach the process
 * through bridge.mjs and strict.ts's connection, as for a TypeScript submission.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addressSpaceMb, prlimitPath, SANDBOX_CPU_SECONDS, SANDBOX_UID, SCRATCH_MB, setprivPath } from '../launcher.ts';
import { copySubmission, gradingTemp, SubmissionFilesError } from '../workspace.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PY_HOST_FILE = path.join(HERE, 'host.py');
export const PY_BRIDGE_FILE = path.join(HERE, 'bridge.mjs');

/** The files that make a folder a Python submission, in the order they are looked for. */
export const PYTHON_ENTRY_NAMES = ['__init__.py', 'submission.py'];
export const isPythonEntry = (entry: string): boolean => entry.endsWith('.py');

/** What to install for Python submissions (Debian package names). */
export const PYTHON_PACKAGES = 'python3 python3-numpy bubblewrap';

/** The contract's camelCase export name as a Python submission spells it: rnnBptt → rnn_bptt. */
export const pythonName = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

interface PythonRuntime {
  python: string;
  bwrap: string;
  /** folders of the interpreter and its packages outside /usr, bound read-only into the sandbox */
  extraRoots: string[];
  version: string;
  /** the grader is root and the sandbox still starts as SANDBOX_UID: bwrap runs as that user */
  dropUid: boolean;
}

const firstExisting = (...ps: string[]): string | undefined => ps.find((p) => existsSync(p));

/** The interpreter (DLSPEC_PYTHON, else Debian's /usr/bin/python3) and bubblewrap, checked once by running the sandbox. */
let probed: PythonRuntime | Error | undefined;
export function pythonRuntime(): PythonRuntime {
  if (probed instanceof Error) throw probed;
  if (probed) return probed;
  try {
    probed = probe();
  } catch (e) {
    probed = e as Error;
    throw probed;
  }
  return probed;
}

function probe(): PythonRuntime {
  const python = process.env.DLSPEC_PYTHON || firstExisting('/usr/bin/python3');
  const bwrap = firstExisting('/usr/bin/bwrap', '/bin/bwrap');
  const missing = `install them with: apt-get install ${PYTHON_PACKAGES}`;
  if (!python) throw new Error(`Python submissions need /usr/bin/python3 (or DLSPEC_PYTHON) with NumPy: ${missing}`);
  if (!bwrap) throw new Error(`Python submissions run only inside bubblewrap (bwrap), which this machine lacks: ${missing}`);
  let info: { prefixes: string[]; version: string; numpy: string | null };
  try {
    const code =
      'import sys,json\ntry:\n import numpy; n=numpy.__file__\nexcept ImportError: n=None\nprint(json.dumps({"prefixes":[sys.prefix,sys.base_prefix,sys.exec_prefix],"version":sys.version.split()[0],"numpy":n}))';
    info = JSON.parse(execFileSync(python, ['-I', '-c', code], { encoding: 'utf8', timeout: 30_000 })) as typeof info;
  } catch (e) {
    throw new Error(`${python} could not be run (${(e as Error).message.split('\n')[0]}): ${missing}`);
  }
  if (!info.numpy) throw new Error(`${python} has no NumPy: ${missing}`);
  const extraRoots = [...new Set([...info.prefixes, path.dirname(path.dirname(info.numpy))].map((p) => realpathSync(p)))].filter((p) => !(p === '/usr' || p.startsWith('/usr/')));
  const rt: PythonRuntime = { python, bwrap, extraRoots, version: info.version, dropUid: false };
  // the sandbox itself must start here: namespaces may be refused (a container without user namespaces)
  const start = (drop: boolean): void => {
    const cmd = [...dropUidArgs(drop), rt.bwrap, ...bwrapArgs(rt, HERE, HERE), python, '-I', '-c', 'import numpy'];
    execFileSync(cmd[0], cmd.slice(1), { stdio: 'pipe', timeout: 30_000 });
  };
  // a root grader's sandbox must not be root outside its namespace: RLIMIT_NPROC (host.py) does not
  // bind host root (measured: threads and fork_exec worked), and every file it can see is root's
  if (process.getuid?.() === 0 && setprivPath()) {
    try {
      start(true);
      rt.dropUid = true;
    } catch {
      /* user namespaces for root only: keep them (as launcher.ts does) */
    }
  }
  try {
    if (!rt.dropUid) start(false);
  } catch (e) {
    const err = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0] ?? (e as Error).message;
    throw new Error(`the Python sandbox (bubblewrap) cannot start on this machine: ${err} — it needs user namespaces (a container may need --privileged or a seccomp profile that allows them)`);
  }
  return rt;
}

const dropUidArgs = (drop: boolean): string[] => (drop ? [setprivPath()!, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups'] : []);

/** bubblewrap's arguments: nothing shared with the host but the read-only folders named here. */
function bwrapArgs(rt: PythonRuntime, copy: string, hostFile: string): string[] {
  const ro = (p: string, at = p): string[] => ['--ro-bind', p, at];
  return [
    '--unshare-all',
    '--uid',
    '65534',
    '--gid',
    '65534',
    '--die-with-parent',
    '--cap-drop',
    'ALL',
    ...ro('/usr'),
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
    '--symlink',
    'usr/bin',
    '/bin',
    // Debian's BLAS is found through the alternatives links
    ...['/etc/alternatives', '/etc/ld.so.cache'].filter((p) => existsSync(p)).flatMap((p) => ro(p)),
    ...rt.extraRoots.flatMap((p) => ro(p)),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(SCRATCH_MB * 2 ** 20),
    '--tmpfs',
    '/tmp',
    ...ro(copy, '/submission'),
    ...ro(hostFile, '/dlspec/host.py'),
    // bwrap's own / and /dev are tmpfs without a size limit: read-only, /tmp is the one place to write
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/',
    '--chdir',
    '/tmp',
  ];
}

/** Where the submission's copy is seen inside the sandbox. */
export const SANDBOX_ROOT = '/submission';

export interface PythonSandbox {
  /** the full command line: limits, bwrap, python, host */
  command: string[];
  env: Record<string, string>;
  /** the entry as the sandbox sees it */
  file: string;
  isPackage: boolean;
  copy: string;
  confinement: string[];
  cleanup(): void;
}

/** Copy the submission (regular files only) and build the command that runs its host. */
export function preparePython(entry: string, submissionDir: string, memoryMb: number): PythonSandbox {
  const rt = pythonRuntime();
  const work = gradingTemp('python-');
  const copy = path.join(work, 'submission');
  const cleanup = (): void => rmSync(work, { recursive: true, force: true });
  try {
    copySubmission(submissionDir, copy);
  } catch (e) {
    cleanup();
    throw e instanceof SubmissionFilesError ? new Error(e.message) : e;
  }
  mkdirSync(copy, { recursive: true });
  chmodSync(work, 0o755);
  const setpriv = setprivPath();
  const prlimit = prlimitPath();
  const command = [
    ...(setpriv ? [setpriv, '--pdeathsig', 'KILL', ...dropUidArgs(rt.dropUid).slice(1)] : []),
    // --as too: a shared mapping (mmap.mmap(-1, n)) is not writable private memory, so --data misses it
    ...(prlimit ? [prlimit, `--data=${addressSpaceMb(memoryMb) * 2 ** 20}`, `--as=${addressSpaceMb(memoryMb) * 2 ** 20}`, `--cpu=${SANDBOX_CPU_SECONDS}`, `--fsize=${SCRATCH_MB * 2 ** 20}`] : []),
    rt.bwrap,
    ...bwrapArgs(rt, copy, PY_HOST_FILE),
    rt.python,
    '-I',
    '-B',
    '/dlspec/host.py',
  ];
  const env = { PATH: '/usr/bin:/bin', HOME: '/tmp', TMPDIR: '/tmp', LANG: 'C.UTF-8', OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const rel = path.relative(submissionDir, entry);
  return {
    command,
    env,
    file: path.posix.join(SANDBOX_ROOT, rel.split(path.sep).join('/')),
    isPackage: path.basename(entry) === '__init__.py',
    copy,
    confinement: [
      `own process, Python ${rt.version} inside bubblewrap: own user/pid/network namespaces (no network, no other process visible), sees only /usr, a read-only copy of its folder and a ${SCRATCH_MB} MB /tmp`,
      rt.dropUid
        ? `runs as uid ${SANDBOX_UID}, not root; no new processes or threads`
        : process.getuid?.() === 0
          ? 'runs as host root inside its namespaces (could not drop to an unprivileged user here)'
          : 'no new processes or threads',
      'programs, sockets, ctypes and writes outside /tmp refused',
      prlimit ? `writable memory ≤ ${addressSpaceMb(memoryMb)} MB` : 'no memory cap (prlimit missing)',
    ],
    cleanup,
  };
}
