/**
 * The Python starter: a `submission.py` with every export of a course's contracts as a stub, in
 * the Python spelling (rnnBptt → rnn_bptt), with type hints read off the contract's signature and
 * the contract's doc as the docstring.  The contract's own types (the dict keys of arguments and
 * results) follow each topic as comments (contractNotes).
 */
import type { ExportSpec, Topic } from '../../claims/types.ts';
import { contractTypes } from '../student-kit.ts';
import { pythonName } from './sandbox.ts';

/** Split `s` at top-level occurrences of `sep` (outside (), [], {}, <>). */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if ('([{<'.includes(c)) depth++;
    else if (')]}>'.includes(c) && !(c === '>' && s[i - 1] === '=')) depth--;
    if (depth === 0 && s.startsWith(sep, i)) {
      out.push(cur);
      cur = '';
      i += sep.length - 1;
    } else cur += c;
  }
  out.push(cur);
  return out.map((x) => x.trim());
}

/** The Python hint for a TypeScript type as the contracts write it. */
export function pythonHint(ts: string | undefined): string {
  const t = (ts ?? '').trim().replace(/^Promise<(.*)>$/, '$1');
  if (!t) return '';
  if (/=>/.test(t)) return 'Callable';
  if (/\[\]$/.test(t) || t.startsWith('[')) return 'list';
  if (t === 'number' || t === 'number | bigint') return 'float';
  if (t === 'string' || /^'[^']*'(\s*\|\s*'[^']*')*$/.test(t) || /^"[^"]*"(\s*\|\s*"[^"]*")*$/.test(t)) return 'str';
  if (t === 'boolean') return 'bool';
  if (t === 'Uint8Array') return 'bytes';
  if (t.startsWith('{') || /^[A-Z]\w*$/.test(t)) return 'dict';
  const alts = splitTop(t, '|');
  return alts.length > 1 ? [...new Set(alts.map(pythonHint))].join(' | ') : '';
}

