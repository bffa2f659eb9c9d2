/**
 * The Python adversarial corpus (fixtures/adversarial-py/<case>/submission.py): each case is graded
 * with gradeSubmission on the synthetic topic (spec/grading-topics.ts: items synth.square,
 * synth.formula, synth.hidden, synth.spin; exports synth_square, synth_param_count, synth_spin),
 * where a Python submission runs in its bubblewrap sandbox (src/grading/python/).  For every case:
 * grading finishes, results.json is written, the attacked items score 0, every other item is graded
 * intact, and the attack's side effect did not happen (no file written outside, no process left,
 * no connection made, no secret read).  Many cases set the formula right only if their attack
 * worked, so that an escape shows as a passed item.  The last line counts cases and escapes.
 * Skipped, saying what to install, where the Python sandbox cannot run.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanup, tempFolder } from '../src/grading/fixtures.ts';
import { gradescopeResults, gradeSubmission, type GradeReport } from '../src/grading/grade.ts';
import { PYTHON_PACKAGES, pythonRuntime } from '../src/grading/python/sandbox.ts';
import { REPO_ROOT } from '../src/grading/sandbox.ts';
import { SYNTH } from './grading-synth.ts';

const PY_ADVERSARIAL_DIR = path.join(REPO_ROOT, 'fixtures/adversarial-py');

let unavailable = '';
if (!existsSync('/usr/bin/bwrap') && !existsSync('/bin/bwrap')) unavailable = 'bubblewrap (/usr/bin/bwrap) is missing';
else {
  try {
    pythonRuntime();
  } catch (e) {
    unavailable = (e as Error).message;
  }
}
if (unavailable) console.warn(`Python adversarial corpus not run: ${unavailable} (apt-get install ${PYTHON_PACKAGES})`);
const pyDescribe = unavailable ? describe.skip : describe;

const P = 'passed',
  F = 'failed';
type St = typeof P | typeof F;
interface Case {
  items: [square: St, formula: St, hidden: St, spin: St];
  /** words the failed items' messages must contain (all together) */
  message?: RegExp;
  memoryMb?: number;
  /** per-item time limits (ms) */
  timeouts?: Record<string, number>;
  /** a side effect that must not have happened: returns a description when it did */
  escaped?: (seen: Seen, report: GradeReport) => string | undefined;
  /** made in the copied folder before grading (links cannot live in the fixture itself) */
  setup?: (dir: string) => void;
}
/** what one case's grading could have touched: its mark folder, its servers, its marker */
interface Seen {
  mark: string;
  connections: number;
  before: number[];
  /** the argument of the `sleep` a case tries to start (found among the host's processes = escape) */
  marker: string;
}

const mtime = (f: string): number => (existsSync(f) ? statSync(f).mtimeMs : 0);
const watched = [path.join(REPO_ROOT, 'results.json'), '/tmp/results.json', '/results.json', '/dev/shm/results.json'];
/** processes on the host whose command line holds `marker` (a sleep the sandbox tried to start) */
const processesWith = (marker: string): string[] =>
  execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(marker) && !l.includes('ps -eo'));
const noProcess = ({ marker }: Seen): string | undefined => {
  const found = processesWith(marker);
  return found.length ? `started a process: ${found.join('; ')}` : undefined;
};
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/;

