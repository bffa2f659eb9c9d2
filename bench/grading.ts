/**
 * Autograder timing: seconds to grade one submission (every default-suite problem of every
 * topic in the registry, each course), measured on fixtures/submissions/reference.
 *
 * Prints wall time per submission and the CPU time it used (this process plus its reaped
 * children, from /proc/self/stat), and the load average: on a shared machine wall time is
 * inflated by the other processes, CPU time much less so.  Target: ≤ 10 s wall on the 2-core
 * machine.  Then `grade-all` over 50 copies of the reference (DLSPEC_BENCH_COPIES; 0 skips it):
 * submissions per minute.  First, the per-call cost of functions across the strict sandbox and the
 * Python sandbox; the Python reference (fixtures/submissions/reference-py) is timed beside the
 * TypeScript one, alternating, with their ratio (target ≤ 1.5×).
 * `tsx bench/grading.ts [N]` runs it alone; bench/index.ts calls `bench()`.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { gradeAll } from '../src/grading/batch.ts';
import { cleanup, tempFolder } from '../src/grading/fixtures.ts';
import { pathToFileURL } from 'node:url';
import { PY_REFERENCE_SUBMISSION, REFERENCE_SUBMISSION } from '../src/grading/fixtures.ts';
import { gradeSubmission, type GradeReport } from '../src/grading/grade.ts';
import { pythonRuntime } from '../src/grading/python/sandbox.ts';
import { openStrict } from '../src/grading/strict.ts';
import { makeMulCounter } from '../src/mlp/counters.ts';
import { RUN_CLAIM_IDS } from '../src/cifar/run-claims.ts';
import { GENERATOR_CLAIM_IDS } from '../src/infogan/generator-claims.ts';

/** user+system CPU seconds of this process and of its children that have exited (Linux). */
function cpuSeconds(): number {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // fields after the command: state=0 … utime=11 stime=12 cutime=13 cstime=14 (clock ticks, 100 Hz)
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}

/** `grade-all` over `copies` copies of the reference (each its own student id), on every core. */
export async function benchBatch(copies = Number(process.env.DLSPEC_BENCH_COPIES ?? 50), fullScore?: number): Promise<void> {
  const root = tempFolder('dlspec-bench-');
  try {
    for (let i = 0; i < copies; i++) cpSync(REFERENCE_SUBMISSION, path.join(root, 'subs', `student${String(i).padStart(3, '0')}`), { recursive: true });
    const c0 = cpuSeconds();
    const res = await gradeAll(path.join(root, 'subs'), { course: 'all', outDir: path.join(root, 'grades') });
    const cpu = cpuSeconds() - c0;
    // full marks = what the reference earns (extra credit included: the score exceeds `possible`)
    const full = res.rows.filter((r) => !r.error && (fullScore === undefined ? r.score >= r.possible : Math.abs(r.score - fullScore) < 1e-9)).length;
    console.log(
      `grade-all: ${copies} copies of the reference, ${availableParallelism()} parallel jobs (load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')})`,
    );
    console.log(
      `  ${(copies / (res.seconds / 60)).toFixed(1)} submissions per minute (${res.seconds.toFixed(1)} s wall, ${cpu.toFixed(1)} CPU s, ${(cpu / copies).toFixed(2)} CPU s per submission); ${full}/${copies} full marks`,
    );
  } finally {
    cleanup(root);
  }
}

/** The same three functions in each language the grader runs: a call, a callback per element, a counter per element. */
const CALL_MODULES = {
  TypeScript: {
    file: 'index.mjs',
    source:
      'export const manyCalls = (n, f) => { let s = 0; for (let i = 0; i < n; i++) s += f(i); return s; };\n' +
      'export const manyMul = (n, mul) => { let s = 0; for (let i = 0; i < n; i++) s += mul(i, 2); return s; };\n' +
      'export const echo = (x) => x;\n',
  },
  Python: {
    file: 'submission.py',
    source: 'def many_calls(n, f):\n    return sum(f(i) for i in range(n))\n\ndef many_mul(n, mul):\n    return sum(mul(i, 2) for i in range(n))\n\ndef echo(x):\n    return x\n',
  },
};

/** Per-call cost across each sandbox: a call into it, a check's callback called from it (a synchronous round
 *  trip per call), and a portable function (runs beside the student's code). */
