// docker/cli's template functions (templates/templates.go): json, split, join, title, lower,
// upper, pad, truncate, with their Go signatures; and the header variants docker swaps in
// when it renders a table's header row, which leave the column names as they are.
import { marshalJson } from './go-json.ts';
import { withSliceElem } from './go-values.ts';
import { GoFunctionError, type FunctionMap } from './template-function.ts';
import { isDigit, isLetter } from './unicode-classes.ts';
import { byteLength, byteSlice, isAscii } from './utf8-bytes.ts';

// Go maps case rune by rune with the simple (one-to-one) mappings; JS applies full mappings
// (ß -> SS). Where JS gives several characters, the simple mapping is the identity, except İ.
function mapRunes(s: string, map: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    // strings.Map turns a byte that is not UTF-8 into U+FFFD
    if (ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff) {
      out += '\ufffd';
      continue;
    }
    const m = map(ch);
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

function toLowerRune(ch: string): string {
  return ch === '\u0130' ? 'i' : ch.toLowerCase();
}

// unicode.ToTitle differs from ToUpper only for the four digraph triples.
const titleDigraphs: Record<string, string> = {
  '\u01c4': '\u01c5', '\u01c5': '\u01c5', '\u01c6': '\u01c5',
  '\u01c7': '\u01c8', '\u01c8': '\u01c8', '\u01c9': '\u01c8',
  '\u01ca': '\u01cb', '\u01cb': '\u01cb', '\u01cc': '\u01cb',
  '\u01f1': '\u01f2', '\u01f2': '\u01f2', '\u01f3': '\u01f2',
};

function toTitleRune(ch: string): string {
  const t = titleDigraphs[ch];
  if (t !== undefined) return t;
  const u = ch.toUpperCase();
  return [...u].length === 1 ? u : ch;
}

export function goToLower(s: string): string {
  return isAscii(s) ? s.toLowerCase() : mapRunes(s, toLowerRune);
}

export function goToUpper(s: string): string {
  return isAscii(s) ? s.toUpperCase() : mapRunes(s, (ch) => ch.toUpperCase());
}

function isUnicodeSpace(cp: number): boolean {
  switch (cp) {
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20: case 0x85: case 0xa0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
      return true;
  }
  return cp >= 0x2000 && cp <= 0x200a;
}

// strings.Title's isSeparator
function isSeparator(cp: number): boolean {
  if (cp <= 0x7f) {
    if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f) return false;
    return true;
  }
  if (isLetter(cp) || isDigit(cp)) return false;
  return isUnicodeSpace(cp);
}

// strings.Title (deprecated in Go, still what docker calls)
export function goTitle(s: string): string {
  let prev = 0x20;
  let out = '';
  for (let ch of s) {
    let cp = ch.codePointAt(0)!;
    if (ch.length === 1 && cp >= 0xd800 && cp <= 0xdfff) {
      ch = '\ufffd';
      cp = 0xfffd;
    }
    out += isSeparator(prev) ? toTitleRune(ch) : ch;
    prev = cp;
  }
  return out;
}

// strings.Split
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return [...s];
  return s.split(sep);
}

function repeatSpaces(n: number): string {
  if (n < 0) throw new GoFunctionError('strings: negative Repeat count');
  return ' '.repeat(n);
}

// docker's padWithSpace: pads only non-empty strings.
function pad(source: string, prefix: number, suffix: number): string {
  if (source === '') return source;
  return repeatSpaces(prefix) + source + repeatSpaces(suffix);
}

// docker's truncateWithLength: cuts at a byte length, as Go slices strings.
function truncate(source: string, length: number): string {
  if (byteLength(source) < length) return source;
  if (length < 0) throw new GoFunctionError(`runtime error: slice bounds out of range [:${length}]`);
  return byteSlice(source, 0, length);
}

export const dockerFunctions: FunctionMap = {
  json: { params: ['any'], call: (v: unknown) => marshalJson(v) },
  split: { params: ['string', 'string'], call: (s: string, sep: string) => withSliceElem(goSplit(s, sep), 'string') },
  join: { params: ['[]string', 'string'], call: (elems: string[], sep: string) => elems.join(sep) },
  title: { params: ['string'], call: goTitle },
  lower: { params: ['string'], call: goToLower },
  upper: { params: ['string'], call: goToUpper },
  pad: { params: ['string', 'int', 'int'], call: pad },
  truncate: { params: ['string', 'int'], call: truncate },
};

const same = (v: string): string => v;

// templates.HeaderFunctions: a table header is the template run over the column names, and
// these keep a name intact (`pad` is not replaced, so headers stay aligned with padded cells).
export const dockerHeaderFunctions: FunctionMap = {
  json: { params: ['string'], call: same },
  split: { params: ['string', 'string'], call: same },
  join: { params: ['string', 'string'], call: same },
  title: { params: ['string'], call: same },
  lower: { params: ['string'], call: same },
  upper: { params: ['string'], call: same },
  truncate: { params: ['string', 'int'], call: same },
};
