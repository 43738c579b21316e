// encoding/json's Marshal as docker's `json` template function uses it (an Encoder with HTML
// escaping off, trailing newline trimmed). Maps print with sorted keys, structs in field order,
// floats in Go's shortest form; a value Go cannot encode (NaN, a function) makes the whole
// result empty, because docker ignores the encoder's error.
import { formatFloat } from './format-float.ts';
import { GoFloat, GoUint8, Iface, compareGoStrings, kindOf, sortedMapEntries, structFields } from './go-values.ts';

class Unsupported extends Error {}

const hex = '0123456789abcdef';

// Go ≥ 1.22 writes \b and \f (docker's CLI is built with a current Go); older ones \u0008, \u000c.
const needsEscape = /["\\\x00-\x1f\u2028\u2029\ud800-\udfff]/;

function quoteJson(s: string): string {
  if (!needsEscape.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x0a: esc = '\\n'; break;
        case 0x0d: esc = '\\r'; break;
        case 0x09: esc = '\\t'; break;
        case 0x08: esc = '\\b'; break;
        case 0x0c: esc = '\\f'; break;
        default: esc = '\\u00' + hex[c >> 4] + hex[c & 0xf];
      }
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // a lone surrogate stands for a byte that is not UTF-8: Go writes the escape \ufffd
      const pair = c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (pair) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function encodeFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Unsupported();
  const abs = Math.abs(f);
  let fmt = 'f';
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) fmt = 'e';
  let b = formatFloat(f, fmt, -1);
  if (fmt === 'e') {
    const n = b.length;
    if (n >= 4 && b[n - 4] === 'e' && b[n - 3] === '-' && b[n - 2] === '0') b = b.slice(0, n - 2) + b[n - 1];
  }
  return b;
}

// Map keys in Go's order: bytewise, which is UTF-16 order unless a key has characters from
// U+D800 up.
function sortKeys(keys: string[]): string[] {
  return keys.some((k) => highUnits.test(k)) ? keys.sort(compareGoStrings) : keys.sort();
}

const highUnits = /[\ud800-\uffff]/;

function encodeObject(o: Record<string, unknown>): string {
  const keys: string[] = [];
  for (const k in o) if (Object.hasOwn(o, k) && o[k] !== undefined) keys.push(k);
  sortKeys(keys);
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ',';
    out += quoteJson(keys[i]!) + ':' + encode(o[keys[i]!]);
  }
  return out + '}';
}

function encode(v: unknown): string {
  switch (typeof v) {
    case 'string': return quoteJson(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return Number.isSafeInteger(v) ? String(v) : encodeFloat(v);
    case 'bigint': return String(v);
    case 'undefined': return 'null';
    case 'function': throw new Unsupported();
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += encode(v[i] ?? null);
    }
    return out + ']';
  }
  if (v instanceof Iface) return encode(v.v);
  switch (kindOf(v)) {
    case 'uint8': return String((v as GoUint8).value);
    case 'float64': return encodeFloat((v as GoFloat).value);
    case 'map':
      if (!(v instanceof Map)) return encodeObject(v as Record<string, unknown>);
      // Go sorts keys by their text, so int keys too
      return '{' + sortedMapEntries(v).map(([k, val]) => [String(k), val] as const)
        .sort((a, b) => compareGoStrings(a[0], b[0]))
        .map(([k, val]) => quoteJson(k) + ':' + encode(val)).join(',') + '}';
    case 'struct':
      return '{' + structFields(v as object).map(([k, val]) => quoteJson(k) + ':' + encode(val)).join(',') + '}';
  }
  throw new Unsupported();
}

// docker's `json` function.
export function marshalJson(v: unknown): string {
  try {
    return encode(v);
  } catch (err) {
    if (err instanceof Unsupported) return '';
    throw err;
  }
}