export async function benchCalls(): Promise<void> {
  for (const [lang, mod] of Object.entries(CALL_MODULES)) {
    if (lang === 'Python') {
      try {
        pythonRuntime();
      } catch {
        continue;
      }
    }
    const dir = tempFolder('dlspec-bench-calls-');
    try {
      writeFileSync(path.join(dir, mod.file), mod.source);
      const m = await openStrict(path.join(dir, mod.file), dir, { memoryMb: 512, loadTimeoutMs: 20_000 });
      try {
        m.setDeadline(performance.now() + 120_000, 120_000);
        const impl = m.impl as { manyCalls: (n: number, f: (i: number) => number) => number; manyMul: (n: number, mul: unknown) => number; echo: (x: unknown) => unknown };
        const e = 2_000,
          n = lang === 'Python' ? 5_000 : 20_000,
          k = 200_000;
        const perCall = (calls: number, f: () => void): number => {
          const t = performance.now();
          f();
          return ((performance.now() - t) * 1000) / calls;
        };
        const call = perCall(e, () => {
          for (let i = 0; i < e; i++)
            impl.echo([
              [1.5, 2.5],
              [3.5, 4.5],
            ]);
        });
        const roundTrip = perCall(n, () => impl.manyCalls(n, (i) => i));
        const portable = perCall(k, () => impl.manyMul(k, makeMulCounter().mul));
        console.log(
          `${lang} sandbox calls: a call into it ${call.toFixed(1)} µs (${e} calls); callback round trip ${roundTrip.toFixed(1)} µs/call (${n} calls); portable counter ${portable.toFixed(3)} µs/call (${k} calls)`,
        );
      } finally {
        await m.close();
      }
    } finally {
      cleanup(dir);
    }
  }
}

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One grading of `dir` (all courses, default suite): wall and CPU seconds, and the report. */
async function timeOne(dir: string): Promise<{ wall: number; cpu: number; report: GradeReport }> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const report = await gradeSubmission(dir, { course: 'all' });
  const wall = (performance.now() - t0) / 1000;
  const lost = Object.values(report.claims).filter((c) => c.status === 'failed');
  if (lost.length) console.log(`  WARNING: ${path.basename(dir)} failed ${lost.map((c) => c.id).join(', ')}`);
  return { wall, cpu: cpuSeconds() - c0, report };
}

export async function bench(runs = 3): Promise<void> {
  await benchCalls();
  console.log(
    `grading: the reference in TypeScript and in Python, all courses, default suite, ${runs} runs each, alternating (load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')})`,
  );
  const subjects = [
    { label: 'TypeScript', dir: REFERENCE_SUBMISSION, walls: [] as number[], cpus: [] as number[], last: undefined as GradeReport | undefined },
    { label: 'Python', dir: PY_REFERENCE_SUBMISSION, walls: [] as number[], cpus: [] as number[], last: undefined as GradeReport | undefined },
  ];
  let python = true;
  try {
    pythonRuntime();
  } catch (e) {
    python = false;
    console.log(`  Python not timed: ${(e as Error).message}`);
  }
  for (let i = 0; i < runs; i++) {
    for (const s of python ? subjects : subjects.slice(0, 1)) {
      const r = await timeOne(s.dir);
      s.walls.push(r.wall);
      s.cpus.push(r.cpu);
      s.last = r.report;
    }
  }
  for (const s of subjects.filter((x) => x.last)) {
    const last = s.last!;
    const claims = Object.values(last.claims).filter((c) => c.status !== 'skipped');
    const checks = claims.reduce((a, c) => a + c.durationMs, 0) / 1000;
    console.log(`  ${s.label}: ${claims.length} items graded, score ${last.score} / ${last.possible}, case scale ${last.runScale}`);
    console.log(`    seconds per submission (wall): median ${med(s.walls).toFixed(2)} (runs: ${s.walls.map((w) => w.toFixed(2)).join(', ')}) — target ≤ 10 s`);
    console.log(`    CPU seconds per submission (grader + child): median ${med(s.cpus).toFixed(2)}`);
    const lastWall = s.walls[s.walls.length - 1];
    console.log(`    last run: ${lastWall.toFixed(2)} s wall, of which the checks themselves ${checks.toFixed(2)} s; start-up and the rest ≈ ${(lastWall - checks).toFixed(2)} s`);
    const slowest = [...claims].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5);
    console.log(`    slowest items: ${slowest.map((c) => `${c.id} ${(c.durationMs / 1000).toFixed(2)} s`).join(', ')}`);
    // the items graded from files the student trained: ELEG5491 P5's networks and CIE6032 P5's generator, 15 s together
    const runs = claims.filter((c) => RUN_CLAIM_IDS.includes(c.id));
    const gens = claims.filter((c) => GENERATOR_CLAIM_IDS.includes(c.id));
    const secs = (cs: typeof claims) => cs.reduce((a, c) => a + c.durationMs, 0) / 1000;
    const each = (cs: typeof claims) => cs.map((c) => `${c.id} ${(c.durationMs / 1000).toFixed(2)} s`).join(', ');
    if (runs.length) console.log(`    the trained CIFAR-10 networks (P5.1–P5.3, ${each(runs)}): ${secs(runs).toFixed(2)} s`);
    if (gens.length) console.log(`    the trained InfoGAN generator (CIE6032 P5, ${each(gens)}): ${secs(gens).toFixed(2)} s`);
    if (runs.length || gens.length) console.log(`    trained artifacts together: ${secs([...runs, ...gens]).toFixed(2)} s — target ≤ 15 s`);
  }
  if (python) {
    const [ts, py] = subjects;
    console.log(`  Python / TypeScript: ${(med(py.walls) / med(ts.walls)).toFixed(2)}× wall, ${(med(py.cpus) / med(ts.cpus)).toFixed(2)}× CPU — target ≤ 1.5×`);
  }
  if (copies() > 0) await benchBatch(copies(), subjects[0].last!.score);
}

const copies = (): number => Number(process.env.DLSPEC_BENCH_COPIES ?? 50);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await bench(Number(process.argv[2] ?? 3));
