/**
 * How the student kit's checker (kit-check.ts) loads a student's TypeScript with Node alone: the
 * folder is copied (regular files only, as the grader copies it), each module reachable from the
 * entry is transpiled with TypeScript's `transpileModule` (types removed, no type checking, as
 * esbuild does for the grader) into `<file>.dlspec.mjs` beside it in the copy, and its imports are
 * rewritten: a relative import to the transpiled file it resolves to (`./x`, `./x.js` and `./x.ts`
 * as esbuild resolves them), a package the grader allows to the kit's own copy of it, Node's
 * built-in modules unchanged, and anything else to a module that throws the grader's refusal.
 * Reads relative to `import.meta.url` keep working: the copy holds every file of the folder.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import type * as TS from 'typescript';
import { copySubmission } from './workspace.ts';

/** A submission that cannot be loaded; the message is for the student. */
export class KitLoadError extends Error {}

export interface KitLoadOptions {
  /** package name → URL of the module the kit ships for it */
  packages: Record<string, string>;
  /** the packages the grader allows (named in the refusal of any other) */
  allowed: readonly string[];
  /** the folder imports must stay in (default: the entry's folder) */
  root?: string;
  /** a folder kept between processes: a folder compiled there once is not compiled again (the kit's build) */
  cacheDir?: string;
}

// TypeScript's compiler is most of the kit's code: loaded only when something is to be compiled
let ts: typeof TS;
const loadTs = async (): Promise<void> => {
  ts ??= ((await import('typescript')) as unknown as { default: typeof TS }).default;
};

const CODE = /\.(ts|mts|cts|tsx|js|mjs|jsx)$/;
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs', '.jsx', '.json'];
const OUT_SUFFIX = '.dlspec.mjs';

const packageName = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const within = (p: string, root: string): boolean => p === root || p.startsWith(root + path.sep);
const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/** The file a relative import names, resolved as esbuild resolves it for the grader. */
function resolveFile(base: string): string | undefined {
  if (isFile(base)) return base;
  // a TypeScript import may name the emitted file: './x.js' is './x.ts'
  const m = /\.(js|mjs|cjs|jsx)$/.exec(base);
  if (m) {
    const stem = base.slice(0, -m[0].length);
    for (const e of { js: ['.ts', '.tsx'], mjs: ['.mts'], cjs: ['.cts'], jsx: ['.tsx'] }[m[1] as 'js']) if (isFile(stem + e)) return stem + e;
  }
  for (const e of EXTENSIONS) if (isFile(base + e)) return base + e;
  for (const e of EXTENSIONS) if (isFile(path.join(base, `index${e}`))) return path.join(base, `index${e}`);
  return undefined;
}

/** A module that throws `message` when it is evaluated (the grader's refused import); it exports
 *  `names` so that the importing module links and the message, not a missing export, is reported. */
const thrower = (message: string, names: string[]): string => {
  const named = names.filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  const code = `throw new Error(${JSON.stringify(message)});\n${named.length ? `export const ${named.map((n) => `${n} = undefined`).join(', ')};\n` : ''}export default undefined;\n`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
};

/** The names an import or export declaration takes from its module. */
function importedNames(node: TS.ImportDeclaration | TS.ExportDeclaration): string[] {
  if (ts.isImportDeclaration(node)) {
    const c = node.importClause;
    const names = c?.name ? ['default'] : [];
    if (c?.namedBindings && ts.isNamedImports(c.namedBindings)) names.push(...c.namedBindings.elements.map((e) => (e.propertyName ?? e.name).text));
    return names;
  }
  return node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements.map((e) => (e.propertyName ?? e.name).text) : [];
}

let scratch: string | undefined;
function scratchDir(): string {
  if (scratch) return scratch;
  scratch = mkdtempSync(path.join(tmpdir(), 'dlspec-kit-'));
  const made = scratch;
  process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  return scratch;
}

/** Copies already made in this process, by folder. */
const copies = new Map<string, string>();

