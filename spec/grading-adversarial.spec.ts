/**
 * The adversarial corpus (fixtures/adversarial/*): each case is graded with the default (strict)
 * isolation on the synthetic topic (spec/grading-topics.ts: items synth.square, synth.formula,
 * synth.hidden, synth.spin).  For every case: grading finishes, results.json is written, the
 * attacked items score 0, every other item is graded intact, and the attack's side effect did
 * not happen (no file written, no process started, no connection made, nothing read).  The
 * last test prints the count: cases tried, escapes (must be 0).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADVERSARIAL_DIR, adversarialSubmission, cleanup, tempFolder } from '../src/grading/fixtures.ts';
import { gradescopeResults, gradeSubmission, type GradeReport } from '../src/grading/grade.ts';
import { buildBundle } from '../src/grading/gradescope.ts';
import { REPO_ROOT } from '../src/grading/sandbox.ts';
import { unsharePath } from '../src/grading/launcher.ts';
import { SYNTH } from './grading-synth.ts';

const P = 'passed',
  F = 'failed';
type St = typeof P | typeof F;
interface Case {
  items: [square: St, formula: St, hidden: St, spin: St];
  /** words the failed items' (or the load error's) messages must contain */
  message?: RegExp;
  memoryMb?: number;
  /** per-item time limits (ms) */
  timeouts?: Record<string, number>;
  /** a side effect that must not have happened: returns a description when it did */
  escaped?: (seen: Seen, report: GradeReport) => string | undefined;
  /** made in the copied folder before grading (links cannot live in the fixture itself) */
  setup?: (dir: string) => void;
}
/** what one case's grading could have touched: its own mark folder and server */
interface Seen {
  mark: string;
  connections: number;
  before: number[];
}

const mtime = (f: string): number => (existsSync(f) ? statSync(f).mtimeMs : 0);
const watched = [path.join(REPO_ROOT, 'results.json'), '/tmp/results.json'];

