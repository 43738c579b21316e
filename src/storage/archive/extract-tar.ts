import { chmodSync, closeSync, fstatSync, readdirSync, utimesSync, writeSync } from 'node:fs';
import { BerthError } from '../../lib/errors.ts';
import { O, S_IF } from '../sys/linux-constants.ts';
import { fchmod, fchown, fsetxattr, futimes, lchownAt, linkAt, lutimesAt, mkdirAt, mknodAt, openAt, statAt, symlinkAt, SyscallError, unlinkAt } from '../sys/syscalls.ts';
import { TarReader, type TarReadEntry } from './tar-reader.ts';

// Extracts a tar the way `docker cp` does (moby's Untar): entries may replace what is there
// (a directory is never replaced by a non-directory or the other way round when
// `noOverwriteDirNonDir` is set, docker cp's rule), the "./" entry gives its mode and times to
// the destination itself, ownership comes from the headers, from a fixed user, or is left to the
// extracting process. Every operation is on (directory fd, one name) where the directory fd
// comes from the caller's `target` (a contained tree on the host, or a container's view), and
// metadata is set through fds or with *at calls that do not follow symlinks: an archive, or a
// container racing with us, cannot make a write land outside the target.

export interface ExtractTarget {
  // the directory `dir` (a "/"-separated path relative to the extraction root, "" for the root),
  // made when missing; the fd stays valid until the next call to this target
  parent(dir: string): number;
  // something was removed or replaced: cached directory fds may point at the old one
  changed(): void;
}

export interface ExtractTarOptions {
  tar: AsyncIterable<Uint8Array>;
  target: ExtractTarget;
  // 'header': the archive's uid/gid; a fixed owner; 'none': the extracting process keeps them
  owner: 'header' | 'none' | { uid: number; gid: number };
  noOverwriteDirNonDir: boolean;
  // renames entries (docker's RebaseArchiveEntries); return undefined to skip one
  rename?: (name: string) => string | undefined;
}

export class ExtractError extends BerthError {
  constructor(message: string) {
    super('E_EXTRACT', message);
  }
}

// "./a/b/", "/a/b" -> "a/b"; ".." anywhere is refused (docker: breakout).
function cleanName(name: string): string {
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') throw new ExtractError(`invalid archive entry "${name}": it points outside the destination`);
    parts.push(p);
  }
  return parts.join('/');
}

function split(path: string): { dir: string; base: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { dir: '', base: path } : { dir: path.slice(0, i), base: path.slice(i + 1) };
}

const S_IFMT = 0o170000;

function removeTree(dirFd: number, name: string): void {
  const st = statAt(dirFd, name);
  if (!st) return;
  if ((st.mode & S_IFMT) !== S_IF.DIR) {
    unlinkAt(dirFd, name);
    return;
  }
  const fd = openAt(dirFd, name, O.RDONLY | O.DIRECTORY | O.NOFOLLOW);
  try {
    for (const child of readdirSync(`/proc/self/fd/${fd}`)) removeTree(fd, child);
  } finally {
    closeSync(fd);
  }
  unlinkAt(dirFd, name, true);
}

// chmod of a node that is not a symlink, through an O_PATH fd that was checked to be that node
function chmodNode(dirFd: number, name: string, mode: number, type: number): void {
  const fd = name === '' ? openAt(dirFd, '.', O.PATH) : openAt(dirFd, name, O.PATH | O.NOFOLLOW);
  try {
    if ((Number(fstatSync(fd).mode) & S_IFMT) === type) chmodSync(`/proc/self/fd/${fd}`, mode);
  } finally {
    closeSync(fd);
  }
}

