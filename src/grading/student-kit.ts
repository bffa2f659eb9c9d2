/**
 * The student kit (`dlspec student-kit --course C --out kit/`): what students of one course
 * download.  It holds
 *   README.md     how to run the checker and what to hand in; the items graded on submission only
 *   contract.md   every export of the course's topics: name, signature, doc, the items that use it
 *   starter/      index.ts with every export stubbed, types/<topic>.ts (the contracts' types), tsconfig.json
 *   starter-py/   submission.py: the same stubs in Python (python/starter.ts)
 *   check.mjs     the local checker (+ lib/ and chunks/): the course's visible default-suite checks
 *                 that run without the answer key, bundled with their packages; Node alone runs it
 * and no answer: no reference implementation (the key's modules are stubs that throw), no mistake's name
 * or computation (a topic's misconceptions.ts is replaced by its shape: many names state the right relation),
 * no fixture, no claim's `answer` text (blanked at bundling), no hidden claim (removed from the bundled source).
 *
 * Which checks run without the key is measured, not guessed: a first bundle of every candidate
 * check, whose stubs of the key record each use, runs on the reference submission and on every
 * known-wrong fixture of the check (and on the empty starter); a check goes into the kit only if it
 * passes the reference submission and never reached the key.  The others are listed in the README
 * as graded on submission only.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { REFERENCE_SEED } from '../claims/run.ts';
import type { Course, ExportSpec, Topic } from '../claims/types.ts';
import { fmtNumber } from './text.ts';
import { rubricFor, topicMeta, type RubricItem } from './rubric.ts';
import { itemLimit } from './limits.ts';
import { SUBMISSION_ENTRY_NAMES } from './subject.ts';
import { KEY_NEEDED, MISTAKE_WITHHELD, type KitItem, type KitMeta, type ProbeRow } from './kit-check.ts';
import { pythonStarter } from './python/starter.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.resolve(HERE, '..');
const REPO = path.resolve(SRC, '..');
const KIT_CHECK = path.join(HERE, 'kit-check.ts');
/** the grader's case scale (grade.ts GRADE_RUN_SCALE): the kit gives the same cases and messages */
const RUN_SCALE = 0.5;
/** the limit of an item without its own, as the grader's default (sandbox.ts) */
const DEFAULT_ITEM_MS = 60_000;
/** the packages a submission may import (strict.ts SUBMISSION_PACKAGES) that the kit ships */
const KIT_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', 'ml-matrix'];
const ALLOWED_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'ml-matrix'];
/** packages only the slow claims' figures use (native addons, plotting): in the kit, stubs that throw when used */
const NOT_SHIPPED = /^(@resvg\/resvg-js|vega|vega-lite|pngjs)(\/|$)/;

/**
 * Modules that compute a topic's key besides its reference.ts, stubbed in the kits of the courses
 * with that topic: the two ResNet blocks, AlexNet's graph (topic.ts computes its key from it),
 * He's initializer (heinit's formulas, cifar's He init), LeNet (cifar's parameter count) and
 * InfoGAN's measures, training and IDX reader (the key's infoganReadIdx is MNIST's parser).  Only what a check uses when it runs can be stubbed: a module
 * whose values the claims read when they load (InfoGAN's model sizes) stays.
 */
const ALSO_KEY: Record<string, string[]> = {
  resnet: ['resnet/blocks.ts'],
  alexnet: ['alexnet/graph.ts'],
  heinit: ['init/he.ts'],
  cifar: ['init/he.ts', 'cifar/lenet.ts'],
  infogan: ['infogan/measure.ts', 'infogan/train.ts', 'data/mnist.ts'],
};

/** A topic's known mistakes and their diagnosis live in this module of its folder. */
const MISTAKE_BANK = 'misconceptions.ts';

/** The modules of the answer key stubbed in a kit of topics `topicIds`: every src/<topic>/reference.ts
 *  and misconceptions.ts (of every topic) and ALSO_KEY of those topics. */
export function keyModules(topicIds: string[]): string[] {
  const out = new Set(
    readdirSync(SRC)
      .flatMap((d) => ['reference.ts', MISTAKE_BANK].map((f) => path.join(SRC, d, f)))
      .filter((f) => existsSync(f)),
  );
  for (const id of topicIds) for (const f of ALSO_KEY[id] ?? []) out.add(path.join(SRC, f));
  return [...out].sort();
}

/**
 * `source` (a TypeScript module) with every claim's answer blanked and the claims not in `keep`
 * removed: a claim is an object literal with `statement`, `answer` and `check`; one whose `id` is
 * a string literal outside `keep` becomes `{ id: '', uses: [] }`, every other keeps its code and gets
 * `answer: ''` and `statement: ''`.  Returns the new text and the ids removed.
 */
export function stripClaims(source: string, keep: ReadonlySet<string>, fileName = 'claims.ts'): { code: string; removed: string[] } {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const removed: string[] = [];
  const nameOf = (p: ts.ObjectLiteralElementLike): string | undefined => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined);
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node)) {
      const props = new Map(node.properties.map((p) => [nameOf(p), p] as const));
      const answer = props.get('answer');
      if (answer && props.has('statement') && props.has('check')) {
        const idProp = props.get('id');
        const id = idProp && ts.isPropertyAssignment(idProp) && ts.isStringLiteralLike(idProp.initializer) ? idProp.initializer.text : undefined;
        if (id !== undefined && !keep.has(id)) {
          // an inert claim without id, text or check: code that lists the claims when it loads still runs
          edits.push({ start: node.getStart(sf), end: node.end, text: "({ id: '', uses: [] })" });
          removed.push(id);
          return;
        }
        edits.push({ start: answer.getStart(sf), end: answer.end, text: "answer: ''" });
        // a statement may state the answer too ('… has 51,779,914 parameters'); the checker never prints it
        const statement = props.get('statement')!;
        edits.push({ start: statement.getStart(sf), end: statement.end, text: "statement: ''" });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let code = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) code = code.slice(0, e.start) + e.text + code.slice(e.end);
  return { code, removed };
}

