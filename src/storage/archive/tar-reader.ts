import { ByteSource } from './byte-source.ts';
import type { TarEntry } from './tar-entry.ts';
import { TarFormatError } from './tar-format-error.ts';
import { BLOCK, entryTypeOf, isHeaderOnly, isZeroBlock, parseHeader, type RawHeader } from './tar-header.ts';
import { parsePaxRecords, parsePaxTime } from './pax-records.ts';

// A streaming tar reader: ustar, PAX (local 'x' and global 'g' headers), GNU long names and
// links ('L'/'K'), base-256 numbers, V7. Each entry carries its body as an async iterable;
// asking for the next entry skips whatever of the body was not read. Sparse files (GNU 'S' and
// the GNU.sparse PAX formats) are refused with a TarFormatError naming the entry: expanding
// them is not needed for image layers, and reading them as plain files would be silently wrong.
//
//   for await (const entry of new TarReader(stream)) {
//     for await (const chunk of entry.body) ...
//   }

export interface TarReadEntry extends TarEntry {
  // the body; the chunks are views of the source's chunks, valid until the source reuses them
  body: AsyncIterable<Buffer>;
  // the whole body in one Buffer, for small members such as manifest.json
  readAll(): Promise<Buffer>;
}

export interface TarReaderOptions {
  // read and discard the input after the end-of-archive marker (default true), so a digest
  // over the source sees every byte
  drain?: boolean;
}

const MAX_META = 16 << 20; // a PAX or long-name header larger than this is not a real archive

export class TarReader implements AsyncIterable<TarReadEntry> {
  readonly #src: ByteSource;
  readonly #drain: boolean;
  #global = new Map<string, Buffer>();
  #left = 0; // unread body bytes of the current entry
  #pad = 0; // padding after it
  #started = false;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: TarReaderOptions = {}) {
    this.#src = new ByteSource(source);
    this.#drain = options.drain ?? true;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TarReadEntry> {
    if (this.#started) throw new TarFormatError('a tar reader can be iterated once');
    this.#started = true;
    let finished = false;
    try {
      for (;;) {
        const entry = await this.#next();
        if (!entry) break;
        yield entry;
      }
      finished = true;
    } finally {
      if (!finished) await this.#src.close();
    }
  }

  async #skipRest(): Promise<void> {
    if (this.#left + this.#pad > 0) await this.#src.skip(this.#left + this.#pad, 'entry body');
    this.#left = 0;
    this.#pad = 0;
  }

  async #readMeta(size: number, what: string): Promise<Buffer> {
    if (size > MAX_META) throw new TarFormatError(`${what} of ${size} bytes is too large`);
    const data = (await this.#src.read(size, what)) ?? Buffer.alloc(0);
    if (data.length < size) throw new TarFormatError(`unexpected end of archive in ${what}`);
    // copy: the view would pin the source chunk and may be overwritten by a reused buffer
    const copy = Buffer.from(data);
    await this.#src.skip((BLOCK - (size % BLOCK)) % BLOCK, what);
    return copy;
  }