const cases: Record<string, Case> = {
  // (its item at a 1 s limit: the loop spins a core until then)
  'endless-loop': { items: [P, P, P, F], message: /time limit: `synth_spin` did not return within the item's limit of 1 s/, timeouts: { 'synth.spin': 1000 } },
  'exit-at-import': { items: [F, F, F, F], message: /exited with code 0/ },
  'throw-at-import': { items: [F, F, F, F], message: /RuntimeError: boom at import/ },
  // 10 GB of NumPy, and 4 GB of shared memory (which prlimit --data alone let through: measured 5 GB touched)
  'huge-allocation': { items: [F, P, F, F], message: /MemoryError|Cannot allocate memory/, memoryMb: 512, timeouts: { 'synth.square': 8000, 'synth.hidden': 8000, 'synth.spin': 8000 } },
  'nan-output': { items: [F, F, P, F], message: /synth_square\(-?\d+\) is wrong: expected \d+, received NaN/ },
  spawn: { items: [P, F, P, P], message: /your formula "n"/, escaped: noProcess },
  // (before the sandbox ran as an unprivileged user, a root grader's RLIMIT_NPROC bound nothing: fork worked)
  'fork-bomb': { items: [P, F, P, P], message: /your formula "n"/, escaped: noProcess },
  threads: { items: [P, F, P, P], message: /your formula "n"/ },
  network: { items: [P, F, P, P], message: /your formula "n"/, escaped: ({ connections }) => (connections ? `${connections} connection(s) reached the spec's servers` : undefined) },
  ctypes: { items: [P, F, P, P], message: /your formula "n"/, escaped: noProcess },
  'read-reference': { items: [P, F, P, P], message: /your formula "n"/ },
  // here with no fd to find; spec/grading-inherited-fd.spec.ts grades it through the CLI holding inherited fds
  'inherited-fd': { items: [P, F, P, P], message: /your formula "n"/ },
  'import-reference': { items: [P, F, P, P], message: /your formula "n"/ },
  'write-results': {
    items: [P, P, P, P],
    escaped: ({ mark, before }) => {
      const made = [path.join(mark, 'results.json'), '/autograder/results/results.json'].filter((f) => existsSync(f));
      if (made.length) return `wrote ${made.join(', ')}`;
      return watched.some((f, i) => mtime(f) !== before[i]) ? 'wrote a watched results.json' : undefined;
    },
  },
  'fake-stdout': { items: [F, P, F, P], message: /synth_square\(-?\d+\) is wrong|should be 9/ },
  monkeypatch: { items: [F, P, F, P], message: /synth_square\(-?\d+\) is wrong|should be 9/ },
  // (synth_spin returns a fake ndarray whose view() never returns: its item at a 1 s limit)
  'lying-objects': { items: [F, P, F, F], message: /cannot be sent back|time limit|is wrong|should be 9/, timeouts: { 'synth.spin': 1000 } },
  'lying-module-value': { items: [P, F, P, P] },
  // a 12 MB error, a 40 MB wrong answer, 300 MB over the size limit and 60 MB printed: each reported as what it is, clipped
  'huge-messages': {
    items: [F, P, F, F],
    message: /characters in all\)|returned 300 MB of data/,
    timeouts: { 'synth.square': 20_000, 'synth.hidden': 20_000, 'synth.spin': 20_000 },
    escaped: (_, r) => (Object.values(r.claims).some((c) => /exited with code|killed by/.test(c.message) || c.message.length > 20_000) ? 'a large reply was lost or not clipped' : undefined),
  },
  'deep-recursion': { items: [F, P, F, F], message: /SIGSEGV|RecursionError|nested deeper/ },
  signals: { items: [F, P, F, F], message: /killed by|exited|KeyboardInterrupt|returned 41/ },
  'forge-frames': {
    items: [F, P, F, F],
    escaped: (_, r) =>
      (Object.prototype as Record<string, unknown>).polluted !== undefined ? 'polluted Object.prototype' : r.claims['synth.formula'].status !== P ? 'the formula was lost' : undefined,
  },
  'host-takeover': { items: [F, P, F, F], message: /is wrong|should be 9|threw ok/ },
  'terminal-escapes': {
    items: [F, P, F, P],
    message: /ALL TESTS PASSED/,
    escaped: (_, r) => {
      const texts = [...Object.values(r.claims).map((c) => c.message), JSON.stringify(gradescopeResults(r))];
      return texts.some((t) => CONTROL.test(t)) ? 'a control character reached the report' : undefined;
    },
  },
  // /tmp is the sandbox's own 512 MB tmpfs; a memfd stops at the file size limit
  'disk-fill': { items: [P, F, P, P], message: /your formula "n"/ },
  symlinks: {
    items: [F, F, F, F],
    message: /your submission contains symbolic links \(key\.py, peers, root\); links are not graded/,
    setup: (dir) => {
      symlinkSync('/', path.join(dir, 'root'));
      symlinkSync('..', path.join(dir, 'peers'));
      symlinkSync(path.join(REPO_ROOT, 'fixtures/submissions/reference-py/rnn.py'), path.join(dir, 'key.py'));
    },
  },
};

