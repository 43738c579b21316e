import { TarFormatError } from './tar-format-error.ts';

// Numeric header fields: octal ASCII (POSIX), or GNU's base-256 when the first byte has its top
// bit set (0x80 positive, 0xff a negative two's-complement value) for values octal cannot hold.

export function parseNumeric(block: Uint8Array, start: number, end: number, field: string): number {
  const first = block[start]!;
  if (first & 0x80) {
    let v = 0n;
    for (let i = start; i < end; i++) v = (v << 8n) | BigInt(block[i]!);
    const bits = BigInt((end - start) * 8);
    // 0xff...: negative, the whole field is two's complement; 0x80: drop the marker bit
    v = first === 0xff ? v - (1n << bits) : v & ((1n << (bits - 1n)) - 1n);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new TarFormatError(`${field} field out of range: ${v}`);
    }
    return Number(v);
  }
  let i = start;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = block[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw new TarFormatError(`invalid octal digit in ${field} field`);
    v = v * 8 + (c - 0x30);
    digits++;
  }
  // an all-blank field reads as 0, as GNU tar and Go do
  if (digits > 0 && !Number.isSafeInteger(v)) throw new TarFormatError(`${field} field out of range`);
  return v;
}

// Writes `value` into block[start, start+len): octal with a trailing NUL when it fits,
// base-256 otherwise. Returns false when even base-256 cannot hold it.
export function formatNumeric(block: Uint8Array, start: number, len: number, value: number): boolean {
  const maxOctal = 8 ** (len - 1);
  if (Number.isInteger(value) && value >= 0 && value < maxOctal) {
    const s = value.toString(8).padStart(len - 1, '0');
    for (let i = 0; i < len - 1; i++) block[start + i] = s.charCodeAt(i);
    block[start + len - 1] = 0;
    return true;
  }
  if (!Number.isInteger(value)) return false;
  const bits = BigInt(len * 8);
  let v = BigInt(value);
  if (v >= 1n << (bits - 1n) || v < -(1n << (bits - 8n))) return false; // negative needs a first byte of 0xff
  if (v < 0n) v += 1n << bits;
  for (let i = start + len - 1; i >= start; i--) {
    block[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (value >= 0) block[start] = block[start]! | 0x80;
  return true;
}

export function fitsOctal(len: number, value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 8 ** (len - 1);
}
