import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { TarEntry } from './tar-entry.ts';
import { TarFormatError } from './tar-format-error.ts';
import { BLOCK, formatHeader, isHeaderOnly, typeflagOf } from './tar-header.ts';
import { fitsOctal } from './tar-numeric.ts';
import { formatPaxRecord, formatPaxTime } from './pax-records.ts';

// Writes POSIX pax archives: a plain ustar header when the entry fits one, preceded by a PAX
// 'x' header for whatever does not (long or non-ASCII names, big sizes and ids, sub-second
// mtimes, xattrs as SCHILY.xattr.* with their exact bytes). GNU tar, bsdtar, Go's archive/tar
// and docker all read this. Output is deterministic: PAX records are sorted by key.

export type TarEntryInput = Omit<TarEntry, 'size' | 'mode' | 'uid' | 'gid' | 'mtime'> &
  Partial<Pick<TarEntry, 'size' | 'mode' | 'uid' | 'gid' | 'mtime'>>;

const ZERO = Buffer.alloc(BLOCK * 2);

export function paddingFor(size: number): Buffer {
  return ZERO.subarray(0, (BLOCK - (size % BLOCK)) % BLOCK);
}

// The end-of-archive marker: two zero blocks.
export function endOfArchive(): Buffer {
  return ZERO;
}

function isAscii(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! > 0x7f) return false;
  return true;
}

// Splits a long ustar name at a slash into prefix (<= 155 bytes) and name (<= 100 bytes).
function splitUstarName(name: Buffer): { prefix: Buffer; name: Buffer } | undefined {
  if (name.length > 256) return undefined;
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== 0x2f) continue;
    if (i <= 155 && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
      return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
    }
    if (i < name.length - 101) break;
  }
  return undefined;
}

// The header blocks for one entry (PAX header and its data when needed, then the ustar block).
export function encodeTarHeader(entry: TarEntryInput): Buffer {
  const type = entry.type;
  const typeflag = typeflagOf(type, entry.typeflag);
  const size = isHeaderOnly(typeflag) ? 0 : (entry.size ?? 0);
  const mode = entry.mode ?? (type === 'dir' ? 0o755 : 0o644);
  const uid = entry.uid ?? 0;
  const gid = entry.gid ?? 0;
  const mtime = entry.mtime ?? 0;
  const nsec = entry.mtimeNsec ?? 0;
  if (!Number.isSafeInteger(size) || size < 0) throw new TarFormatError(`invalid size ${size} for "${entry.name}"`);
  if (nsec < 0 || nsec >= 1e9 || !Number.isInteger(nsec)) throw new TarFormatError(`invalid mtime nanoseconds ${nsec} for "${entry.name}"`);

  let nameText = entry.name;
  // directories carry a trailing slash, as GNU tar and docker write them
  if (type === 'dir' && !nameText.endsWith('/')) nameText += '/';
  const records = new Map<string, Buffer | string>();
  const nameBytes = Buffer.from(nameText, 'utf8');
  let ustarName: Buffer = nameBytes;
  let prefix: Buffer | undefined;
  if (!isAscii(nameBytes) || nameBytes.length > 100) {
    const split = isAscii(nameBytes) ? splitUstarName(nameBytes) : undefined;
    if (split) {
      ustarName = split.name;
      prefix = split.prefix;
    } else {
      records.set('path', nameText);
      ustarName = asciiFallback(nameBytes, 100);
    }
  }
  let linkBytes: Buffer = Buffer.from(entry.linkname ?? '', 'utf8');
  if (!isAscii(linkBytes) || linkBytes.length > 100) {
    records.set('linkpath', entry.linkname ?? '');
    linkBytes = asciiFallback(linkBytes, 100);
  }
  let uname: Buffer = Buffer.from(entry.uname ?? '', 'utf8');
  if (!isAscii(uname) || uname.length > 32) {
    records.set('uname', entry.uname ?? '');
    uname = asciiFallback(uname, 32);
  }
  let gname: Buffer = Buffer.from(entry.gname ?? '', 'utf8');
  if (!isAscii(gname) || gname.length > 32) {
    records.set('gname', entry.gname ?? '');
    gname = asciiFallback(gname, 32);
  }
  if (!fitsOctal(12, size)) records.set('size', String(size));
  if (!fitsOctal(8, uid)) records.set('uid', String(uid));
  if (!fitsOctal(8, gid)) records.set('gid', String(gid));
  if (nsec !== 0 || !fitsOctal(12, mtime)) records.set('mtime', formatPaxTime(mtime, nsec));
  if (entry.xattrs) for (const [k, v] of entry.xattrs) records.set(`SCHILY.xattr.${k}`, v);
  if (entry.pax) for (const [k, v] of Object.entries(entry.pax)) records.set(k, v);

  const main = formatHeader({
    name: ustarName,
    ...(prefix ? { prefix } : {}),
    mode,
    uid,
    gid,
    size,
    mtime,
    typeflag,
    linkname: linkBytes,
    uname,
    gname,
    devmajor: entry.devmajor ?? 0,
    devminor: entry.devminor ?? 0,
  });
  if (records.size === 0) return main;

  const data = Buffer.concat([...records.keys()].sort().map((k) => formatPaxRecord(k, records.get(k)!)));
  const base = nameText.replace(/\/+$/, '').split('/').pop() ?? '';
  const paxName = asciiFallback(Buffer.from(`PaxHeaders.0/${base}`, 'utf8'), 100);
  const paxHeader = formatHeader({
    name: paxName,
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: data.length,
    mtime: Math.max(0, Math.min(mtime, 8 ** 11 - 1)),
    typeflag: 'x',
    linkname: Buffer.alloc(0),
    uname: Buffer.alloc(0),
    gname: Buffer.alloc(0),
    devmajor: 0,
    devminor: 0,
  });
  return Buffer.concat([paxHeader, data, paddingFor(data.length), main]);
}