/** The names a stub of module `mod` exports (the module's own, but `default`). */
const exportNames = (mod: Record<string, unknown>): string[] => Object.keys(mod).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');

/**
 * What every stub module starts with: `stub(name, isFunction, tell)` is a value that throws KEY_NEEDED when it
 * is used, after telling the build's probe unless `tell` is false.  A function's stub is a function and any
 * other's an object, so that `typeof` reads as the key's (a check that tests the type of a key's table, then
 * reads it, reaches the stub).
 */
const STUB_PRELUDE = [
  `import { KEY_NEEDED } from ${JSON.stringify(KIT_CHECK)};`,
  `const use = (n, tell) => { if (tell) globalThis[Symbol.for('dlspec.kit.key')]?.(n); throw new Error(\`\${n}: \${KEY_NEEDED}\`); };`,
  `const stub = (n, fn, tell = true) => new Proxy(fn ? function () {} : {}, { apply: () => use(n, tell), construct: () => use(n, tell), get: (_t, k) => (k === 'prototype' ? {} : use(n, tell)), has: () => use(n, tell), set: () => use(n, tell), ownKeys: () => use(n, tell) });`,
];

/** The stub of a key module: every export throws when used (and tells the build's probe). */
function stubSource(label: string, mod: Record<string, unknown>): string {
  return [...STUB_PRELUDE, ...exportNames(mod).map((n) => `export const ${n} = stub(${JSON.stringify(`${label} ${n}`)}, ${typeof mod[n] === 'function'});`), ''].join('\n');
}

/** A string a mistake bank may keep in the kit: an id (a key, a mistake's id), never a sentence. */
export const isMistakeId = (s: string): boolean => /^[A-Za-z0-9_.+-]*$/.test(s);

/** The mistake ids of a bank: the keys of its exported tables (which name their mistakes: `fbar-uses-c_t`). */
export function mistakeIds(mod: Record<string, unknown>): string[] {
  const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
  return [...new Set(Object.values(mod).flatMap((v) => (plain(v) ? Object.keys(v) : [])))];
}

/**
 * The stand-in of a mistake bank: the same exports and shapes, so that the claims that list the bank when
 * they load still load.  Its mistake ids become m1, m2, … (a table looked up by an id its checks name
 * answers with its first entry), every other string (a mistake's name) reads MISTAKE_WITHHELD, numbers
 * stay, and every function throws KEY_NEEDED (without ending the probe: a check that asks the bank
 * through nameMistake() fails as it would, naming no mistake; one that needs the bank otherwise reports
 * KEY_NEEDED, and the probe leaves it out).
 */
function withheldSource(label: string, mod: Record<string, unknown>): string {
  const ids = new Map(mistakeIds(mod).map((id, i) => [id, `m${i + 1}`]));
  // a pair of mistakes is named 'a+b'
  const rename = (s: string): string =>
    s
      .split('+')
      .map((p) => ids.get(p) ?? p)
      .join('+');
  const shape = (v: unknown, at: string, name: string): string => {
    if (typeof v === 'function') return `stub(${JSON.stringify(`${label} ${name}`)}, true, false)`;
    if (typeof v === 'string') return isMistakeId(v) ? JSON.stringify(rename(v)) : 'WITHHELD';
    if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return Object.is(v, -0) ? '-0' : String(v);
    if (Array.isArray(v)) return `[${v.map((x, i) => shape(x, `${at}[${i}]`, name)).join(', ')}]`;
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const body = `{ ${Object.entries(v)
        .map(([k, x]) => {
          if (!isMistakeId(k)) throw new Error(`${label} ${at}: the key ${JSON.stringify(k)} is not an id (letters, digits, _ . + -): the kit keeps a bank's keys`);
          return `${JSON.stringify(rename(k))}: ${shape(x, `${at}.${k}`, name)}`;
        })
        .join(', ')} }`;
      return Object.keys(v).some((k) => ids.has(k)) ? `table(${body})` : body;
    }
    throw new Error(`${label} ${at}: a mistake bank exports plain data and functions only, not ${Object.prototype.toString.call(v)}`);
  };
  return [
    ...STUB_PRELUDE,
    "const table = (t) => new Proxy(t, { get: (o, k) => (typeof k === 'string' && !(k in o) && k !== 'then' && k !== 'toJSON' ? o[Object.keys(o)[0]] : o[k]) });",
    `const WITHHELD = ${JSON.stringify(MISTAKE_WITHHELD)};`,
    ...exportNames(mod).map((n) => `export const ${n} = ${shape(mod[n], n, n)};`),
    '',
  ].join('\n');
}

interface CourseTopic {
  topic: Topic<unknown>;
  /** module path + export name of its claims and its contract */
  claims: [string, string];
  contract: [string, string];
}

/** Where each topic's claims array and contract are exported (found by identity, not by name). */
async function locate(topics: Topic<unknown>[]): Promise<CourseTopic[]> {
  const out: CourseTopic[] = [];
  for (const t of topics) {
    const find = async (file: string, value: unknown): Promise<[string, string]> => {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const name = Object.keys(mod).find((k) => mod[k] === value);
      if (!name) throw new Error(`${path.relative(REPO, file)} does not export the ${t.id} topic's ${value === t.claims ? 'claims' : 'contract'}`);
      return [file, name];
    };
    out.push({ topic: t, claims: await find(path.join(SRC, t.id, 'claims.ts'), t.claims), contract: await find(path.join(SRC, t.id, 'contract.ts'), t.contract) });
  }
  return out;
}

