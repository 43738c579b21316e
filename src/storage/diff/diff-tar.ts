import { closeSync, constants, openSync, readlinkSync, readSync, type BigIntStats } from 'node:fs';
import { lgetxattrs } from '../sys/syscalls.ts';
import { readRootfsRecord } from '../overlay/mount-rootfs.ts';
import { isOverlayXattr, OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from '../overlay/whiteout.ts';
import type { TarEntry } from '../archive/tar-entry.ts';
import { encodeTarHeader, endOfArchive, paddingFor } from '../archive/tar-writer.ts';
import { diffItems, imageStack, type DiffItem } from './diff-items.ts';

// A container's changes as an OCI layer tar (what `docker commit` carries): the changed paths in
// a fixed order (diff-items.ts), deletions as `.wh.<name>` files (overlay's whiteout devices
// turned back into the OCI form) and opaque directories as a `.wh..wh..opq` file inside them. Files
// hard-linked within the upper dir become hard-link entries. overlay's own xattrs are left out;
// all others (security.capability included) are kept byte for byte. The same upper dir always
// gives the same bytes.

const CHUNK = 1 << 20;

export async function* diffTar(o: { rwDir: string }): AsyncIterable<Uint8Array> {
  const rec = readRootfsRecord(o.rwDir);
  const stack = imageStack(rec);
  let items: DiffItem[];
  try {
    items = diffItems(o.rwDir, rec, stack);
  } finally {
    stack.close();
  }
  const links = new Map<string, string>();
  for (const item of items) {
    if (item.kind === 'D') {
      yield encodeTarHeader(marker(item.st, `${parentOf(item.path)}${WHITEOUT_PREFIX}${baseOf(item.path)}`));
      continue;
    }
    const entry = entryOf(item.path, item.abs!, item.st!, links);
    if (!entry) continue;
    yield encodeTarHeader(entry);
    if (entry.type === 'file' && entry.size > 0) yield* fileBody(item.abs!, entry.size);
    if (entry.type === 'file') yield paddingFor(entry.size);
    if (item.opaque) yield encodeTarHeader(marker(item.st, `${item.path}/${OPAQUE_WHITEOUT}`));
  }
  yield endOfArchive();
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i + 1);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

// A whiteout or opaque marker: an empty file with the owner and mtime of what it marks (overlay's
// whiteout device, the opaque directory), or root's and the epoch when there is none (copy).
function marker(st: BigIntStats | undefined, name: string): TarEntry {
  return { name, type: 'file', size: 0, mode: 0o600, uid: Number(st?.uid ?? 0), gid: Number(st?.gid ?? 0), ...times(st) };
}

function times(st: BigIntStats | undefined): { mtime: number; mtimeNsec: number } {
  const ns = st?.mtimeNs ?? 0n;
  return { mtime: Number(ns / 1_000_000_000n), mtimeNsec: Number(ns % 1_000_000_000n) };
}

function entryOf(path: string, abs: string, st: BigIntStats, links: Map<string, string>): TarEntry | undefined {
  const base: TarEntry = { name: path, type: 'file', size: 0, mode: Number(st.mode) & 0o7777, uid: Number(st.uid), gid: Number(st.gid), ...times(st) };
  const xattrs = new Map([...lgetxattrs(abs)].filter(([k]) => !isOverlayXattr(k)));
  if (xattrs.size > 0) base.xattrs = xattrs;
  if (st.isDirectory()) return { ...base, type: 'dir' };
  if (st.isSymbolicLink()) return { ...base, type: 'symlink', linkname: readlinkSync(abs) };
  if (st.isFIFO()) return { ...base, type: 'fifo' };
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    const rdev = Number(st.rdev);
    return {
      ...base,
      type: st.isCharacterDevice() ? 'char' : 'block',
      devmajor: ((rdev >>> 8) & 0xfff) | Number((st.rdev >> 32n) & 0xfffff000n),
      devminor: (rdev & 0xff) | ((rdev >>> 12) & 0xfff00),
    };
  }
  if (!st.isFile()) return undefined; // sockets are not content
  if (st.nlink > 1n) {
    const key = `${st.dev}:${st.ino}`;
    const first = links.get(key);
    if (first) return { ...base, type: 'hardlink', linkname: first };
    links.set(key, path);
  }
  return { ...base, size: Number(st.size) };
}

// Exactly `size` bytes of the file: a file that shrank while it was read (a container still
// running) is padded with zeros, one that grew is cut, so the archive stays well formed.
function* fileBody(path: string, size: number): Generator<Buffer> {
  // O_NOFOLLOW: a running container (commit --pause=false) may have swapped the file for a
  // symlink since the walk; following it would read the host's file into the layer
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, null);
        if (n === 0) {
          buf.fill(0, got);
          got = buf.length;
          break;
        }
        got += n;
      }
      left -= buf.length;
      yield buf;
    }
  } finally {
    closeSync(fd);
  }
}