/** A copy of fixtures/adversarial-py/<name>/ with its placeholders filled in (as adversarialSubmission does for TypeScript). */
function pySubmission(name: string, values: Record<string, string>): string {
  const dir = tempFolder();
  cpSync(path.join(PY_ADVERSARIAL_DIR, name), dir, { recursive: true });
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.py'))) {
    let text = readFileSync(path.join(dir, f), 'utf8');
    for (const [k, v] of Object.entries({ __REPO__: REPO_ROOT, ...values })) text = text.split(k).join(v);
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const listen = (server: net.Server, where: number | string): Promise<void> =>
  new Promise((r) => (typeof where === 'number' ? server.listen(where, '127.0.0.1', () => r()) : server.listen(where, () => r())));

const tally = { tried: 0, escapes: [] as string[] };

afterAll(() => {
  if (!unavailable) console.log(`python adversarial corpus: ${tally.tried} cases tried, ${tally.escapes.length} escapes${tally.escapes.length ? `: ${tally.escapes.join('; ')}` : ''}`);
});

// one case at a time: run together, the sandboxes share the cores and time limits become races
pyDescribe('adversarial Python submissions are contained (bubblewrap sandbox)', () => {
  test('every case in fixtures/adversarial-py has a spec', () => {
    expect(readdirSync(PY_ADVERSARIAL_DIR).sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [name, c] of Object.entries(cases)) {
    test(
      name,
      async () => {
        const mark = tempFolder('dlspec-mark-');
        const seen: Seen = { mark, connections: 0, before: watched.map(mtime), marker: '' };
        const count = (s: net.Socket): void => {
          seen.connections++;
          s.destroy();
        };
        const tcp = net.createServer(count);
        await listen(tcp, 0);
        const port = (tcp.address() as net.AddressInfo).port;
        seen.marker = `1000.${port}`;
        // a Unix socket the host serves, by path and by abstract name: the sandbox must reach neither
        const unix = net.createServer(count);
        await listen(unix, path.join(mark, 'host.sock'));
        const abstract = net.createServer(count);
        await listen(abstract, `\0dlspec-adv-${port}`);
        // a secret in the grader's environment: no file or variable in the sandbox may show it
        process.env.DLSPEC_ADV_SECRET = 'n^2 + n';
        const dir = pySubmission(name, { __MARK__: mark, __PORT__: String(port) });
        c.setup?.(dir);
        const out = path.join(tempFolder(), 'results.json');
        try {
          tally.tried++;
          const r = await gradeSubmission(dir, {
            topicsModule: SYNTH,
            topicIds: ['synth'],
            course: 'CSE891',
            sandbox: { loadTimeoutMs: 20_000, defaultTimeoutMs: 8000, ...(c.memoryMb ? { memoryMb: c.memoryMb } : {}), ...(c.timeouts ? { timeouts: c.timeouts } : {}) },
          });
          writeFileSync(out, JSON.stringify(gradescopeResults(r)));
          const got = ['synth.square', 'synth.formula', 'synth.hidden', 'synth.spin'].map((id) => r.claims[id].status);
          const problems: string[] = [];
          if (JSON.stringify(got) !== JSON.stringify(c.items)) problems.push(`items ${got.join(',')} ≠ expected ${c.items.join(',')}`);
          const esc = c.escaped?.(seen, r);
          if (esc) problems.push(esc);
          if (problems.length) tally.escapes.push(`${name}: ${problems.join('; ')}`);
          expect(existsSync(out)).toBe(true);
          expect(
            got,
            Object.values(r.claims)
              .map((x) => `${x.id}: ${x.message.slice(0, 600)}`)
              .join('\n'),
          ).toEqual(c.items);
          expect(esc).toBeUndefined();
          if (c.message)
            expect(
              Object.values(r.claims)
                .filter((x) => x.status === 'failed')
                .map((x) => x.message)
                .join('\n'),
            ).toMatch(c.message);
          expect(r.score).toBe(r.tests.reduce((s, t) => s + t.score, 0));
          // nothing of the attack outside: no marked process, no connection, no file in the mark folder
          expect(processesWith(seen.marker)).toEqual([]);
          expect(seen.connections).toBe(0);
          expect(readdirSync(mark)).toEqual(['host.sock']);
        } finally {
          delete process.env.DLSPEC_ADV_SECRET;
          await Promise.all([tcp, unix, abstract].map((s) => new Promise((r) => s.close(r))));
          cleanup(dir);
          cleanup(mark);
          cleanup(path.dirname(out));
        }
      },
      120_000,
    );
  }
});