export async function extractTar(o: ExtractTarOptions): Promise<{ entries: number; bytes: number }> {
  const dirs: { path: string; mode: number; mtime: number; nsec: number }[] = [];
  let entries = 0;
  let bytes = 0;
  const owner = (e: TarReadEntry): { uid: number; gid: number } | undefined => (o.owner === 'none' ? undefined : o.owner === 'header' ? { uid: e.uid, gid: e.gid } : o.owner);
  for await (const e of new TarReader(o.tar)) {
    const renamed = o.rename ? o.rename(e.name) : e.name;
    if (renamed === undefined) continue;
    const path = cleanName(renamed);
    entries++;
    try {
      if (path === '') {
        // the archive's root ("./"): its metadata is the destination's
        if (e.type === 'dir') dirs.push({ path, mode: e.mode, mtime: e.mtime, nsec: e.mtimeNsec ?? 0 });
        continue;
      }
      const { dir, base } = split(path);
      let parent = o.target.parent(dir);
      const existing = statAt(parent, base);
      if (existing) {
        const isDir = (existing.mode & S_IFMT) === S_IF.DIR;
        if (o.noOverwriteDirNonDir && isDir && e.type !== 'dir') throw new ExtractError(`cannot overwrite directory "/${path}" with non-directory "${e.name}"`);
        if (o.noOverwriteDirNonDir && !isDir && e.type === 'dir') throw new ExtractError(`cannot overwrite non-directory "/${path}" with directory "${e.name}"`);
        if (!(isDir && e.type === 'dir')) {
          removeTree(parent, base);
          o.target.changed();
          parent = o.target.parent(dir);
        }
      }
      const who = owner(e);
      switch (e.type) {
        case 'dir':
          if (!existing || (existing.mode & S_IFMT) !== S_IF.DIR) mkdirAt(parent, base, 0o700);
          if (who) lchownAt(parent, base, who.uid, who.gid);
          dirs.push({ path, mode: e.mode, mtime: e.mtime, nsec: e.mtimeNsec ?? 0 });
          break;
        case 'file':
        case 'contiguous': {
          const fd = openAt(parent, base, O.WRONLY | O.CREAT | O.EXCL | O.NOFOLLOW, 0o600);
          try {
            for await (const chunk of e.body) {
              let off = 0;
              while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
              bytes += chunk.length;
            }
            if (who) fchown(fd, who.uid, who.gid, path);
            fchmod(fd, e.mode, path);
            for (const [k, v] of e.xattrs ?? []) {
              if (k !== 'security.capability') continue;
              try {
                fsetxattr(fd, k, v, path);
              } catch {
                // a file system without xattrs: docker ignores it too
              }
            }
            futimes(fd, e.mtime, e.mtimeNsec ?? 0, path);
          } finally {
            closeSync(fd);
          }
          break;
        }
        case 'symlink':
          symlinkAt(e.linkname ?? '', parent, base);
          if (who) lchownAt(parent, base, who.uid, who.gid);
          lutimesAt(parent, base, e.mtime, e.mtimeNsec ?? 0);
          break;
        case 'hardlink': {
          const to = split(cleanName(o.rename ? (o.rename(e.linkname ?? '') ?? '') : (e.linkname ?? '')));
          if (to.base === '') throw new ExtractError(`invalid hard link "${e.name}": empty target`);
          const from = o.target.parent(to.dir);
          parent = o.target.parent(dir);
          linkAt(from, to.base, parent, base);
          break;
        }
        case 'char':
        case 'block':
        case 'fifo': {
          const type = e.type === 'char' ? S_IF.CHR : e.type === 'block' ? S_IF.BLK : S_IF.FIFO;
          mknodAt(parent, base, type | 0o600, e.devmajor ?? 0, e.devminor ?? 0);
          if (who) lchownAt(parent, base, who.uid, who.gid);
          chmodNode(parent, base, e.mode, type);
          lutimesAt(parent, base, e.mtime, e.mtimeNsec ?? 0);
          break;
        }
        default:
          // GNU volume labels and the like carry no file
          break;
      }
    } catch (err) {
      if (err instanceof SyscallError) err.wrap(`extracting "${e.name}"`);
      throw err;
    }
  }
  // directories last and deepest first: writing their contents changed their times
  for (const d of dirs.sort((a, b) => b.path.length - a.path.length)) {
    const { dir, base } = d.path === '' ? { dir: '', base: '' } : split(d.path);
    const parent = o.target.parent(dir);
    chmodNode(parent, base, d.mode, S_IF.DIR);
    if (base !== '') lutimesAt(parent, base, d.mtime, d.nsec);
    else {
      // the destination itself, through its fd (utimensat cannot take an O_PATH fd alone)
      const t = d.mtime + d.nsec / 1e9;
      utimesSync(`/proc/self/fd/${parent}`, t, t);
    }
  }
  return { entries, bytes };
}