/** The exports of the student's module `entry`, loaded as described above. */
export async function loadStudentModule(entry: string, opts: KitLoadOptions): Promise<Record<string, unknown>> {
  const root = path.resolve(opts.root ?? path.dirname(entry));
  const hash = (x: string): string => createHash('sha256').update(x).digest('hex').slice(0, 16);
  let copy = copies.get(root) ?? (opts.cacheDir ? path.join(opts.cacheDir, hash(root), 'files') : undefined);
  const entryInCopy = (c: string): string => path.join(c, path.relative(root, path.resolve(entry)));
  const marker = opts.cacheDir ? path.join(opts.cacheDir, hash(root), `${hash(entry)}.done`) : undefined;
  if (copy && marker && existsSync(marker)) return { ...((await import(pathToFileURL(entryInCopy(copy) + OUT_SUFFIX).href)) as Record<string, unknown>) };
  if (!copy || !existsSync(copy)) {
    copy ??= path.join(mkdtempSync(path.join(scratchDir(), 'submission-')), 'files');
    try {
      copySubmission(root, copy);
    } catch (e) {
      throw new KitLoadError((e as Error).message);
    }
  }
  copies.set(root, copy);
  await loadTs();
  const done = new Map<string, string>();
  const rel = (p: string): string => path.relative(copy!, p) || path.basename(p);

  const compile = (file: string): string => {
    const have = done.get(file);
    if (have) return have;
    const out = file + OUT_SUFFIX;
    done.set(file, out);
    const source = readFileSync(file, 'utf8');
    if (file.endsWith('.json')) {
      try {
        writeFileSync(out, `export default ${JSON.stringify(JSON.parse(source))};\n`);
      } catch (e) {
        throw new KitLoadError(`your code could not be compiled: ${rel(file)}: ${(e as Error).message}`);
      }
      return out;
    }
    const from = rel(file);
    const rewrite = (spec: string, names: string[] = []): string => {
      if (isBuiltin(spec)) return spec;
      if (spec.startsWith('.') || path.isAbsolute(spec)) {
        const target = path.resolve(path.dirname(file), spec);
        if (!within(target, copy!)) return thrower(`import of ${spec} (from ${from}) refused: a submission may import only files inside its own folder`, names);
        const found = resolveFile(target);
        if (!found) throw new KitLoadError(`your code could not be compiled: ${from}: Could not resolve "${spec}"`);
        if (!CODE.test(found) && !found.endsWith('.json')) return thrower(`import of ${spec} (from ${from}): the local checker loads only code and JSON files`, names);
        const compiled = compile(found);
        const r = path.relative(path.dirname(file), compiled).split(path.sep).join('/');
        return r.startsWith('.') ? r : `./${r}`;
      }
      const name = packageName(spec);
      if (opts.packages[name] && spec === name) return opts.packages[name];
      if (opts.allowed.includes(name))
        return thrower(
          `import of ${spec} (from ${from}): the local checker provides ${opts.packages[name] ? `only the main module of ${name} (import it as '${name}')` : `no copy of ${name}; the grader does`}`,
          names,
        );
      return thrower(`import of ${spec} (from ${from}) refused: a submission may import only files inside its own folder, Node's built-in modules and the packages ${opts.allowed.join(', ')}`, names);
    };
    const specifiers: TS.TransformerFactory<TS.SourceFile> = (context) => {
      const f = context.factory;
      const visit = (node: TS.Node): TS.Node => {
        if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
          return f.updateImportDeclaration(node, node.modifiers, node.importClause, f.createStringLiteral(rewrite(node.moduleSpecifier.text, importedNames(node))), node.attributes);
        }
        if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
          return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, f.createStringLiteral(rewrite(node.moduleSpecifier.text, importedNames(node))), node.attributes);
        }
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0])) {
          return f.updateCallExpression(node, node.expression, node.typeArguments, [f.createStringLiteral(rewrite(node.arguments[0].text)), ...node.arguments.slice(1)]);
        }
        return ts.visitEachChild(node, visit, context);
      };
      return (sf) => ts.visitNode(sf, visit) as TS.SourceFile;
    };
    const res = ts.transpileModule(source, {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        jsx: ts.JsxEmit.React,
        allowJs: true,
        esModuleInterop: true,
        useDefineForClassFields: true,
        sourceMap: false,
      },
      transformers: { before: [specifiers] },
    });
    const errors = (res.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length) {
      const where = (d: TS.Diagnostic): string => (d.file && d.start !== undefined ? `${from}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : `${from}: `);
      throw new KitLoadError(
        `your code could not be compiled: ${errors
          .slice(0, 5)
          .map((d) => where(d) + ts.flattenDiagnosticMessageText(d.messageText, ' '))
          .join('; ')}`,
      );
    }
    writeFileSync(out, res.outputText);
    return out;
  };

  const entryCopy = entryInCopy(copy);
  if (!within(entryCopy, copy)) throw new KitLoadError(`${entry} is not inside ${root}`);
  const out = compile(entryCopy);
  if (marker) {
    mkdirSync(path.dirname(marker), { recursive: true });
    writeFileSync(marker, '');
  }
  return { ...((await import(pathToFileURL(out).href)) as Record<string, unknown>) };
}