const cases: Record<string, Case> = {
  // (its item at a 1 s limit: the loop spins a core until then)
  'endless-loop': { items: [P, P, P, F], message: /time limit: `synthSpin` did not return within the item's limit of 1 s/, timeouts: { 'synth.spin': 1000 } },
  'exit-at-import': { items: [F, F, F, F], message: /exited with code 0/ },
  'throw-at-import': { items: [F, F, F, F], message: /thrown at import time/ },
  // a file written at import: refused, and the message says what the sandbox allows
  'write-at-import': { items: [F, F, F, F], message: /Access to this API has been restricted \(the grader runs your code in a sandbox: it may read the files of your folder;/ },
  // (its heap growth needs ≈0.5 s alone to reach 256 MB, more beside other work: a time limit of 8 s, not the item's 1.5 s)
  'huge-allocation': { items: [F, P, F, F], message: /RangeError|memory/, memoryMb: 256, timeouts: { 'synth.spin': 8000 } },
  'nan-output': { items: [F, F, P, P], message: /NaN|should be a string/ },
  monkeypatch: { items: [F, P, F, P], message: /synthSquare\(-?\d+\) is wrong|should be 9/ },
  'read-reference': { items: [P, F, P, P], message: /your formula "n"/ },
  // here with no fd to find; spec/grading-inherited-fd.spec.ts grades it through the CLI holding inherited fds
  'inherited-fd': { items: [P, F, P, P], message: /your formula "n"/ },
  'import-reference': { items: [F, F, F, F], message: /refused: a submission may import only files inside its own folder/ },
  'write-results': {
    items: [P, P, P, P],
    escaped: ({ mark, before }) => (existsSync(path.join(mark, 'results.json')) ? 'wrote results.json' : watched.some((f, i) => mtime(f) !== before[i]) ? 'wrote a watched results.json' : undefined),
  },
  'fake-stdout': { items: [F, P, F, P], message: /synthSquare\(-?\d+\) is wrong|should be 9/ },
  spawn: {
    items: [P, F, P, P],
    escaped: ({ mark }) => (readdirSync(mark).some((f) => f.startsWith('spawned')) ? `started a process: ${readdirSync(mark).join(', ')}` : undefined),
  },
  network: { items: [P, F, P, P], escaped: ({ connections }) => (connections ? `${connections} connection(s) reached the spec's server` : undefined) },
  'kill-grader': { items: [F, P, F, P], message: /killed by SIGKILL|exited|time limit/ },
  // forged replies whose function paths climb into the checks' prototypes: refused as unreadable data,
  // and the checks' process stays intact (the other items pass)
  'proto-pollution': { items: [F, P, F, P], message: /returned data that could not be read: a function was placed at an invalid path/ },
  'link-traversal': { items: [P, F, P, P], message: /your formula "n"/ },
  'tsconfig-paths': { items: [P, F, P, P], message: /your formula "n"/ },
  'package-imports': { items: [P, F, P, P], message: /your formula "n"/ },
  symlinks: {
    items: [F, F, F, F],
    message: /your submission contains symbolic links \(key\.ts, peers, root\); links are not graded/,
    setup: (dir) => {
      symlinkSync('/', path.join(dir, 'root'));
      symlinkSync('..', path.join(dir, 'peers'));
      symlinkSync(path.join(REPO_ROOT, 'src/rnn/reference.ts'), path.join(dir, 'key.ts'));
    },
  },
  // a 12 MB error, a 40 MB wrong answer and 60 MB printed: each reported as what it is, clipped
  'huge-messages': {
    items: [F, P, F, P],
    message: /characters in all\)|synthSquare\(3\) should be 9/,
    timeouts: { 'synth.square': 20_000, 'synth.spin': 20_000 },
    escaped: (_, r) => (Object.values(r.claims).some((c) => /process\.exit|exited with code/.test(c.message)) ? 'a large reply was lost' : undefined),
  },
  // Unix sockets (unchecked by Node's permission model): no socket file outside scratch, no connection to the host's
  'unix-socket': {
    items: [P, F, P, P],
    escaped: ({ mark, connections }) => {
      const made = ['/tmp/dlspec-evil.sock', path.join(mark, 'results.json'), path.join(mark, 'evil.sock')].filter((f) => existsSync(f));
      return made.length ? `created ${made.join(', ')}` : connections ? `${connections} connection(s) reached the host's sockets` : undefined;
    },
  },
  // the scratch folder is a size-limited tmpfs of the sandbox's own: filling it stops there
  'disk-fill': { items: [P, F, P, P], message: /your formula "n"/ },
  // trace files land in the sandbox's scratch folder (its working directory), never in the grader's
  'trace-events': {
    items: [P, P, P, P],
    escaped: (_, r) => {
      const found = [REPO_ROOT, process.cwd()].flatMap((d) =>
        readdirSync(d)
          .filter((f) => /^node_trace\./.test(f))
          .map((f) => path.join(d, f)),
      );
      return found.length ? `wrote ${found.join(', ')}` : r.score === 0 ? 'not graded' : undefined;
    },
  },
  // terminal control sequences and bare carriage returns never reach a report
  'terminal-escapes': {
    items: [F, P, F, P],
    message: /ALL TESTS PASSED/,
    escaped: (_, r) => {
      const texts = [...Object.values(r.claims).map((c) => c.message), JSON.stringify(gradescopeResults(r))];
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      return texts.some((t) => /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/.test(t)) ? 'a control character reached the report' : undefined;
    },
  },
};

const run = promisify(execFile);
const tally = { tried: 0, escapes: [] as string[] };
const reports: Record<string, GradeReport> = {};

afterAll(() => {
  console.log(
    `adversarial corpus: ${tally.tried} cases tried, ${tally.escapes.length} escapes${tally.escapes.length ? `: ${tally.escapes.join('; ')}` : ''}` +
      ` (network and pid namespaces: ${unsharePath() ? 'yes' : 'NO — unshare not permitted here'})`,
  );
});

// one case at a time: run together, 13 sandboxes share the cores and the heap-growth case can
// reach synthSpin's time limit before its heap limit
describe('adversarial submissions are contained (strict isolation)', () => {
  test('every case in fixtures/adversarial has a spec', () => {
    expect(readdirSync(ADVERSARIAL_DIR).sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [name, c] of Object.entries(cases)) {
    test(
      name,
      async () => {
        const seen: Seen = { mark: tempFolder('dlspec-mark-'), connections: 0, before: watched.map(mtime) };
        const { mark } = seen;
        const server = net.createServer((s) => {
          seen.connections++;
          s.destroy();
        });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
        // a Unix socket the host serves: a sandbox must not reach it
        const hostSocket = net.createServer((s) => {
          seen.connections++;
          s.destroy();
        });
        await new Promise<void>((r) => hostSocket.listen(path.join(mark, 'host.sock'), () => r()));
        const port = (server.address() as net.AddressInfo).port;
        const dir = adversarialSubmission(name, { __MARK__: mark, __PORT__: String(port) });
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
          reports[name] = r;
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
              .map((x) => `${x.id}: ${x.message}`)
              .join('\n'),
          ).toEqual(c.items);
          expect(esc).toBeUndefined();
          if (c.message) {
            const failedMessages = Object.values(r.claims)
              .filter((x) => x.status === 'failed')
              .map((x) => x.message);
            for (const m of failedMessages) expect(m).toMatch(c.message.source.includes('formula') ? /./ : c.message);
            expect(failedMessages.join('\n')).toMatch(c.message);
          }
          expect(r.score).toBe(r.tests.reduce((s, t) => s + t.score, 0));
        } finally {
          server.close();
          hostSocket.close();
          cleanup(dir);
          cleanup(mark);
          cleanup(path.dirname(out));
        }
      },
      90_000,
    );
  }
});

// The same attacks as a Gradescope autograder meets them: the bundle unzipped into
// <root>/source (packages linked, as spec/grading-batch.spec.ts does; spec/gradescope-install.spec.ts
// installs them for real), the student's files in <root>/submission, run_autograder writing
// <root>/results/results.json.  The attacks aim at the bundle's own files (its src/, its spec/).
describe('adversarial submissions are contained in the Gradescope layout', () => {
  const GRADESCOPE_CASES = [
    'proto-pollution',
    'link-traversal',
    'tsconfig-paths',
    'package-imports',
    'symlinks',
    'huge-messages',
    'terminal-escapes',
    'read-reference',
    'import-reference',
    'unix-socket',
    'disk-fill',
    'trace-events',
  ];
  let ag = '';
  beforeAll(() => {
    ag = path.join(tempFolder('dlspec-gs-adv-'), 'autograder');
    const topics = path.join(ag, 'source', 'spec', 'grading-topics.ts');
    const { zip } = buildBundle({ course: 'CSE891', gradeArgs: ['--topics-module', topics, '--topic', 'synth'] });
    for (const [name, data] of Object.entries(unzipSync(zip))) {
      const p = path.join(ag, 'source', name);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, data);
    }
    cpSync(path.join(REPO_ROOT, 'spec', 'grading-topics.ts'), topics);
    cpSync(path.join(ag, 'source', 'run_autograder'), path.join(ag, 'run_autograder'));
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(ag, 'source', 'node_modules'));
  });
  afterAll(() => cleanup(path.dirname(ag)));

  for (const name of GRADESCOPE_CASES) {
    test(
      name,
      async () => {
        const c = cases[name];
        const sub = path.join(ag, 'submission');
        cleanup(sub);
        adversarialSubmission(name, { __REPO__: path.join(ag, 'source'), __MARK__: path.join(ag, 'mark'), __PORT__: '9' }, sub);
        c.setup?.(sub);
        await run('bash', [path.join(ag, 'run_autograder')], { env: { ...process.env, AUTOGRADER_ROOT: ag } });
        const results = JSON.parse(readFileSync(path.join(ag, 'results', 'results.json'), 'utf8')) as {
          score: number;
          output: string;
          tests: { name: string; status: string; score: number; output: string }[];
        };
        const statusOf = (id: string): string | undefined => results.tests.find((t) => t.name.includes(`— ${id}:`))?.status;
        const got = ['synth.square', 'synth.formula', 'synth.hidden', 'synth.spin'].map(statusOf);
        tally.tried++;
        if (JSON.stringify(got) !== JSON.stringify(c.items)) tally.escapes.push(`${name} (Gradescope layout): items ${got.join(',')} ≠ expected ${c.items.join(',')}`);
        expect(got, results.tests.map((t) => `${t.name}: ${t.output}`).join('\n')).toEqual(c.items);
        expect(results.score).toBe(results.tests.reduce((a, t) => a + t.score, 0));
        if (c.message)
          expect(
            results.tests
              .filter((t) => t.status === 'failed')
              .map((t) => t.output)
              .join('\n'),
          ).toMatch(c.message);
        // eslint-disable-next-line no-control-regex -- looking for control characters is the point
        expect(JSON.stringify(results)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
        expect(readdirSync(path.join(ag, 'source')).filter((f) => /^node_trace\./.test(f))).toEqual([]); // nothing written into the grader's files
      },
      120_000,
    );
  }
});