  async #next(): Promise<TarReadEntry | null> {
    await this.#skipRest();
    let pax: Map<string, Buffer> | undefined;
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const at = this.#src.position;
      const block = await this.#src.read(BLOCK, 'header');
      if (!block) {
        // no end marker: GNU tar accepts this with a warning, so does berth
        return null;
      }
      if (isZeroBlock(block)) {
        // the end marker is two zero blocks; the second (and GNU's record padding) is drained
        if (this.#drain) await this.#src.drain();
        return null;
      }
      let h: RawHeader;
      try {
        h = parseHeader(block);
      } catch (err) {
        if (err instanceof TarFormatError) err.wrap(`at offset ${at}`);
        throw err;
      }
      switch (h.typeflag) {
        case 'x':
          pax = parsePaxRecords(await this.#readMeta(h.size, 'pax header'));
          continue;
        case 'g':
          for (const [k, v] of parsePaxRecords(await this.#readMeta(h.size, 'pax global header'))) this.#global.set(k, v);
          continue;
        case 'L':
          longName = nulTrimmed(await this.#readMeta(h.size, 'gnu long name'));
          continue;
        case 'K':
          longLink = nulTrimmed(await this.#readMeta(h.size, 'gnu long link name'));
          continue;
      }
      return this.#makeEntry(h, pax, longName, longLink);
    }
  }

  #makeEntry(h: RawHeader, local: Map<string, Buffer> | undefined, longName?: string, longLink?: string): TarReadEntry {
    const records = new Map(this.#global);
    if (local) for (const [k, v] of local) records.set(k, v);
    const text = (key: string): string | undefined => {
      const v = records.get(key);
      return v === undefined ? undefined : utf8(v, key);
    };
    const name = text('path') ?? longName ?? h.name;
    if (h.typeflag === 'S' || [...records.keys()].some((k) => k.startsWith('GNU.sparse.'))) {
      throw new TarFormatError(`sparse file "${name}" is not supported`);
    }
    let type = entryTypeOf(h.typeflag);
    // pre-POSIX archives mark directories only by a trailing slash on a regular-file entry
    if (type === 'file' && h.format === 'v7' && name.endsWith('/')) type = 'dir';
    const headerOnly = isHeaderOnly(h.typeflag);
    const paxSize = text('size');
    const size = headerOnly ? 0 : paxSize !== undefined ? parseDecimal(paxSize, 'size', name) : h.size;
    const entry: TarReadEntry = {
      name,
      type,
      size,
      mode: h.mode & 0o7777,
      uid: text('uid') !== undefined ? parseDecimal(text('uid')!, 'uid', name) : h.uid,
      gid: text('gid') !== undefined ? parseDecimal(text('gid')!, 'gid', name) : h.gid,
      mtime: h.mtime,
      body: undefined as unknown as AsyncIterable<Buffer>,
      readAll: undefined as unknown as () => Promise<Buffer>,
    };
    const uname = text('uname') ?? h.uname;
    const gname = text('gname') ?? h.gname;
    if (uname) entry.uname = uname;
    if (gname) entry.gname = gname;
    const mtime = text('mtime');
    if (mtime !== undefined) {
      const t = parsePaxTime(mtime, 'mtime');
      entry.mtime = t.sec;
      if (t.nsec) entry.mtimeNsec = t.nsec;
    }
    const linkname = text('linkpath') ?? longLink ?? h.linkname;
    if (linkname || type === 'hardlink' || type === 'symlink') entry.linkname = linkname;
    if (type === 'char' || type === 'block') {
      entry.devmajor = h.devmajor;
      entry.devminor = h.devminor;
    }
    if (type === 'other') entry.typeflag = h.typeflag;
    const xattrs = new Map<string, Buffer>();
    const other: Record<string, string> = {};
    for (const [key, value] of records) {
      if (key.startsWith('SCHILY.xattr.')) {
        xattrs.set(key.slice('SCHILY.xattr.'.length), value);
      } else if (key.startsWith('LIBARCHIVE.xattr.')) {
        // bsdtar writes both forms; the SCHILY one, when present, is the exact bytes already
        const xname = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
        if (!records.has(`SCHILY.xattr.${xname}`)) xattrs.set(xname, Buffer.from(value.toString('latin1'), 'base64'));
      } else if (!HANDLED.has(key)) {
        other[key] = utf8(value, key);
      }
    }
    if (xattrs.size > 0) entry.xattrs = xattrs;
    if (Object.keys(other).length > 0) entry.pax = other;

    this.#left = size;
    this.#pad = (BLOCK - (size % BLOCK)) % BLOCK;
    const body = this.#body(name);
    entry.body = body;
    entry.readAll = async () => {
      const parts: Buffer[] = [];
      for await (const c of body) parts.push(c);
      return Buffer.concat(parts);
    };
    return entry;
  }

  #body(name: string): AsyncIterable<Buffer> {
    const self = this;
    let used = false;
    return {
      async *[Symbol.asyncIterator]() {
        if (used) throw new TarFormatError(`body of "${name}" can be read once`);
        used = true;
        while (self.#left > 0) {
          const chunk = await self.#src.readSome(self.#left, `body of "${name}"`);
          self.#left -= chunk.length;
          yield chunk;
        }
      },
    };
  }
}

const HANDLED = new Set(['path', 'linkpath', 'size', 'uid', 'gid', 'uname', 'gname', 'mtime']);
const strict = new TextDecoder('utf-8', { fatal: true });

function utf8(value: Buffer, key: string): string {
  try {
    return strict.decode(value);
  } catch {
    throw new TarFormatError(`pax record ${key} is not valid utf-8`);
  }
}

function nulTrimmed(data: Buffer): string {
  const end = data.indexOf(0);
  return utf8(end < 0 ? data : data.subarray(0, end), 'gnu long name');
}

function parseDecimal(text: string, key: string, name: string): number {
  if (!/^\d+$/.test(text)) throw new TarFormatError(`invalid pax ${key} "${text}" for "${name}"`);
  const v = Number(text);
  if (!Number.isSafeInteger(v)) throw new TarFormatError(`pax ${key} ${text} of "${name}" is too large`);
  return v;
}
