import type { TarEntryType } from './tar-entry.ts';
import { TarFormatError } from './tar-format-error.ts';
import { formatNumeric, parseNumeric } from './tar-numeric.ts';

// The 512-byte header block: field offsets of ustar (POSIX.1-1988) and the GNU variant that
// shares its first 345 bytes. Parsing gives the raw fields; tar-reader.ts merges PAX and GNU
// long-name records over them.

export const BLOCK = 512;

export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  format: 'ustar' | 'gnu' | 'v7';
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function cstring(block: Uint8Array, start: number, len: number): string {
  let end = start;
  const max = start + len;
  while (end < max && block[end] !== 0) end++;
  if (end === start) return '';
  // fast path: plain ASCII, the common case
  let ascii = true;
  for (let i = start; i < end; i++) if (block[i]! > 0x7f) ascii = false;
  if (ascii) return Buffer.from(block.buffer, block.byteOffset + start, end - start).toString('latin1');
  try {
    return decoder.decode(block.subarray(start, end));
  } catch {
    // berth keeps names as JS strings; a name that is not UTF-8 could not be written back as
    // the same bytes, so it is refused rather than silently renamed
    throw new TarFormatError(`header field at offset ${start} is not valid utf-8`);
  }
}

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function checksumOf(block: Uint8Array): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return { unsigned, signed };
}

export function parseHeader(block: Uint8Array): RawHeader {
  const stored = parseNumeric(block, 148, 156, 'checksum');
  const sum = checksumOf(block);
  if (stored !== sum.unsigned && stored !== sum.signed) {
    throw new TarFormatError(`invalid tar header checksum (stored ${stored}, computed ${sum.unsigned})`);
  }
  const magic = Buffer.from(block.buffer, block.byteOffset + 257, 8).toString('latin1');
  const format = magic === 'ustar\x0000' ? 'ustar' : magic === 'ustar  \x00' ? 'gnu' : magic.startsWith('ustar') ? 'ustar' : 'v7';
  let name = cstring(block, 0, 100);
  // the prefix field exists only in POSIX ustar; GNU keeps atime/ctime there
  if (format === 'ustar') {
    const prefix = cstring(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]!);
  return {
    name,
    mode: parseNumeric(block, 100, 108, 'mode'),
    uid: parseNumeric(block, 108, 116, 'uid'),
    gid: parseNumeric(block, 116, 124, 'gid'),
    size: parseNumeric(block, 124, 136, 'size'),
    mtime: parseNumeric(block, 136, 148, 'mtime'),
    typeflag,
    linkname: cstring(block, 157, 100),
    uname: format === 'v7' ? '' : cstring(block, 265, 32),
    gname: format === 'v7' ? '' : cstring(block, 297, 32),
    devmajor: format === 'v7' ? 0 : parseNumeric(block, 329, 337, 'devmajor'),
    devminor: format === 'v7' ? 0 : parseNumeric(block, 337, 345, 'devminor'),
    format,
  };
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
  '7': 'contiguous',
};
const FLAGS: Record<TarEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
  contiguous: '7',
  other: '0',
};

export function entryTypeOf(typeflag: string): TarEntryType {
  return TYPES[typeflag] ?? 'other';
}

export function typeflagOf(type: TarEntryType, typeflag?: string): string {
  return type === 'other' ? (typeflag ?? '0') : FLAGS[type];
}

// Types whose size field is not followed by data (Go's isHeaderOnlyType; GNU tar agrees).
export function isHeaderOnly(typeflag: string): boolean {
  return typeflag === '1' || typeflag === '2' || typeflag === '3' || typeflag === '4' || typeflag === '5' || typeflag === '6';
}

export interface HeaderFields {
  name: Buffer; // <= 100 bytes
  prefix?: Buffer; // <= 155 bytes
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: Buffer; // <= 100 bytes
  uname: Buffer; // <= 32 bytes
  gname: Buffer;
  devmajor: number;
  devminor: number;
}

// Encodes one POSIX ustar header. Numbers that octal cannot hold go in base-256 (the caller also
// writes a PAX record for them where PAX has a key).
export function formatHeader(h: HeaderFields, out: Buffer = Buffer.alloc(BLOCK), at = 0): Buffer {
  const b = out.subarray(at, at + BLOCK);
  b.fill(0);
  h.name.copy(b, 0, 0, Math.min(100, h.name.length));
  numeric(b, 100, 8, h.mode, 'mode');
  numeric(b, 108, 8, h.uid, 'uid');
  numeric(b, 116, 8, h.gid, 'gid');
  numeric(b, 124, 12, h.size, 'size');
  numeric(b, 136, 12, h.mtime, 'mtime');
  b[156] = h.typeflag.charCodeAt(0);
  h.linkname.copy(b, 157, 0, Math.min(100, h.linkname.length));
  b.write('ustar\x0000', 257, 'latin1');
  h.uname.copy(b, 265, 0, Math.min(32, h.uname.length));
  h.gname.copy(b, 297, 0, Math.min(32, h.gname.length));
  numeric(b, 329, 8, h.devmajor, 'devmajor');
  numeric(b, 337, 8, h.devminor, 'devminor');
  if (h.prefix) h.prefix.copy(b, 345, 0, Math.min(155, h.prefix.length));
  // checksum: 6 octal digits, NUL, space (what every tar writes)
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, '0'), 148, 'latin1');
  b[154] = 0;
  b[155] = 0x20;
  return b;
}

function numeric(b: Buffer, start: number, len: number, value: number, field: string): void {
  if (!formatNumeric(b, start, len, value)) throw new TarFormatError(`${field} ${value} does not fit a tar header`);
}