// A field that cannot hold the real value keeps a readable ASCII stand-in (the PAX record is
// authoritative), as Go's archive/tar does.
function asciiFallback(b: Buffer, max: number): Buffer {
  const out = Buffer.from(b.toString('latin1').replace(/[^\x20-\x7e]/g, '_'), 'latin1');
  return out.subarray(0, max);
}

// Streams one tar archive. Producers `await add()` (which waits while the consumer is behind),
// then `await finish()`; the consumer iterates the writer for the bytes.
export class TarWriter implements AsyncIterable<Uint8Array> {
  readonly #out: PassThrough;
  #finished = false;

  constructor(options: { highWaterMark?: number } = {}) {
    this.#out = new PassThrough({ highWaterMark: options.highWaterMark ?? 1 << 20 });
  }

  async #write(buf: Buffer): Promise<void> {
    if (buf.length === 0) return;
    if (!this.#out.write(buf)) {
      await once(this.#out, 'drain');
    }
  }

  // Adds an entry. For files the body must supply exactly `size` bytes.
  async add(entry: TarEntryInput, body?: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    if (this.#finished) throw new TarFormatError('tar writer is already finished');
    const size = isHeaderOnly(typeflagOf(entry.type, entry.typeflag)) ? 0 : (entry.size ?? (body instanceof Uint8Array ? body.length : 0));
    await this.#write(encodeTarHeader({ ...entry, size }));
    let written = 0;
    if (body instanceof Uint8Array) {
      written = body.length;
      if (written === size) await this.#write(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    } else if (body) {
      for await (const chunk of body) {
        written += chunk.length;
        if (written > size) break;
        await this.#write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
    }
    if (written !== size) {
      const err = new TarFormatError(`body of "${entry.name}" has ${written > size ? 'more than' : ''} ${written} bytes, header says ${size}`);
      this.abort(err);
      throw err;
    }
    await this.#write(paddingFor(size));
  }

  async finish(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    await this.#write(endOfArchive());
    this.#out.end();
  }

  abort(err: Error): void {
    this.#finished = true;
    this.#out.destroy(err);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#out[Symbol.asyncIterator]();
  }
}
