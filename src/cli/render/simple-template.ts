// A small subset of Go's text/template for --format until the full engine (being written in
// src/cli/render/go-template/) is merged: {{.Field}}, {{.A.B}}, {{json .X}}, {{json .}},
// {{upper .X}}, {{lower .X}}, {{join .X "sep"}}, {{index .M "key"}}. Anything else is refused
// with a message rather than printed wrong.
import { UsageError } from '../../lib/errors.ts';

type Value = unknown;

function lookup(data: Value, path: string): Value {
  if (path === '.') return data;
  let cur: Value = data;
  for (const part of path.slice(1).split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, Value>)[part];
  }
  return cur;
}

function show(v: Value): string {
  if (v === undefined || v === null) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${k}:${show(x)}`).join(' ')}]`;
  return String(v);
}

function arg(token: string, data: Value): Value {
  if (token.startsWith('"') && token.endsWith('"')) return JSON.parse(token);
  if (token.startsWith('.')) return lookup(data, token);
  throw new UsageError(`template: unsupported argument "${token}"`);
}

export function compileTemplate(text: string): (data: Value) => string {
  const parts = text.split(/(\{\{-?\s*.*?\s*-?\}\})/s);
  return (data) =>
    parts
      .map((p) => {
        const m = /^\{\{-?\s*(.*?)\s*-?\}\}$/s.exec(p);
        if (!m) return p;
        const tokens = m[1]!.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
        const [fn, ...rest] = tokens;
        if (!fn) return '';
        if (fn.startsWith('.')) return show(lookup(data, fn));
        const args = rest.map((t) => arg(t, data));
        switch (fn) {
          case 'json':
            return JSON.stringify(args[0] ?? null);
          case 'upper':
            return String(args[0] ?? '').toUpperCase();
          case 'lower':
            return String(args[0] ?? '').toLowerCase();
          case 'join':
            return ((args[0] as unknown[]) ?? []).map(String).join(String(args[1] ?? ''));
          case 'index':
            return show((args[0] as Record<string, Value> | undefined)?.[String(args[1])]);
          default:
            throw new UsageError(`template: function "${fn}" is not supported yet in --format`);
        }
      })
      .join('');
}
