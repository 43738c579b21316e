import { closeSync, readdirSync } from 'node:fs';
import { errnoName, errnoNumber } from '../../lib/errno.ts';
import { AT, O } from '../sys/linux-constants.ts';
import { isDirMode, mkdirAt, openAt, openBeneath, statAt, SyscallError, unlinkAt } from '../sys/syscalls.ts';
import { splitParent } from './entry-path.ts';
import { UnsafeLayerEntryError } from './unsafe-entry-error.ts';

// A directory tree that is written only through file descriptors: every directory is reached
// with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) from the root's fd, so a symlink planted
// by an earlier entry (`a -> /etc`, then `a/passwd`) makes the kernel refuse the walk instead of
// following it, and no path string is ever handed to a call that could resolve it elsewhere.
// Kernels without openat2 (before 5.6) get the same rule from a walk of single-component
// openat(O_NOFOLLOW) calls.
//
// Parent directories are cached by path (tars list a directory's files together), and the cache
// is dropped whenever a directory is removed, since a cached fd would then point at a directory
// that is no longer in the tree.
export class ContainedTree {
  readonly rootFd: number;
  readonly #dirs = new Map<string, number>();
  #hasOpenat2 = true;

  // `useOpenat2: false` forces the fallback walk (tests run it on kernels that have openat2)
  constructor(root: string, options: { useOpenat2?: boolean } = {}) {
    this.rootFd = openAt(AT.FDCWD, root, O.PATH | O.DIRECTORY);
    this.#hasOpenat2 = options.useOpenat2 ?? true;
  }

  close(): void {
    this.forget();
    closeSync(this.rootFd);
  }

  // Drops every cached directory fd (after a removal or a replacement).
  forget(): void {
    for (const fd of this.#dirs.values()) closeSync(fd);
    this.#dirs.clear();
  }

  // Opens `path` (relative, no "..") below the root; returns -errno on failure.
  open(path: string, flags: number): number {
    if (this.#hasOpenat2) {
      const fd = openBeneath(this.rootFd, path, flags);
      if (fd !== -38 /* ENOSYS */) return fd;
      this.#hasOpenat2 = false;
    }
    return this.#walk(path, flags);
  }

  #walk(path: string, flags: number): number {
    const parts = path === '' ? [] : path.split('/');
    let fd = openAt(this.rootFd, '.', O.PATH | O.DIRECTORY);
    try {
      for (let i = 0; i < parts.length; i++) {
        const last = i === parts.length - 1;
        const f = last ? flags | O.NOFOLLOW : O.PATH | O.DIRECTORY | O.NOFOLLOW;
        let next: number;
        try {
          next = openAt(fd, parts[i]!, f);
        } catch (err) {
          if (!(err instanceof SyscallError)) throw err;
          // O_NOFOLLOW on a symlink: ELOOP, or ENOTDIR with O_DIRECTORY; report what openat2 would
          const st = statAt(fd, parts[i]!);
          if (st && (st.mode & 0o170000) === 0o120000) return -40; // ELOOP
          return -err.errnoNumber;
        }
        closeSync(fd);
        fd = next;
      }
      const out = fd;
      fd = -1;
      return out;
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }

  // The directory fd for `dir` (a path relative to the root, "" for the root itself), creating
  // missing directories (0755, root-owned, as docker does for parents a tar does not list) when
  // `create` is set. Returns undefined when it does not exist and `create` is not set. Throws an
  // UnsafeLayerEntryError naming `entry` when the walk meets a symlink or leaves the root.
  dir(dir: string, entry: string, create: boolean): number | undefined {
    if (dir === '') return this.rootFd;
    const cached = this.#dirs.get(dir);
    if (cached !== undefined) return cached;
    let fd = this.open(dir, O.PATH | O.DIRECTORY);
    if (fd === -2 /* ENOENT */ && create) {
      const { parent, base } = splitParent(dir);
      const parentFd = this.dir(parent, entry, true)!;
      try {
        mkdirAt(parentFd, base, 0o755);
      } catch (err) {
        if (!(err instanceof SyscallError && err.errno === 'EEXIST')) throw err;
      }
      fd = this.open(dir, O.PATH | O.DIRECTORY);
    }
    if (fd < 0) {
      const errno = errnoName(-fd);
      if (errno === 'ENOENT' && !create) return undefined;
      throw refusal(entry, dir, errno);
    }
    if (this.#dirs.size >= 256) this.forget();
    this.#dirs.set(dir, fd);
    return fd;
  }

  // Removes `name` in directory `dirfd` and, for a directory, everything under it, through fds.
  removeAll(dirfd: number, name: string): void {
    const st = statAt(dirfd, name);
    if (!st) return;
    if (!isDirMode(st.mode)) {
      unlinkAt(dirfd, name);
      return;
    }
    const fd = openAt(dirfd, name, O.RDONLY | O.DIRECTORY | O.NOFOLLOW);
    try {
      for (const child of readdirSync(`/proc/self/fd/${fd}`)) this.removeAll(fd, child);
    } finally {
      closeSync(fd);
    }
    unlinkAt(dirfd, name, true);
    this.forget();
  }
}

function refusal(entry: string, dir: string, errno: string): Error {
  if (errno === 'ELOOP') return new UnsafeLayerEntryError(entry, `parent "${dir}" is or goes through a symbolic link`);
  if (errno === 'EXDEV') return new UnsafeLayerEntryError(entry, `parent "${dir}" leaves the layer`);
  if (errno === 'ENOTDIR') return new UnsafeLayerEntryError(entry, `parent "${dir}" is not a directory`);
  return new SyscallError('openat2', dir, errnoNumber(errno) ?? 0).wrap(`layer entry "${entry}"`);
}
