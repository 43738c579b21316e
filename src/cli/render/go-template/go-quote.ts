// Go's strconv quoting and unquoting, as %q, parse errors and string literals need them.
import { isPrint } from './unicode-classes.ts';
import { decodeGoBytes, isEscapedByte } from './utf8-bytes.ts';

const lowerHex = '0123456789abcdef';

function hex(n: number, digits: number): string {
  let s = '';
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) s += lowerHex[(n >>> shift) & 0xf];
  return s;
}

function escapeRune(cp: number, quote: number, asciiOnly: boolean): string {
  if (cp === quote || cp === 0x5c) return '\\' + String.fromCharCode(cp);
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  // a byte that is not UTF-8 (see utf8-bytes.ts)
  if (isEscapedByte(cp)) return '\\x' + hex(cp & 0xff, 2);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

// strconv.Quote (asciiOnly: strconv.QuoteToASCII).
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    // Plain printable ASCII is the common case; skip the general path for it.
    if (cp >= 0x20 && cp < 0x7f && cp !== 0x22 && cp !== 0x5c) out += ch;
    else out += escapeRune(cp, 0x22, asciiOnly);
  }
  return out + '"';
}

// strconv.QuoteRune (asciiOnly: strconv.QuoteRuneToASCII).
export function quoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || cp < 0 || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  return "'" + escapeRune(cp, 0x27, asciiOnly) + "'";
}

// strconv.CanBackquote
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xfeff) return false;
    if (cp >= 0x80) {
      if (cp >= 0xd800 && cp <= 0xdfff) return false;
      continue;
    }
    if ((cp < 0x20 && cp !== 0x09) || cp === 0x60 || cp === 0x7f) return false;
  }
  return true;
}

// fmt's %#U for a rune, as the lexer's error messages use it: U+0029 ')'.
export function formatRuneSharpU(cp: number): string {
  const code = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(cp) ? `${code} '${String.fromCodePoint(cp)}'` : code;
}

// strconv.ErrSyntax, as Go prints it.
export class GoSyntaxError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

interface UnquotedChar {
  value: number;
  // true when value is a code point to encode, false when it is a single byte (\x, octal)
  multibyte: boolean;
  next: number;
}

// strconv.UnquoteChar on s starting at index i (UTF-16 units).
export function unquoteChar(s: string, i: number, quote: number): UnquotedChar {
  if (i >= s.length) throw new GoSyntaxError();
  const c = s.codePointAt(i)!;
  if (c === quote && (quote === 0x27 || quote === 0x22)) throw new GoSyntaxError();
  if (c >= 0x80) return { value: c, multibyte: true, next: i + (c > 0xffff ? 2 : 1) };
  if (c !== 0x5c) return { value: c, multibyte: false, next: i + 1 };
  if (i + 1 >= s.length) throw new GoSyntaxError();
  const e = s.charCodeAt(i + 1);
  let j = i + 2;
  switch (e) {
    case 0x61: return { value: 0x07, multibyte: false, next: j };
    case 0x62: return { value: 0x08, multibyte: false, next: j };
    case 0x66: return { value: 0x0c, multibyte: false, next: j };
    case 0x6e: return { value: 0x0a, multibyte: false, next: j };
    case 0x72: return { value: 0x0d, multibyte: false, next: j };
    case 0x74: return { value: 0x09, multibyte: false, next: j };
    case 0x76: return { value: 0x0b, multibyte: false, next: j };
    case 0x78: case 0x75: case 0x55: {
      const n = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
      if (j + n > s.length) throw new GoSyntaxError();
      let v = 0;
      for (let k = 0; k < n; k++) {
        const x = unhex(s.charCodeAt(j + k));
        if (x < 0) throw new GoSyntaxError();
        v = v * 16 + x;
      }
      j += n;
      if (e === 0x78) return { value: v, multibyte: false, next: j };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new GoSyntaxError();
      return { value: v, multibyte: true, next: j };
    }
    case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37: {
      let v = e - 0x30;
      if (j + 2 > s.length) throw new GoSyntaxError();
      for (let k = 0; k < 2; k++) {
        const x = s.charCodeAt(j + k) - 0x30;
        if (x < 0 || x > 7) throw new GoSyntaxError();
        v = (v << 3) | x;
      }
      j += 2;
      if (v > 255) throw new GoSyntaxError();
      return { value: v, multibyte: false, next: j };
    }
    case 0x5c: return { value: 0x5c, multibyte: false, next: j };
    case 0x27: case 0x22:
      if (e !== quote) throw new GoSyntaxError();
      return { value: e, multibyte: false, next: j };
  }
  throw new GoSyntaxError();
}

function pushCodePointUtf8(bytes: number[], cp: number): void {
  if (cp < 0x80) bytes.push(cp);
  else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

// strconv.Unquote for the string literals the lexer accepts ("..." and `...`).
export function unquote(literal: string): string {
  const q = literal.charCodeAt(0);
  if (literal.length < 2 || literal.charCodeAt(literal.length - 1) !== q) throw new GoSyntaxError();
  const body = literal.slice(1, -1);
  if (q === 0x60) {
    if (body.includes('`')) throw new GoSyntaxError();
    return body.includes('\r') ? body.replaceAll('\r', '') : body;
  }
  if (q !== 0x22 && q !== 0x27) throw new GoSyntaxError();
  if (body.includes('\n')) throw new GoSyntaxError();
  if (!body.includes('\\') && !body.includes(String.fromCharCode(q))) {
    if (q === 0x22) return body;
    const cps = [...body];
    if (cps.length === 1) return body;
  }
  // \x and octal escapes are bytes, possibly not UTF-8 on their own: collect bytes, decode once.
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const r = unquoteChar(body, i, q);
    i = r.next;
    if (r.value < 0x80 || !r.multibyte) bytes.push(r.value);
    else pushCodePointUtf8(bytes, r.value);
    if (q === 0x27 && i < body.length) throw new GoSyntaxError();
  }
  return decodeGoBytes(Uint8Array.from(bytes));
}