const ident = (s: string): string => s.replace(/[^A-Za-z0-9_$]/g, '_');

/** The entry module's lines that import the course's topics (claims kept by `keep` only). */
function topicsSource(cts: CourseTopic[], keep: string[], without: ReadonlySet<string> = new Set()): string[] {
  const lines: string[] = [];
  for (const c of cts) {
    // a topic whose claims read the key when they load: its contract only (the checker checks its exports)
    if (!without.has(c.topic.id)) lines.push(`import { ${c.claims[1]} as ${ident(c.topic.id)}_claims } from ${JSON.stringify(c.claims[0])};`);
    lines.push(`import { ${c.contract[1]} as ${ident(c.topic.id)}_contract } from ${JSON.stringify(c.contract[0])};`);
  }
  lines.push(`const KEEP = new Set(${JSON.stringify(keep)});`);
  const claims = (c: CourseTopic): string => (without.has(c.topic.id) ? '[]' : `${ident(c.topic.id)}_claims.filter((c) => c && c.id && KEEP.has(c.id))`);
  lines.push(`const topics = [${cts.map((c) => `{ id: ${JSON.stringify(c.topic.id)}, contract: ${ident(c.topic.id)}_contract, claims: ${claims(c)} }`).join(', ')}];`);
  return lines;
}

const packageFile = (name: string): string => `lib/${name.replace(/^@/, '').replace(/\//g, '-')}.mjs`;

/** Bundle `entry` (and the package re-exports under lib/) into `outDir` for plain Node. */
async function bundle(entry: string, outDir: string, keep: ReadonlySet<string>, keyFiles: string[], stubs: Map<string, string>, minify: boolean): Promise<void> {
  const esbuild = await import('esbuild');
  const libDir = path.join(path.dirname(entry), 'lib-src');
  mkdirSync(libDir, { recursive: true });
  const entryPoints: Record<string, string> = { check: entry };
  for (const name of KIT_PACKAGES) {
    const f = path.join(libDir, `${ident(name)}.mjs`);
    // `export *` leaves out a default export: re-export it where the package's ES module has one
    const hasDefault = await esbuild
      .build({
        stdin: { contents: `export { default } from ${JSON.stringify(name)};`, resolveDir: REPO },
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'node',
        mainFields: ['module', 'main'],
        logLevel: 'silent',
      })
      .then(
        () => true,
        () => false,
      );
    writeFileSync(f, `export * from ${JSON.stringify(name)};\n${hasDefault ? `export { default } from ${JSON.stringify(name)};\n` : ''}`);
    entryPoints[packageFile(name).replace(/\.mjs$/, '')] = f;
  }
  const keySet = new Set(keyFiles);
  const wasmStub = path.join(SRC, 'wasm-threads.ts');
  await esbuild.build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // whitespace and syntax only: names stay as written, so the kit's code can be read (and searched
    // for the key's code: spec/student-kit.spec.ts) and messages that print a name are the grader's
    minifyWhitespace: minify,
    minifySyntax: minify,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'silent',
    nodePaths: [path.join(REPO, 'node_modules')],
    // the packages' ES module builds: `export *` of a CommonJS build would lose the names (tf.customGrad)
    mainFields: ['module', 'main'],
    // the native and wasm backends are not in the kit: tfjs's pure-JS cpu backend runs the checks
    external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm', 'webgpu', '@tensorflow/tfjs-backend-webgpu'],
    // ESM chunks have no `require`, `__filename` or `__dirname`: give the CommonJS packages them
    banner: {
      js: "import { createRequire as __kitRequire } from 'node:module'; import { fileURLToPath as __kitPath } from 'node:url'; const require = __kitRequire(import.meta.url); const __filename = __kitPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '');",
    },
    plugins: [
      {
        name: 'student-kit',
        setup(b) {
          b.onResolve({ filter: /^\./ }, (args) => {
            if (!args.importer || args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
            const target = path.resolve(args.resolveDir, args.path);
            // one stub per key module, named by its topic folder and its place in keyFiles (no file name)
            if (keySet.has(target)) return { path: `${path.basename(path.dirname(target))}-${keyFiles.indexOf(target)}`, namespace: 'key-stub', pluginData: target };
            if (target === wasmStub) return { path: 'wasm-threads', namespace: 'no-wasm' };
            return undefined;
          });
          b.onLoad({ filter: /.*/, namespace: 'key-stub' }, (args) => ({
            contents: stubs.get(args.pluginData as string)!,
            loader: 'js',
            resolveDir: HERE,
          }));
          b.onResolve({ filter: NOT_SHIPPED }, (args) => ({ path: args.path, namespace: 'not-shipped' }));
          // CommonJS, so that a named import is read only where it is used
          b.onLoad({ filter: /.*/, namespace: 'not-shipped' }, (args) => ({
            contents: `module.exports = new Proxy({}, { get: (_t, k) => (k === '__esModule' || typeof k === 'symbol' ? undefined : function () { throw new Error(${JSON.stringify(`${args.path} is not in the student kit`)}); }) });`,
            loader: 'js',
          }));
          b.onLoad({ filter: /.*/, namespace: 'no-wasm' }, () => ({
            contents: [
              'export const MAX_WASM_THREADS = 8;',
              "export async function prepareWasmThreads() { throw new Error('the student kit has no wasm backend'); }",
              'export async function setWasmBackend() { return false; }',
              'export async function wasmThreadsInUse() { return 1; }',
              'export function wasmThreadsFromEnv(fallback) { return fallback; }',
              '',
            ].join('\n'),
            loader: 'js',
          }));
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            if (!args.path.startsWith(SRC + path.sep)) return undefined;
            const src = readFileSync(args.path, 'utf8');
            if (!src.includes('answer')) return undefined;
            return { contents: stripClaims(src, keep, args.path).code, loader: 'ts' };
          });
        },
      },
    ],
  });
  // TypeScript's compiler (only the checker's loader uses it: none of dlspec's code) minified whole: 7 → 3.5 MB
  if (minify) {
    for (const f of readdirSync(path.join(outDir, 'chunks')).filter((n) => n.startsWith('typescript-'))) {
      const file = path.join(outDir, 'chunks', f);
      writeFileSync(file, (await esbuild.transform(readFileSync(file, 'utf8'), { minify: true, format: 'esm', target: 'node20', legalComments: 'none' })).code);
    }
  }
}

