// Go strings are bytes: len, index, slice, truncate and error columns count bytes, and a string
// may hold bytes that are not UTF-8 (slice "é" 0 1, "\xff"). JS strings count UTF-16 units and
// cannot hold broken UTF-8, so such bytes are kept as lone surrogates U+DC80..U+DCFF, one per
// byte (Python's "surrogateescape"): len, %q, %x, urlquery and goStringBytes() then see exactly
// Go's bytes. Written with plain UTF-8 encoding, each shows as U+FFFD, as a terminal would show
// the broken byte anyway.

const nonAscii = /[^\x00-\x7f]/;

export function isAscii(s: string): boolean {
  return !nonAscii.test(s);
}

function isEscapedByte(c: number): boolean {
  return c >= 0xdc80 && c <= 0xdcff;
}

// The bytes Go holds for the string.
export function goStringBytes(s: string): Uint8Array {
  if (isAscii(s)) return Buffer.from(s, 'latin1');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
      i++;
    } else if (isEscapedByte(c)) out.push(c & 0xff);
    else if (c >= 0xd800 && c <= 0xdfff) out.push(0xef, 0xbf, 0xbd);
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

// Go bytes back to a string, invalid bytes escaped as above (utf8.DecodeRune's rules: no
// overlong forms, no surrogates, nothing above U+10FFFF).
export function decodeGoBytes(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; min = 0x10000; }
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (d & 0x3f);
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (!ok) {
      out += String.fromCharCode(0xdc00 + c);
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

// len(s) in Go.
export function byteLength(s: string): number {
  if (isAscii(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      n += 4;
      i++;
    } else if (isEscapedByte(c)) n++;
    else n += 3;
  }
  return n;
}

// s[i] in Go: one byte.
export function byteAt(s: string, i: number): number {
  if (isAscii(s)) return s.charCodeAt(i);
  return goStringBytes(s)[i] ?? 0;
}

// s[start:end] in Go, with byte offsets.
export function byteSlice(s: string, start: number, end: number): string {
  if (isAscii(s)) return s.slice(start, end);
  return decodeGoBytes(goStringBytes(s).subarray(start, end));
}

// The UTF-8 bytes of a string, for %x and the escapers.
export const utf8Bytes = goStringBytes;

// Number of code points, an invalid byte counting as one (utf8.RuneCountInString).
export function runeCount(s: string): number {
  if (isAscii(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// Whether a code unit stands for one invalid byte.
export { isEscapedByte };
