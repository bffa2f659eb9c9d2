/**
 * The command line refuses mistakes: every bad command line below exits 2 with one line on
 * stderr naming the problem and what was expected, before any work; `--help` on any command
 * prints help and does nothing else; a failure of the grader itself is one line and exit 3.
 * All through cli.ts's `main` in this process (no grading starts, except where a test says so).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { topics } from '../src/registry.ts';
import { tempFolder, writeSubmission } from '../src/grading/fixtures.ts';
import { cliInProcess, SYNTH, SYNTH_REF, tempFolders } from './grading-synth.ts';

const temp = tempFolders();
const root = temp(tempFolder('dlspec-cli-'));
const REF = 'fixtures/submissions/reference';
const CLASS = path.join(root, 'class'); // one student
writeSubmission({ 'index.ts': SYNTH_REF }, path.join(CLASS, 'ann'));
const NO_STUDENTS = path.join(root, 'no-students');
mkdirSync(NO_STUDENTS);
const NO_MODULE = path.join(root, 'no-module');
mkdirSync(NO_MODULE);
const SOLO = path.join(root, 'solo'); // one submission, with a folder of its own files
writeSubmission({ 'index.ts': SYNTH_REF, 'data/notes.txt': 'x' }, SOLO);
const NOTES = path.join(root, 'notes.txt');
writeFileSync(NOTES, 'not a module\n');
const out = (name: string): string => path.join(root, 'out', name);

const ids = topics.map((t) => t.id).join(', ');
const COMMANDS = 'list, check, grade, key, grade-all, gradescope-bundle, contract, student-kit, help';
const GRADE_OPTIONS = '--out, --course, --format, --seed, --student-id, --tags, --topic, --scale, --timeout-ms, --memory-mb, --parallel, --isolation, --verbose, --visibility';

// [command line, exit code, the one line on stderr]
const BAD: [string[], number, string][] = [
  [['frobnicate'], 2, `dlspec: unknown command "frobnicate"; expected one of ${COMMANDS}`],
  [['frobnicate', '--help'], 2, `dlspec: unknown command "frobnicate"; expected one of ${COMMANDS}`],
  [['help', 'nope'], 2, `dlspec: unknown command "nope"; expected one of ${COMMANDS}`],
  [['--cource', 'CSE891'], 2, 'dlspec: unknown option --cource; expected a command first: one of list, check, grade, key, grade-all, gradescope-bundle, contract, student-kit'],
  [['list', 'rnn'], 2, 'dlspec list: unexpected argument "rnn"; expected dlspec list [options]'],
  [['list', '--course', 'CS231n'], 2, 'dlspec list: --course got "CS231n"; expected one of CIE6032, ELEG5491, CSE891, CSC421, all'],
  // grade
  [['grade'], 2, 'dlspec grade: missing <dir> (the submission: a folder (index.ts, …) or one module file); expected dlspec grade [options] <dir>'],
  [['grade', 'nonexistent/'], 2, 'dlspec grade: submission "nonexistent/" not found; expected a submission folder or module file'],
  [['grade', NOTES], 2, `dlspec grade: submission ${JSON.stringify(NOTES)} is neither a folder nor a module file; expected a submission folder or a .ts/.js module`],
  [['grade', REF, 'extra'], 2, 'dlspec grade: unexpected argument "extra"; expected dlspec grade [options] <dir>'],
  [['grade', REF, '--cource', 'CSE891'], 2, `dlspec grade: unknown option --cource (did you mean --course?); expected one of ${GRADE_OPTIONS}`],
  [['grade', REF, '--course', 'CS231n'], 2, 'dlspec grade: --course got "CS231n"; expected one of CIE6032, ELEG5491, CSE891, CSC421, all'],
  [['grade', REF, '--format', 'xml'], 2, 'dlspec grade: --format got "xml"; expected one of text, md, json'],
  [['grade', REF, '--isolation', 'none'], 2, 'dlspec grade: --isolation got "none"; expected one of strict, process'],
  [['grade', REF, '--tags', 'fast'], 2, 'dlspec grade: --tags got "fast"; expected a comma-separated list of slow, gpu'],
  [['grade', REF, '--tags', 'slow,'], 2, 'dlspec grade: --tags got "slow,"; expected a comma-separated list of slow, gpu'],
  [['grade', REF, '--topic', 'rnn,,lstm'], 2, 'dlspec grade: --topic got "rnn,,lstm"; expected topic ids separated by commas'],
  [['grade', REF, '--scale', 'abc'], 2, 'dlspec grade: --scale got "abc"; expected a number in (0, 4]'],
  [['grade', REF, '--scale', '0'], 2, 'dlspec grade: --scale got "0"; expected a number in (0, 4]'],
  [['grade', REF, '--scale', '5'], 2, 'dlspec grade: --scale got "5"; expected a number in (0, 4]'],
  [['grade', REF, '--timeout-ms', '0'], 2, 'dlspec grade: --timeout-ms got "0"; expected a positive integer'],
  [['grade', REF, '--memory-mb', '-5'], 2, 'dlspec grade: --memory-mb got "-5"; expected a positive integer'],
  [['grade', REF, '--parallel', '1.5'], 2, 'dlspec grade: --parallel got "1.5"; expected a positive integer'],
  [['grade', REF, '--seed'], 2, 'dlspec grade: --seed has no value; expected --seed <s>'],
  [['grade', REF, '--seed', '--topic', 'rnn'], 2, 'dlspec grade: --seed has no value (--topic is an option); expected --seed <s>'],
  [['grade', REF, '--out', ''], 2, 'dlspec grade: --out has no value; expected --out <file>'],
  [['grade', REF, '--topics-module', 'nope.ts'], 2, 'dlspec grade: --topics-module "nope.ts" not found; expected a module file that exports topics'],
  // grade-all
  [
    ['grade-all', SOLO],
    2,
    `dlspec grade-all: ${JSON.stringify(SOLO)} is one submission (it has index.ts at its top): grade it with dlspec grade ${JSON.stringify(SOLO)}; grade-all takes a folder with one sub-folder per student`,
  ],
  [['grade-all'], 2, 'dlspec grade-all: missing <folder> (one sub-folder per student (its name is the student id)); expected dlspec grade-all [options] <folder>'],
  [['grade-all', 'doesnotexist'], 2, 'dlspec grade-all: folder "doesnotexist" not found; expected a folder with one sub-folder per student'],
  [['grade-all', NOTES], 2, `dlspec grade-all: ${JSON.stringify(NOTES)} is not a folder; expected a folder with one sub-folder per student`],
  [['grade-all', NO_STUDENTS], 2, `dlspec grade-all: folder ${JSON.stringify(NO_STUDENTS)} has no sub-folders; expected a folder with one sub-folder per student`],
  [['grade-all', CLASS, '--jobs', 'abc', '--out-dir', out('jobs')], 2, 'dlspec grade-all: --jobs got "abc"; expected a positive integer'],
  [['grade-all', CLASS, '--jobs', '0'], 2, 'dlspec grade-all: --jobs got "0"; expected a positive integer'],
  [['grade-all', CLASS, '--course', 'CS231n'], 2, 'dlspec grade-all: --course got "CS231n"; expected one of CIE6032, ELEG5491, CSE891, CSC421, all'],
  [['grade-all', CLASS, '--topic', 'rnnn', '--out-dir', out('topic')], 2, `dlspec grade-all: unknown topic 'rnnn'; expected some of ${ids}`],
  [['grade-all', CLASS, '--course', 'CSE891', '--topic', 'rnn'], 2, `dlspec grade-all: topic rnn has no items in CSE891; expected topics of CSE891: adder, lstm, cnnparams, resnet, pixelcnn`],
  // student-kit: one course, into a new or empty folder (or over an earlier kit)
  [['student-kit'], 2, 'dlspec student-kit: --course is required; expected --course <course>: the course, one of CIE6032, ELEG5491, CSE891, CSC421'],
  [['student-kit', '--course', 'all'], 2, 'dlspec student-kit: --course got "all"; expected one course (a kit is one course\'s): one of CIE6032, ELEG5491, CSE891, CSC421'],
  [['student-kit', '--course', 'CSE891', '--out', NOTES], 2, `dlspec student-kit: --out ${JSON.stringify(NOTES)} is a file; expected a folder for the kit`],
  [
    ['student-kit', '--course', 'CSE891', '--out', CLASS],
    2,
    `dlspec student-kit: --out ${JSON.stringify(CLASS)} is not empty and holds no kit; expected a new or empty folder, or an earlier kit to replace`,
  ],
  // gradescope-bundle: one assignment is one course
  [
    ['gradescope-bundle', '--out', out('a.zip')],
    2,
    "dlspec gradescope-bundle: --course is required; expected --course <course>: the assignment's course, one of CIE6032, ELEG5491, CSE891, CSC421 (one Gradescope assignment is one course)",
  ],
  [
    ['gradescope-bundle', '--course', 'all', '--out', out('a.zip')],
    2,
    'dlspec gradescope-bundle: --course got "all"; expected one course (one Gradescope assignment is one course): one of CIE6032, ELEG5491, CSE891, CSC421',
  ],
  [['gradescope-bundle', '--course', 'CIE6032', '--topic', 'rnnn', '--out', out('a.zip')], 2, `dlspec gradescope-bundle: unknown topic 'rnnn'; expected some of ${ids}`],
  [['gradescope-bundle', '--course', 'CIE6032', '--tags', 'fast', '--out', out('a.zip')], 2, 'dlspec gradescope-bundle: --tags got "fast"; expected a comma-separated list of slow, gpu'],
  // key and check
  [['key', '--topic', 'rnnn', '--out', out('key.md')], 2, `dlspec key: unknown topic 'rnnn'; expected some of ${ids}`],
  [['key', '--tags', 'fast', '--out', out('key.md')], 2, 'dlspec key: --tags got "fast"; expected a comma-separated list of slow, gpu'],
  [['check', '--topic', 'rnnn'], 2, `dlspec check: unknown topic 'rnnn'; expected some of ${ids}`],
  [['check', '--submission', 'nope'], 2, 'dlspec check: --submission "nope" not found; expected a submission folder or module file'],
  [
    ['check', '--submission', NO_MODULE],
    2,
    `dlspec check: --submission ${JSON.stringify(NO_MODULE)} has no module; expected a folder with one of index.ts, index.mts, index.js, index.mjs, submission.ts, submission.js, __init__.py, submission.py, or a module file`,
  ],
  [['check', '--seed'], 2, 'dlspec check: --seed has no value; expected --seed <s>'],
];

describe('bad command lines: exit 2, one line naming the mistake and what was expected', () => {
  test.each(BAD)('dlspec %j', async (argv, code, line) => {
    const r = await cliInProcess(argv);
    expect(r.stderr).toBe(line);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
  });

  test('nothing was written by the refused command lines', () => {
    expect(existsSync(path.join(root, 'out'))).toBe(false);
  });

  test('a --topic the grader refuses (it knows the topics only from its check runner): exit 2, no results.json', async () => {
    const results = out('synht.json');
    const r = await cliInProcess(['grade', path.join(CLASS, 'ann'), '--topics-module', SYNTH, '--topic', 'synht', '--out', results]);
    expect(r.stderr).toBe("dlspec grade: unknown topic 'synht'; expected some of synth, flaky");
    expect(r.code).toBe(2);
    expect(existsSync(results)).toBe(false);
  }, 60_000);
});

test("list --course: that course's items as the grader numbers them, and their points", async () => {
  const r = await cliInProcess(['list', '--course', 'CSE891']);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines.at(-1)).toBe(`${lines.length - 1} items, 10 points`);
  expect(lines[0]).toMatch(/^1\.1 +adder\.exhaustive +1\.5 pt /);
});

describe('a folder where one submission should be that holds none: graded (results.json says why), exit 2', () => {
  test('a class folder handed to grade', async () => {
    const two = path.join(root, 'two');
    for (const st of ['ann', 'ben']) writeSubmission({ 'index.ts': SYNTH_REF }, path.join(two, st));
    const results = out('two.json');
    const r = await cliInProcess(['grade', two, '--topics-module', SYNTH, '--topic', 'synth', '--course', 'CSE891', '--out', results]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `dlspec grade: no submission module at the top of ${two}, but 2 of its folders hold one (ann, ben): one submission is one module at the top of the folder handed in; a class's folder is graded with dlspec grade-all ${JSON.stringify(two)}`,
    );
    expect(JSON.parse(readFileSync(results, 'utf8')).score).toBe(0);
  }, 60_000);
});

describe('help: printed, exit 0, and nothing else done', () => {
  test.each([[['-h']], [['--help']], [['help']], [[]]])('dlspec %j: the overview', async (argv) => {
    const r = await cliInProcess(argv);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: dlspec \[options\] \[command\]/);
    for (const c of ['list', 'check', 'grade', 'key', 'grade-all', 'gradescope-bundle', 'student-kit']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  const HELP: [string, string[], string][] = [
    ['list', ['list', '--help'], ''],
    ['check', ['check', '--topic', 'rnn', '-h'], ''],
    ['grade', ['grade', path.join(CLASS, 'ann'), '--out', out('r.json'), '--help'], 'r.json'],
    ['grade', ['help', 'grade'], ''],
    ['key', ['key', '--out', out('key.md'), '--help'], 'key.md'],
    ['grade-all', ['grade-all', CLASS, '--out-dir', out('grades'), '--jobs', 'abc', '-h'], 'grades'], // help even with a malformed value
    ['gradescope-bundle', ['gradescope-bundle', '--help', '--out', out('X.zip'), '--course', 'CIE6032'], 'X.zip'],
  ];
  test.each(HELP)('dlspec %s help: %j', async (cmd, argv, file) => {
    const t0 = performance.now();
    const r = await cliInProcess(argv);
    expect(performance.now() - t0).toBeLessThan(1000); // the key alone takes minutes, a registry load seconds
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: dlspec ${cmd} `));
    expect(r.stdout).not.toMatch(/^PASS |written to|submissions graded in|^dlspec grade /m); // what the commands print when they work
    if (file) expect(existsSync(out(file))).toBe(false);
  });

  test('grade-all lists --resume; gradescope-bundle shows --course without a default', async () => {
    expect((await cliInProcess(['grade-all', '-h'])).stdout).toMatch(/--resume +keep the students already graded/);
    expect((await cliInProcess(['gradescope-bundle', '-h'])).stdout).toMatch(/--course <course> +the assignment's course/);
  });
});

describe('a failure of the grader itself: one line, exit 3, results.json still written', () => {
  const dir = temp(writeSubmission({ 'broken-topics.ts': "throw new Error('broken registry');\nexport const topics = [];\n", 'index.ts': SYNTH_REF }));
  const topicsModule = path.join(dir, 'broken-topics.ts');
  test.each([[[]], [['--verbose']]])(
    'dlspec grade with a topics module that throws %j',
    async (extra) => {
      const results = path.join(dir, `results${extra.length}.json`);
      const r = await cliInProcess(['grade', dir, '--out', results, '--topics-module', topicsModule, ...extra]);
      expect(r.code).toBe(3);
      const lines = r.stderr.split('\n');
      expect(lines[0]).toBe('dlspec grade: internal error: broken registry');
      if (extra.length) expect(lines.slice(1).join('\n')).toMatch(/^Error: broken registry\n +at /);
      else if (process.env.DLSPEC_DEBUG !== '1') expect(lines).toHaveLength(1);
      expect(JSON.parse(readFileSync(results, 'utf8'))).toMatchObject({ score: 0, tests: [], output: expect.stringMatching(/^The autograder failed before grading: .*broken registry/) });
    },
    60_000,
  );
});