/** The kit's source of each key module: the same export names, as stubs (a mistake bank: its stand-in). */
async function keyStubs(keyFiles: string[]): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const f of keyFiles) {
    const mod = (await import(pathToFileURL(f).href)) as Record<string, unknown>;
    // the topic folder names the stub (KeyAtLoad reads it back): no file name reaches the kit
    const label = `${path.basename(path.dirname(f))} key:`;
    m.set(f, path.basename(f) === MISTAKE_BANK ? withheldSource(label, mod) : stubSource(label, mod));
  }
  return m;
}

const kitPackagesSource = `const PACKAGES = Object.fromEntries(${JSON.stringify(KIT_PACKAGES.map((n) => [n, packageFile(n)]))}.map(([n, f]) => [n, new URL('./' + f, import.meta.url).href]));`;

// ---- the starter and contract.md ----------------------------------------------------------

/** The text of the declarations `names` in module `file` (exported), for types a contract imports. */
function declarationsOf(file: string, names: string[]): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  for (const st of sf.statements) {
    const name = (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name.text;
    if (!name || !names.includes(name)) continue;
    const exported = ts.getCombinedModifierFlags(st as ts.Declaration) & ts.ModifierFlags.Export;
    // its doc comment, then the declaration, exported
    out.push(`${sf.text.slice(st.getFullStart(), st.getStart(sf)).trim()}\n${exported ? '' : 'export '}${st.getText(sf)}`.trim());
  }
  const missing = names.filter((n) => !out.some((d) => new RegExp(`\\b(interface|type) ${n}\\b`).test(d)));
  if (missing.length) throw new Error(`the types ${missing.join(', ')} of ${path.relative(REPO, file)} are not interfaces or type aliases: the starter cannot declare them`);
  return out;
}

/** A doc comment without its sentences that point into this project (a source file, docs/): the kit has neither. */
function forStudents(comment: string): string {
  const body = comment
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''));
  // paragraphs (blank-line separated; indented lines, e.g. formulas, kept as they are)
  const paras: string[][] = [[]];
  for (const l of body) {
    if (l.trim()) paras[paras.length - 1].push(l);
    else if (paras[paras.length - 1].length) paras.push([]);
  }
  const out = paras
    .filter((p) => p.length)
    .map((p) => {
      if (p.some((l) => /^\s/.test(l)) || !p.join(' ').match(/\b[\w-]+\.(ts|md)\b|docs\//)) return p;
      const sentences = p
        .map((l) => l.trim())
        .join(' ')
        .split(/(?<=\.)\s+(?=[A-Z])/)
        .filter((x) => !/\b[\w-]+\.(ts|md)\b|docs\//.test(x));
      const lines: string[] = [];
      for (const w of sentences.join(' ').split(' ')) {
        if (lines.length && `${lines[lines.length - 1]} ${w}`.length <= 100) lines[lines.length - 1] += ` ${w}`;
        else lines.push(w);
      }
      return lines;
    });
  return `/**\n${out.map((p) => p.map((l) => ` * ${l}`.trimEnd()).join('\n')).join('\n *\n')}\n */`;
}

/** starter/types/<topic>.ts: the topic's contract.ts without its ContractSpec (the contract's types only). */
export function contractTypes(topicId: string): string {
  const file = path.join(SRC, topicId, 'contract.ts');
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const parts: string[] = [];
  const head = /^\s*\/\*\*[\s\S]*?\*\//.exec(sf.getFullText());
  if (head) parts.push(forStudents(head[0].trim()));
  const inlined: string[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      const names = st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings) ? st.importClause.namedBindings.elements.map((e) => e.name.text) : [];
      if (spec.endsWith('claims/types.ts')) continue;
      inlined.push(...names);
      parts.push(...declarationsOf(path.resolve(path.dirname(file), spec), names));
      continue;
    }
    // `export type { X }` of a type inlined above
    if (ts.isExportDeclaration(st) && !st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause) && st.exportClause.elements.every((e) => inlined.includes(e.name.text))) continue;
    if (ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => d.type && /\bContractSpec\b/.test(d.type.getText(sf)))) continue;
    // a module's own helpers (not exported) are not the contract's types
    if (ts.isVariableStatement(st) && !(ts.getCombinedModifierFlags(st.declarationList.declarations[0]) & ts.ModifierFlags.Export)) continue;
    const text = st.getFullText(sf).replace(/^\s*\n/, '');
    parts.push(text.replace(/^\s+/, ''));
  }
  return `${parts.join('\n\n')}\n`;
}

/** The contract's interface name (`RnnContract`): the type argument of its ContractSpec. */
function contractInterface(topicId: string): string {
  const file = path.join(SRC, topicId, 'contract.ts');
  const m = /:\s*ContractSpec<(\w+)>/.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${path.relative(REPO, file)}: no \`ContractSpec<…>\` contract`);
  return m[1];
}