/** The parameters `(name: type, …)` and the result type of a contract signature. */
export function parseSignature(sig: string): { params: { name: string; type?: string }[]; result?: string } {
  const s = sig.trim();
  if (!s.startsWith('(')) return { params: [] };
  let depth = 0;
  let end = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) {
      end = i;
      break;
    }
  }
  const inner = s.slice(1, end).trim();
  const rest = s.slice(end + 1).trim();
  const params = inner
    ? splitTop(inner, ',').map((p) => {
        const [name, ...type] = splitTop(p, ':');
        return { name: name.replace(/\?$/, ''), type: type.length ? type.join(':') : undefined };
      })
    : [];
  // `(H, W, d: number)`: a type written once for several names applies to the ones before it too
  for (let i = params.length - 2; i >= 0; i--) if (!params[i].type && params[i + 1].type && !/[[{(]/.test(params[i + 1].type!)) params[i].type = params[i + 1].type;
  return { params, result: rest.startsWith('=>') ? rest.slice(2).trim() : undefined };
}

const pyIdent = (n: string): string => {
  const snake = n.replace(/[^\w]/g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  const x = /^[A-Z]\w*$/.test(n) ? n : snake.toLowerCase();
  return ['lambda', 'def', 'class', 'from', 'in', 'is', 'not', 'or', 'and', 'pass', 'return', 'global'].includes(x) ? `${x}_` : x;
};

function stub(name: string, spec: ExportSpec): string[] {
  const py = pythonName(name);
  const doc = spec.doc.replace(/"""/g, "'''");
  if (spec.kind !== 'function') {
    const value = spec.kind === 'string' ? '""' : 'None';
    const what = spec.kind === 'object' ? (/^\s*(\[|\w+\[\])/.test(spec.signature) ? 'a list' : 'a dict') : `a ${spec.kind === 'number' ? 'number' : 'string'}`;
    return [`# ${doc}`, `# (${what}; contract: ${spec.signature})`, `${py} = ${value}`];
  }
  const { params, result } = parseSignature(spec.signature);
  const args = params.map((p) => {
    const hint = pythonHint(p.type);
    return hint ? `${pyIdent(p.name)}: ${hint}` : pyIdent(p.name);
  });
  const ret = pythonHint(result);
  return [
    `def ${py}(${args.join(', ')})${ret ? ` -> ${ret}` : ''}:`,
    `    """${doc[0]?.toUpperCase() ?? ''}${doc.slice(1)}.`,
    '',
    `    contract (TypeScript notation): ${spec.signature}`,
    '    """',
    `    raise NotImplementedError("${py}")`,
  ];
}

/**
 * A contract module's types as notes a Python student reads: its doc comments as text, each interface
 * as "Name: a dict with the keys" and its fields, type aliases and constants as `Name = …`; the
 * `…Contract` interface (the exports, which the stubs below spell out) and the imports left out.
 * The field types stay in the contract's notation (number[][] is a list of lists of numbers).
 */
export function contractNotes(source: string): string[] {
  const out: string[] = [];
  let skipping = false;
  // a field's one-line doc, written after the field it documents
  let doc: string | undefined;
  for (const raw of source.trim().split('\n')) {
    const l = raw.replace(/\s+$/, '');
    if (skipping) {
      if (/^}/.test(l)) skipping = false;
      continue;
    }
    if (/^import /.test(l) || /^\s*\/\*\*\s*$/.test(l) || /^\s*\*\/\s*$/.test(l) || /^}/.test(l)) continue;
    let m: RegExpMatchArray | null;
    if (/^export interface \w+Contract \{/.test(l)) skipping = true;
    else if ((m = /^export interface (\w+) \{/.exec(l))) out.push(`${m[1]}: a dict with the keys`);
    else if ((m = /^export (?:type|const) (.*?)(?: as const)?;?$/.exec(l))) out.push(m[1]);
    else if ((m = /^\s+\/\*\*\s?(.*?)\s*\*\/$/.exec(l))) doc = m[1];
    else if ((m = /^\/\*\*\s?(.*?)\s*\*\/$/.exec(l))) out.push(m[1]);
    else if ((m = /^(\s*)\*\s?(.*)$/.exec(l))) out.push(`${m[1].slice(1)}${m[2]}`);
    else if ((m = /^(\s+)(\w+)\((.*)\): (.*);$/.exec(l))) {
      // a method: the interface is an object with methods, not a dict
      const h = out.map((x) => x.endsWith(': a dict with the keys')).lastIndexOf(true);
      if (h >= 0) out[h] = out[h].replace(/a dict with the keys$/, 'an object with the methods');
      out.push(`${m[1]}${m[2]}(${m[3]}) -> ${m[4]}${doc ? ` — ${doc}` : ''}`);
      doc = undefined;
    } else if ((m = /^(\s+)(\w+)(\?)?: (.*?);(\s*\/\/\s*(.*))?$/.exec(l))) {
      const notes = [doc, m[6]].filter(Boolean).join('; ');
      out.push(`${m[1]}${m[2]}${m[3] ? ' (optional)' : ''}: ${m[4]}${notes ? ` — ${notes}` : ''}`);
      doc = undefined;
    } else out.push(l);
  }
  return out;
}

/** `submission.py` for the topics of one course. */
export function pythonStarter(topics: Topic<unknown>[], title: string): string {
  const lines = [
    `"""Your submission for ${title}: replace each stub with your answer (keep the names).`,
    '',
    'Arguments arrive as plain Python values: numbers (int when whole, else float), lists (nested for',
    "matrices; write np.asarray(W, dtype=float) to compute with NumPy), dicts with the contract's keys,",
    'bytes.  Return numbers, strings, lists, dicts, or NumPy arrays.  Formula answers are strings.',
    'NumPy and the standard library are available.  Helper names must start with "_" (public names are',
    'read as your answers).',
    '"""',
    'from typing import Callable  # noqa: F401',
    '',
    'import numpy as np  # noqa: F401',
  ];
  for (const t of topics) {
    lines.push('', '', `# ---- ${t.title}`);
    lines.push(...contractNotes(contractTypes(t.id)).map((l) => `# ${l}`.trimEnd()));
    for (const [name, spec] of Object.entries(t.contract as Record<string, ExportSpec>)) lines.push('', '', ...stub(name, spec));
  }
  return `${lines.join('\n')}\n`;
}
