// Go strings are UTF-8 bytes: len, index, slice, truncate and error columns count bytes, while
// JS strings count UTF-16 units. These helpers give the byte view with an ASCII fast path.
//
// A JS string cannot hold a broken UTF-8 sequence, so where Go would cut a character in two
// (slice "é" 0 1) the partial bytes come out as U+FFFD. That is the one place the output can
// differ from Go's bytes; the terminal shows the same replacement character either way.

const nonAscii = /[^\x00-\x7f]/;

export function isAscii(s: string): boolean {
  return !nonAscii.test(s);
}

// len(s) in Go.
export function byteLength(s: string): number {
  return isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

// s[i] in Go: one byte.
export function byteAt(s: string, i: number): number {
  if (isAscii(s)) return s.charCodeAt(i);
  return Buffer.from(s, 'utf8')[i] ?? 0;
}

// s[start:end] in Go, with byte offsets.
export function byteSlice(s: string, start: number, end: number): string {
  if (isAscii(s)) return s.slice(start, end);
  return Buffer.from(s, 'utf8').subarray(start, end).toString('utf8');
}

// The UTF-8 bytes of a string as an array of numbers (for %x and the escapers).
export function utf8Bytes(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

// Number of code points (Go's utf8.RuneCountInString for valid UTF-8).
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

// Byte offset in Go's view of `s` of the UTF-16 index `index`.
export function byteOffsetOf(s: string, index: number): number {
  return byteLength(s.slice(0, index));
}