function stubOf(name: string, spec: ExportSpec, iface: string): string {
  const type = `${iface}['${name}']`;
  switch (spec.kind) {
    case 'function':
      return `export const ${name}: ${type} = () => {\n  throw new Error('not implemented: ${name}');\n};`;
    case 'string':
      return `export const ${name}: ${type} = '' as ${type};`;
    case 'number':
      return `export const ${name}: ${type} = Number.NaN;`;
    default:
      // no value yet: the checker says the export is missing and what it must be
      return `export const ${name}: ${type} = undefined as unknown as ${type};`;
  }
}

export function starterIndex(topics: Topic<unknown>[], course: Course, title: string): string {
  const lines = [
    `// Your submission for ${title}: replace each stub with your answer (keep the names).`,
    '// Functions work on plain arrays; formula answers are strings. contract.md says what each export must be;',
    "// types/ holds the contracts' types (imported as types only: your module needs nothing else).",
    '// Check it with: node ../check.mjs .   (from this folder)',
  ];
  for (const t of topics) {
    const iface = contractInterface(t.id);
    lines.push('', `// ---- ${t.title}`, `import type { ${iface} } from './types/${t.id}.ts';`);
    for (const [name, spec] of Object.entries(t.contract as Record<string, ExportSpec>)) lines.push('', `/** ${spec.doc.replace(/\*\//g, '*\\/')} */`, stubOf(name, spec, iface));
  }
  return `${lines.join('\n')}\n`;
}

const STARTER_TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true },
  include: ['**/*.ts'],
};

function usedBy(rubric: RubricItem[], topicId: string, name: string): string {
  const items = rubric.filter((r) => r.topicId === topicId && (r.claim.uses ?? []).includes(name));
  return items.length ? items.map((r) => `${r.number} (\`${r.claim.id}\`${r.ref.part ? `, Problem ${r.ref.problem} part ${r.ref.part}` : `, Problem ${r.ref.problem}`})`).join(', ') : '—';
}

function contractMarkdown(title: string, topics: Topic<unknown>[], rubric: RubricItem[]): string {
  const out = [
    `# ${title}: what your module exports`,
    '',
    'Your `index.ts` exports every name below (a missing one fails the items that use it, naming it). Types are in `starter/types/<topic>.ts`.',
    '',
  ];
  for (const t of topics) {
    out.push(`## ${t.title} (\`${t.id}\`)`, '');
    for (const [name, spec] of Object.entries(t.contract as Record<string, ExportSpec>)) {
      out.push(
        `### \`${name}\``,
        '',
        '```ts',
        `${name}: ${spec.signature}`,
        '```',
        '',
        `${spec.kind === 'object' ? 'An object' : `A ${spec.kind}`}: ${spec.doc}`,
        '',
        `Used by: ${usedBy(rubric, t.id, name)}`,
        '',
      );
    }
    out.push('<details><summary>The types of this contract</summary>', '', '```ts', contractTypes(t.id).trim(), '```', '', '</details>', '');
  }
  return out.join('\n');
}

// ---- the build ----------------------------------------------------------------------------

export interface KitReport {
  dir: string;
  course: Course;
  /** the items checked by the kit */
  kept: KitItem[];
  /** visible items not in the kit, and why */
  leftOut: { id: string; number: string; reason: string }[];
  /** files of the kit (relative) and their total size */
  files: string[];
  bytes: number;
  checkBytes: number;
  seconds: number;
}

/** The probe's checks read the key while they load (a claims module computes with it at import). */
class KeyAtLoad extends Error {
  constructor(readonly key: string) {
    super(`the kit's checks use the answer key when they load (${key}): a claims module reads the key at import`);
  }
}

/** A check's first use of the key: the key's export, and on which module (a wrong answer: a known-wrong fixture). */
interface KeyUse {
  key: string;
  on: 'reference' | 'starter' | 'wrong';
}

/** Which kind of module a probe input is (its name: 'reference', 'starter' or a known-wrong fixture's file). */
const inputKind = (input: string): KeyUse['on'] => (input === 'reference' || input === 'starter' ? input : 'wrong');

interface ProbeInput {
  name: string;
  file: string;
  root: string;
  ids: string[];
}

/** A check still running after this long on one module is stopped and counted as failed there. */
const PROBE_ROW_MS = 180_000;

/**
 * Run the probe bundle in `dir` with plain Node (no loader), outside the repository, until every
 * (module, check) pair has a result or the check used the key: each use ends the run, and the
 * next run goes on without that check.  Returns the results and, per check, the key's export it used.
 */
