import { closeSync, fstatSync, readdirSync, readlinkSync, readSync, type BigIntStats } from 'node:fs';
import { O } from '../sys/linux-constants.ts';
import { fdPath, lgetxattr, openAt, statAt, type StatxResult } from '../sys/syscalls.ts';
import type { TarEntry } from './tar-entry.ts';
import { encodeTarHeader, endOfArchive, paddingFor } from './tar-writer.ts';

// A tar of one file or directory tree, read only through file descriptors: each entry is opened
// with O_NOFOLLOW relative to its parent directory's fd, so a tree that changes while it is read
// (a running container) can make an entry fail or come out short, never make the walk read
// outside the tree. Symlinks are archived as symlinks; directories get a trailing slash and the
// "." root's children are "./<name>", as docker's archives have them; files linked more than
// once become hard-link entries; security.capability is kept (docker keeps no other xattr);
// sockets are left out.

export interface TreeTarOptions {
  // the entry to archive: `name` in the directory `dirFd`, or the directory itself for "."
  dirFd: number;
  name: string;
  // its name in the archive ("etc", "passwd", or "." for a directory's contents)
  entryName: string;
  // its path as the tree's user sees it, and what to read instead at a path (a mount target)
  path?: string;
  mountAt?: (path: string) => { dirFd: number; name: string } | undefined;
  // called for each file's bytes, for progress and size reports
  onBytes?: (n: number) => void;
  // false: a directory's contents only, named relative to it ("bin/", "etc/passwd"), as
  // docker export writes a root filesystem
  rootEntry?: boolean;
}

const CHUNK = 1 << 20;
const S_IFMT = 0o170000;

function times(st: BigIntStats): { mtime: number; mtimeNsec: number } {
  return { mtime: Number(st.mtimeNs / 1_000_000_000n), mtimeNsec: Number(st.mtimeNs % 1_000_000_000n) };
}

const join = (a: string, b: string): string => (a === '' ? b : `${a}/${b}`);

export async function* treeTar(o: TreeTarOptions): AsyncGenerator<Uint8Array> {
  const links = new Map<string, string>();
  // the root's own entry is left out by giving it the empty name (join() then names its
  // children without a prefix)
  yield* entry(o, o.dirFd, o.name, o.rootEntry === false ? '' : o.entryName, o.path, links);
  yield endOfArchive();
}

function capability(dirFd: number, name: string): Map<string, Buffer> | undefined {
  if (name === '.') return undefined;
  try {
    const v = lgetxattr(fdPath(dirFd, name), 'security.capability');
    return v ? new Map([['security.capability', v]]) : undefined;
  } catch {
    return undefined;
  }
}

async function* entry(o: TreeTarOptions, dirFd: number, name: string, entryName: string, path: string | undefined, links: Map<string, string>): AsyncGenerator<Uint8Array> {
  const sub = path !== undefined && name !== '.' ? o.mountAt?.(path) : undefined;
  if (sub) {
    dirFd = sub.dirFd;
    name = sub.name;
  }
  const st: StatxResult | undefined = statAt(dirFd, name === '.' ? '' : name);
  if (!st) return; // removed while we walked
  const type = st.mode & S_IFMT;
  if (type === 0o040000) {
    yield* directory(o, dirFd, name, entryName, path, links);
    return;
  }
  if (type === 0o100000) {
    yield* regularFile(o, dirFd, name, entryName, links);
    return;
  }
  const base: TarEntry = { name: entryName, type: 'file', size: 0, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtimeSec, mtimeNsec: st.mtimeNsec };
  if (type === 0o120000) {
    yield encodeTarHeader({ ...base, type: 'symlink', linkname: readlinkSync(fdPath(dirFd, name)) });
  } else if (type === 0o020000 || type === 0o060000) {
    yield encodeTarHeader({ ...base, type: type === 0o020000 ? 'char' : 'block', devmajor: st.rdevMajor, devminor: st.rdevMinor });
  } else if (type === 0o010000) {
    yield encodeTarHeader({ ...base, type: 'fifo' });
  }
}

async function* directory(o: TreeTarOptions, dirFd: number, name: string, entryName: string, path: string | undefined, links: Map<string, string>): AsyncGenerator<Uint8Array> {
  let fd: number;
  try {
    fd = openAt(dirFd, name, O.RDONLY | O.DIRECTORY | O.NOFOLLOW);
  } catch {
    return; // replaced while we walked
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    const xattrs = capability(dirFd, name);
    if (entryName !== '') yield encodeTarHeader({ name: entryName, type: 'dir', size: 0, mode: Number(st.mode) & 0o7777, uid: Number(st.uid), gid: Number(st.gid), ...times(st), ...(xattrs ? { xattrs } : {}) });
    const children = readdirSync(`/proc/self/fd/${fd}`).sort();
    for (const child of children) {
      yield* entry(o, fd, child, entryName === '.' ? `./${child}` : join(entryName, child), path === undefined ? undefined : path === '/' ? `/${child}` : `${path}/${child}`, links);
    }
  } finally {
    closeSync(fd);
  }
}

async function* regularFile(o: TreeTarOptions, dirFd: number, name: string, entryName: string, links: Map<string, string>): AsyncGenerator<Uint8Array> {
  let fd: number;
  try {
    // O_NONBLOCK: a file swapped for a fifo meanwhile must not hang the walk
    fd = openAt(dirFd, name, O.RDONLY | O.NOFOLLOW | O.NONBLOCK);
  } catch {
    return;
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) return;
    const base: TarEntry = { name: entryName, type: 'file', size: 0, mode: Number(st.mode) & 0o7777, uid: Number(st.uid), gid: Number(st.gid), ...times(st) };
    const xattrs = capability(dirFd, name);
    if (xattrs) base.xattrs = xattrs;
    if (st.nlink > 1n) {
      const key = `${st.dev}:${st.ino}`;
      const first = links.get(key);
      if (first !== undefined) {
        yield encodeTarHeader({ ...base, type: 'hardlink', linkname: first });
        return;
      }
      links.set(key, entryName);
    }
    const size = Number(st.size);
    yield encodeTarHeader({ ...base, size });
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, null);
        if (n === 0) break;
        got += n;
      }
      // a file that shrank while we read it is padded, so the archive stays well formed
      if (got < buf.length) buf.fill(0, got);
      left -= buf.length;
      o.onBytes?.(buf.length);
      yield buf;
    }
    yield paddingFor(size);
  } finally {
    closeSync(fd);
  }
}