async function runProbe(dir: string, inputs: ProbeInput[], log: (l: string) => void): Promise<{ rows: ProbeRow[]; keyUse: Map<string, KeyUse> }> {
  const { spawn } = await import('node:child_process');
  const rows: ProbeRow[] = [];
  const keyUse = new Map<string, KeyUse>();
  const done = new Set<string>();
  const pair = (input: string, id: string): string => `${input}\0${id}`;
  const io = path.join(dir, 'probe-io.json');
  const out = path.join(dir, 'probe-out.jsonl');
  for (let runs = 0; ; runs++) {
    const pending = inputs.map((i) => ({ ...i, ids: i.ids.filter((id) => !keyUse.has(id) && !done.has(pair(i.name, id))) })).filter((i) => i.ids.length);
    if (!pending.length) break;
    writeFileSync(io, JSON.stringify({ inputs: pending, seed: REFERENCE_SEED, runScale: RUN_SCALE, cacheDir: path.join(dir, 'compiled') }));
    writeFileSync(out, '');
    let last: { input: string; id: string } | undefined;
    let read = 0;
    const take = (): void => {
      const text = readFileSync(out, 'utf8');
      const lines = text.slice(read).split('\n');
      const complete = lines.slice(0, -1);
      read += complete.reduce((s, l) => s + l.length + 1, 0);
      for (const l of complete) {
        const x = JSON.parse(l) as ProbeRow & { start?: boolean; touched?: string };
        if (x.start) last = { input: x.input, id: x.id };
        else if (x.touched !== undefined) {
          if (!x.id && !x.input) throw new KeyAtLoad(x.touched);
          if (!x.id) throw new Error(`the kit's probe used the answer key while it loaded ${x.input} (${x.touched})`);
          keyUse.set(x.id, { key: x.touched.replace(/^.* key: /, ''), on: inputKind(x.input) });
          log(`  ${x.id}: uses the key (${x.touched.replace(/^.* key: /, '')}) on ${x.input}`);
        } else {
          rows.push(x);
          done.add(pair(x.input, x.id));
        }
      }
    };
    const child = spawn(process.execPath, [path.join(dir, 'out', 'check.mjs'), io, out], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-4000)));
    let size = 0;
    let quiet = 0;
    let stalled = false;
    const watch = setInterval(() => {
      const s = statSync(out).size;
      quiet = s === size ? quiet + 1000 : 0;
      size = s;
      if (quiet >= PROBE_ROW_MS) {
        stalled = true;
        child.kill('SIGKILL');
      }
    }, 1000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearInterval(watch);
    take();
    if (code === 0 || code === 42) continue;
    if (stalled && last?.id) {
      rows.push({ input: last.input, id: last.id, passed: false, message: `time limit: no result within ${PROBE_ROW_MS / 1000} s`, seconds: PROBE_ROW_MS / 1000 });
      done.add(pair(last.input, last.id));
      continue;
    }
    throw new Error(
      `the kit's probe failed (exit ${code}${last ? ` during ${last.id || 'the loading of'} ${last.input}` : ''}): ${stderr
        .trim()
        .split('\n')
        .filter((l) => !/^\s+at /.test(l))
        .slice(-3)
        .join(' | ')}`,
    );
  }
  return { rows, keyUse };
}

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const n of readdirSync(path.join(dir, rel)).sort()) {
    const r = path.join(rel, n);
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out;
}

export async function buildStudentKit(opts: { course: Course; out: string; log?: (line: string) => void }): Promise<KitReport> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const { topics: all } = (await import('../registry.ts')) as { topics: Topic<unknown>[] };
  const metas = all.map(topicMeta);
  const rubric = rubricFor(metas, opts.course);
  const topics = all.filter((t) => rubric.some((r) => r.topicId === t.id));
  const hws = [...new Set(rubric.map((r) => r.ref.hw))].join(', ');
  const title = `${opts.course} ${hws}`;
  const visible = rubric.filter((r) => r.visibility === 'visible');
  const candidates = [...new Set(visible.filter((r) => !r.tags.length).map((r) => r.claim.id))];
  const cts = await locate(topics);
  const keyFiles = keyModules(topics.map((t) => t.id));
  const stubs = await keyStubs(keyFiles);

  const dir = path.resolve(opts.out);
  if (existsSync(dir) && readdirSync(dir).length) {
    if (!existsSync(path.join(dir, 'check.mjs'))) throw new Error(`${dir} is not empty and holds no kit; expected a new or empty folder (or an earlier kit to replace)`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(path.join(dir, 'starter', 'types'), { recursive: true });
  writeFileSync(path.join(dir, 'starter', 'index.ts'), starterIndex(topics, opts.course, title));
  for (const t of topics) writeFileSync(path.join(dir, 'starter', 'types', `${t.id}.ts`), contractTypes(t.id));
  writeFileSync(path.join(dir, 'starter', 'tsconfig.json'), `${JSON.stringify(STARTER_TSCONFIG, null, 2)}\n`);
  mkdirSync(path.join(dir, 'starter-py'), { recursive: true });
  writeFileSync(path.join(dir, 'starter-py', 'submission.py'), pythonStarter(topics, title));
  writeFileSync(path.join(dir, 'contract.md'), contractMarkdown(title, topics, rubric));

  // 1. the probe: every candidate check, its uses of the key recorded
  const work = mkdtempSync(path.join(tmpdir(), 'dlspec-kit-build-'));
  let rows: ProbeRow[] = [];
  let keyUse = new Map<string, KeyUse>();
  const topicOf = new Map(rubric.map((r) => [r.claim.id, r.topicId]));
  const atLoadTopics = new Set<string>();
  try {
    const probeEntry = path.join(work, 'probe-entry.mjs');
    // imported first, so that a claims module that uses the key while it loads is caught too:
    // the first use of the key ends the run, and the build then knows which check needs it
    const hook = path.join(work, 'probe-hook.mjs');
    writeFileSync(
      hook,
      [
        "import { appendFileSync } from 'node:fs';",
        "const now = (globalThis[Symbol.for('dlspec.kit.now')] = { input: '', id: '' });",
        "globalThis[Symbol.for('dlspec.kit.key')] = (key) => { appendFileSync(process.argv[3], JSON.stringify({ touched: key, ...now }) + '\\n'); process.exit(42); };",
        '',
      ].join('\n'),
    );
    const atLoad = atLoadTopics;
    const probed = (): string[] => candidates.filter((id) => !atLoad.has(topicOf.get(id)!));
    for (;;) {
      writeFileSync(
        probeEntry,
        [
          "import { appendFileSync, readFileSync } from 'node:fs';",
          `import ${JSON.stringify(hook)};`,
          `import { kitProbe } from ${JSON.stringify(KIT_CHECK)};`,
          ...topicsSource(cts, candidates, atLoad),
          kitPackagesSource,
          'const io = JSON.parse(readFileSync(process.argv[2], "utf8"));',
          'const log = (x) => appendFileSync(process.argv[3], JSON.stringify(x) + "\\n");',
          "const now = globalThis[Symbol.for('dlspec.kit.now')];",
          `await kitProbe(topics, io.inputs, { seed: io.seed, runScale: io.runScale, cacheDir: io.cacheDir, packages: PACKAGES, allowed: ${JSON.stringify(ALLOWED_PACKAGES)}, onStart: (input, id) => { Object.assign(now, { input, id }); log({ start: true, input, id }); }, onRow: (row) => log(row) });`,
          'process.exit(0);',
          '',
        ].join('\n'),
      );
      log(`bundling ${candidates.length} candidate checks of ${opts.course} with stubs of ${keyFiles.length} key modules`);
      await bundle(probeEntry, path.join(work, 'out'), new Set(candidates), keyFiles, stubs, true);
      const inputs: ProbeInput[] = [
        { name: 'reference', file: path.join(REPO, 'fixtures/submissions/reference/index.ts'), root: path.join(REPO, 'fixtures/submissions/reference'), ids: probed() },
        { name: 'starter', file: path.join(dir, 'starter', 'index.ts'), root: path.join(dir, 'starter'), ids: probed() },
        ...topics.flatMap((t) =>
          t.knownWrong
            .map((w) => ({ name: w.file, file: path.join(REPO, w.file), root: path.join(REPO, 'fixtures'), ids: w.rejectedBy.filter((id) => probed().includes(id)) }))
            .filter((w) => w.ids.length),
        ),
      ];
      log(`measuring them on the reference submission, the starter and ${inputs.length - 2} known-wrong fixtures`);
      try {
        ({ rows, keyUse } = await runProbe(work, inputs, log));
        break;
      } catch (e) {
        // a topic whose claims compute with the key when they load is left out whole; the probe runs again without it
        const topic = e instanceof KeyAtLoad ? /^(\S+) key:/.exec(e.key)?.[1] : undefined;
        if (!topic || !cts.some((c) => c.topic.id === topic) || atLoad.has(topic)) throw e;
        atLoad.add(topic);
        log(`  ${topic}: its checks read the key when they load: all of them are graded on submission only`);
      }
    }
  } finally {
    // DLSPEC_DEBUG=1 keeps the probe's bundle to look into
    if (process.env.DLSPEC_DEBUG === '1') log(`probe kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  // a check that needed a withheld mistake bank on some module (it reports KEY_NEEDED there)
  for (const r of rows) if (!keyUse.has(r.id) && r.message.includes(KEY_NEEDED)) keyUse.set(r.id, { key: /(?:^|\s)\S+ key: (\S+): /.exec(r.message)?.[1] ?? 'a mistake bank', on: inputKind(r.input) });
  const onReference = new Map(rows.filter((r) => r.input === 'reference').map((r) => [r.id, r]));
  const keep = candidates.filter((id) => onReference.get(id)?.passed && !keyUse.has(id));

  // 2. the kit's checker: the kept checks only
  const first = new Map<string, RubricItem>();
  for (const r of visible) if (!first.has(r.claim.id)) first.set(r.claim.id, r);
  const kept: KitItem[] = visible
    .filter((r) => keep.includes(r.claim.id))
    .map((r) => ({
      id: r.claim.id,
      number: r.number,
      problem: r.ref.problem,
      part: r.ref.part,
      points: r.ref.points,
      extraCredit: r.extraCredit,
      timeoutMs: itemLimit(r.claim.id, r.claim.timeoutMs, { defaultTimeoutMs: DEFAULT_ITEM_MS }),
    }));
  const reason = (r: RubricItem): string => {
    if (r.tags.length) return r.tags.includes('gpu') ? 'needs a GPU (tag gpu)' : 'trains for minutes (tag slow)';
    if (atLoadTopics.has(r.topicId)) return 'its check needs the answer key, which only the grader has';
    const use = keyUse.get(r.claim.id);
    if (use)
      return `its check compares your answer with the answer key's (\`${use.key}\`${{ reference: '', starter: ', on the starter', wrong: ', on a wrong answer' }[use.on]}), which only the grader has`;
    const ref = onReference.get(r.claim.id);
    return `cannot run outside the grader (on the reference submission it reports: ${(ref?.message ?? 'no result').split('\n')[0].slice(0, 160)})`;
  };
  const leftOut = visible.filter((r) => !keep.includes(r.claim.id)).map((r) => ({ id: r.claim.id, number: r.number, reason: reason(r) }));
  const meta: KitMeta = {
    course: opts.course,
    title,
    runScale: RUN_SCALE,
    items: kept,
    leftOut: visible.filter((r) => !keep.includes(r.claim.id)).map((r) => ({ id: r.claim.id, number: r.number, topicId: r.topicId, uses: r.claim.uses ?? [] })),
    entryNames: SUBMISSION_ENTRY_NAMES,
    allowed: ALLOWED_PACKAGES,
  };
  const build = mkdtempSync(path.join(tmpdir(), 'dlspec-kit-build-'));
  try {
    const entry = path.join(build, 'check-entry.mjs');
    writeFileSync(
      entry,
      [
        `import { kitMain } from ${JSON.stringify(KIT_CHECK)};`,
        ...topicsSource(cts, keep, atLoadTopics),
        kitPackagesSource,
        `const META = ${JSON.stringify(meta)};`,
        'process.exitCode = await kitMain(process.argv.slice(2), topics, META, { out: (l) => console.log(l), err: (l) => console.error(l), packages: PACKAGES });',
        '',
      ].join('\n'),
    );
    log(`bundling the kit's ${keep.length} checks`);
    await bundle(entry, dir, new Set(keep), keyFiles, stubs, true);
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  writeFileSync(path.join(dir, 'README.md'), kitReadme(title, opts.course, kept, leftOut, rubric));
  // the checker must load under plain Node, outside the repository
  const smoke = (await import('node:child_process')).spawnSync(process.execPath, [path.join(dir, 'check.mjs'), '--help'], { cwd: tmpdir(), encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  if (smoke.status !== 0)
    throw new Error(
      `the kit's checker does not start: ${
        `${smoke.stderr}${smoke.stdout}`
          .split('\n')
          .filter((l) => /Error/.test(l))
          .slice(0, 2)
          .join(' | ') || `exit ${smoke.status}`
      }`,
    );
  const files = listFiles(dir);
  const bytes = files.reduce((s, f) => s + statSync(path.join(dir, f)).size, 0);
  return {
    dir,
    course: opts.course,
    kept,
    leftOut,
    files,
    bytes,
    checkBytes: files.filter((f) => f.endsWith('.mjs')).reduce((s, f) => s + statSync(path.join(dir, f)).size, 0),
    seconds: (performance.now() - t0) / 1000,
  };
}

function kitReadme(title: string, course: Course, kept: KitItem[], leftOut: KitReport['leftOut'], rubric: RubricItem[]): string {
  const uses = (id: string): string => (rubric.find((r) => r.claim.id === id)?.claim.uses ?? []).map((u) => `\`${u}\``).join(', ') || '—';
  const pts = (xs: { points: number }[]): string => fmtNumber(xs.reduce((s, x) => s + x.points, 0));
  const refOf = (id: string, number: string) => rubric.find((r) => r.claim.id === id && r.number === number)!;
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const leftPoints = pts(leftOut.map((l) => refOf(l.id, l.number).ref).filter((r) => !/extra|(^|\W)ec(\W|$)/i.test(r.part ?? '')));
  const keptPoints = pts(kept.filter((k) => !k.extraCredit));
  return [
    `# ${title}: student kit`,
    '',
    'This folder checks your homework on your own computer before you hand it in: the same checks, the same',
    'random cases and the same feedback as the grader, for every item that can be checked without the answer key.',
    "It contains no answers, and no names of known mistakes: where the grader's feedback names the mistake your",
    'answer makes, the checker gives the same message without the name.',
    '',
    '## What you need',
    '',
    'Node.js 20.19 or newer. Nothing else: no `npm install`, no internet. The checker (`check.mjs` with `lib/` and',
    "`chunks/`) carries everything it runs, TypeScript's compiler included (it removes your types; it does not type-check).",
    '',
    '## Start',
    '',
    '    cp -r starter my-submission          # every export stubbed: all items fail, each saying why',
    '    node check.mjs my-submission         # run the checks',
    '',
    '`contract.md` lists every export your module must have: its name, its signature, what it computes, and the',
    "items that use it. `starter/types/` holds the contracts' types; `starter/tsconfig.json` lets your editor",
    'type-check (`npx tsc -p my-submission` if you have TypeScript).',
    '',
    "Options: `--seed <s>` checks another random variant (by default the checker uses the key's seed; the grader draws",
    "yours from your id, which on Gradescope is Gradescope's own: pass here on a few seeds to be sure; `--student-id`",
    'checks the variant of an id your course tells you);',
    '`--only <item>` runs some items (ids or numbers, comma-separated). For the items graded on',
    "submission only it checks that the exports they call are there and are no longer the starter's stubs. Exit code",
    '0: every item checked here passed and no export is missing; 1: something failed; 2: the command line was wrong.',
    '',
    "A check runs your code in the checker's own process: an endless loop stops it (press Ctrl-C); the grader",
    "stops it at the item's time limit. The grader also runs your code in a sandbox, which this checker does not: there",
    'it may read the files of its folder, and writing files, reading elsewhere, child processes and the network are refused.',
    '',
    '## Writing Python instead',
    '',
    "`starter-py/submission.py` is the same starter in Python: the same exports in Python's spelling (`rnnBptt` is",
    '`rnn_bptt`), arguments as lists, numbers and dicts, NumPy available. Hand in a folder with that `submission.py`',
    '(or a package with `__init__.py`). The checker here runs TypeScript and JavaScript only: a Python submission is',
    'checked when it is graded, with the same checks and feedback.',
    '',
    '## What to hand in',
    '',
    `Your folder: an \`index.ts\` (or index.js, submission.ts …) that exports every name of \`contract.md\`, and the`,
    "files it imports. Your code may import files inside its folder, Node's built-in modules (`node:fs`, …) and the",
    `packages ${ALLOWED_PACKAGES.map((p) => `\`${p}\``).join(', ')}; nothing else (the grader refuses other imports). Functions take and`,
    'return plain arrays and numbers; formula answers are strings. Keep `types/` or remove it: only your exports count.',
    '',
    `## Checked here: ${count(kept.length, 'item')}, ${keptPoints} point${keptPoints === '1' ? '' : 's'}`,
    '',
    '| # | item | points | your exports it calls |',
    '|---|---|---:|---|',
    ...kept.map((k) => `| ${k.number} | \`${k.id}\`${k.extraCredit ? ' (extra credit)' : ''} | ${fmtNumber(k.points)} | ${uses(k.id)} |`),
    '',
    `## Graded on submission only: ${count(leftOut.length, 'item')}, ${leftPoints} point${leftPoints === '1' ? '' : 's'}`,
    '',
    'These items are not checked here: their check compares your answer with the answer key, which this kit does',
    'not contain, or trains a network for minutes. Make sure your exports for them exist and have the right types.',
    '',
    '| # | item | points | why not here |',
    '|---|---|---:|---|',
    ...leftOut.map((l) => `| ${l.number} | \`${l.id}\` | ${fmtNumber(refOf(l.id, l.number).ref.points)} | ${l.reason.replace(/\|/g, '\\|')} |`),
    '',
    `Course ${course}. Some items may also be graded after the deadline without being listed here.`,
    '',
  ].join('\n');
}
