import { closeSync, readlinkSync, statSync } from 'node:fs';
import { basename, dirname, posix } from 'node:path';
import { BerthError } from '../../lib/errors.ts';
import { AT, O, S_IF } from '../sys/linux-constants.ts';
import { fdPath, mkdirAt, openAt, statAt, SyscallError, type StatxResult } from '../sys/syscalls.ts';

// A container's filesystem as its processes see it, read and written from the host: the rootfs
// with bind mounts (volumes, binds, the /etc files) at their targets. Every path is resolved
// one component at a time from directory fds: a symlink is read (never followed by the kernel)
// and resolved as if the rootfs were "/", ".." stops at the root, and crossing a mount target
// switches to the mount's source. Nothing the container wrote can lead a lookup out of the
// rootfs or a mount source, even if it rewrites the tree while we walk (the walk holds O_PATH
// fds, opened with O_NOFOLLOW, so a directory swapped for a symlink makes the open fail).
//
// Containment is what `docker cp` gets by resolving inside the container's mount namespace; the
// runtime's own mounts (/proc, /sys, /dev, tmpfs) are not seen, as they are not by docker cp.

export interface ViewMount {
  // absolute, clean path in the container
  target: string;
  // host path (a directory or a file), trusted: the engine made or checked it
  source: string;
  readOnly: boolean;
}

// A resolved path: `name` in the directory `dirFd`, or the directory itself when `name` is "."
// (the root, or a mount target). `dirFd` belongs to the view and is valid until its next
// resolve() or forget().
export interface ViewEntry {
  dirFd: number;
  name: string;
  // the path in the container after symlinks were followed
  path: string;
  // what the lookup found there; undefined when nothing exists (the parent does)
  stat: StatxResult | undefined;
  // the mount (or the rootfs) the entry lives on is read-only
  readOnly: boolean;
  // the entry lives on one of the mounts, not on the rootfs
  onMount: boolean;
}

export class ViewPathError extends BerthError {
  readonly errno: string;
  constructor(errno: string, path: string, message: string) {
    super('E_VIEW_PATH', `${path}: ${message}`);
    this.errno = errno;
  }
}

const MAX_LINKS = 40;
const isDir = (st: StatxResult | undefined): boolean => st !== undefined && (st.mode & S_IF.MT) === S_IF.DIR;
const isLink = (st: StatxResult | undefined): boolean => st !== undefined && (st.mode & S_IF.MT) === S_IF.LNK;

interface MountState {
  readOnly: boolean;
  file: boolean;
  // directory mounts: the source directory; file mounts: the source's parent directory
  fd: number | undefined;
  name: string;
  source: string;
}

interface Frame {
  fd: number;
  path: string[];
  readOnly: boolean;
  onMount: boolean;
}

export class RootfsView {
  readonly #rootFd: number;
  readonly #rootReadOnly: boolean;
  readonly #mounts = new Map<string, MountState>();
  readonly #dirs = new Map<string, number>();

  constructor(rootfs: string, mounts: ViewMount[], options: { readOnly?: boolean } = {}) {
    this.#rootFd = openAt(AT.FDCWD, rootfs, O.PATH | O.DIRECTORY);
    this.#rootReadOnly = options.readOnly ?? false;
    for (const m of mounts) {
      const target = posix.resolve('/', m.target);
      if (target === '/') continue;
      let file = false;
      try {
        file = !statSync(m.source).isDirectory();
      } catch {
        continue; // a source that is gone is not mounted either
      }
      this.#mounts.set(target, { readOnly: m.readOnly, file, fd: undefined, name: file ? basename(m.source) : '.', source: m.source });
    }
  }

  close(): void {
    this.forget();
    for (const m of this.#mounts.values()) if (m.fd !== undefined) closeSync(m.fd);
    closeSync(this.#rootFd);
  }

  // Drops the cached directory fds (after something was removed or replaced).
  forget(): void {
    for (const fd of this.#dirs.values()) closeSync(fd);
    this.#dirs.clear();
  }

  // Whether a mount is at exactly this container path.
  isMountTarget(path: string): boolean {
    return this.#mounts.has(posix.resolve('/', path));
  }

  #mountFd(m: MountState): number {
    m.fd ??= openAt(AT.FDCWD, m.file ? dirname(m.source) : m.source, O.PATH | O.DIRECTORY);
    return m.fd;
  }

  #open(parent: number, name: string, key: string): number {
    const cached = this.#dirs.get(key);
    if (cached !== undefined) return cached;
    const fd = openAt(parent, name, O.PATH | O.DIRECTORY | O.NOFOLLOW);
    this.#dirs.set(key, fd);
    return fd;
  }

  // Resolves `path` (absolute in the container; relative is taken from "/"). The final component
  // is followed when it is a symlink only if `follow` is set. With `create`, missing directories
  // on the way are made (0755, as docker's cp makes them).
  resolve(path: string, options: { follow?: boolean; create?: boolean } = {}): ViewEntry {
    // the cache is trimmed only here, between lookups: a walk holds the fds of its whole path
    if (this.#dirs.size >= 512) this.forget();
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    const stack: Frame[] = [{ fd: this.#rootFd, path: [], readOnly: this.#rootReadOnly, onMount: false }];
    let links = 0;
    const top = (): Frame => stack[stack.length - 1]!;
    const shown = (p: string[]): string => `/${p.join('/')}`;
    while (parts.length > 0) {
      const comp = parts.shift()!;
      const cur = top();
      if (comp === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      const last = parts.length === 0;
      const childPath = [...cur.path, comp];
      const mount = this.#mounts.get(shown(childPath));
      if (mount) {
        const fd = this.#mountFd(mount);
        if (mount.file) {
          if (!last) throw new ViewPathError('ENOTDIR', shown(childPath), 'not a directory');
          return { dirFd: fd, name: mount.name, path: shown(childPath), stat: statAt(fd, mount.name), readOnly: mount.readOnly, onMount: true };
        }
        stack.push({ fd, path: childPath, readOnly: mount.readOnly, onMount: true });
        continue;
      }
      let st = statAt(cur.fd, comp);
      if (isLink(st) && (!last || options.follow)) {
        if (++links > MAX_LINKS) throw new ViewPathError('ELOOP', shown(childPath), 'too many levels of symbolic links');
        const target = readlinkSync(fdPath(cur.fd, comp));
        if (target.startsWith('/')) stack.length = 1;
        parts.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
        continue;
      }
      if (last) return { dirFd: cur.fd, name: comp, path: shown(childPath), stat: st, readOnly: cur.readOnly, onMount: cur.onMount };
      if (!st && options.create) {
        if (cur.readOnly) throw new ViewPathError('EROFS', shown(childPath), 'read-only file system');
        try {
          mkdirAt(cur.fd, comp, 0o755);
        } catch (err) {
          if (!(err instanceof SyscallError && err.errno === 'EEXIST')) throw err;
        }
        st = statAt(cur.fd, comp);
      }
      if (!st) throw new ViewPathError('ENOENT', shown(childPath), 'no such file or directory');
      if (isLink(st)) {
        // created as a symlink between our two looks: read it next round
        parts.unshift(comp);
        continue;
      }
      if (!isDir(st)) throw new ViewPathError('ENOTDIR', shown(childPath), 'not a directory');
      const fd = this.#open(cur.fd, comp, `${cur.fd}/${comp}`);
      stack.push({ fd, path: childPath, readOnly: cur.readOnly, onMount: cur.onMount });
    }
    const cur = top();
    return { dirFd: cur.fd, name: '.', path: shown(cur.path), stat: statAt(cur.fd, ''), readOnly: cur.readOnly, onMount: cur.onMount };
  }

  // The directory at `path` (symlinks followed) as a new O_PATH fd, which the caller closes.
  directory(path: string, options: { create?: boolean } = {}): { fd: number; path: string; readOnly: boolean; onMount: boolean } {
    const e = this.resolve(path, { follow: true, create: options.create ?? false });
    if (e.name === '.') return { fd: openAt(e.dirFd, '.', O.PATH | O.DIRECTORY), path: e.path, readOnly: e.readOnly, onMount: e.onMount };
    if (!e.stat && options.create) {
      if (e.readOnly) throw new ViewPathError('EROFS', e.path, 'read-only file system');
      try {
        mkdirAt(e.dirFd, e.name, 0o755);
      } catch (err) {
        if (!(err instanceof SyscallError && err.errno === 'EEXIST')) throw err;
      }
      return this.directory(path, { create: false });
    }
    if (!e.stat) throw new ViewPathError('ENOENT', e.path, 'no such file or directory');
    if (!isDir(e.stat)) throw new ViewPathError('ENOTDIR', e.path, 'not a directory');
    return { fd: openAt(e.dirFd, e.name, O.PATH | O.DIRECTORY | O.NOFOLLOW), path: e.path, readOnly: e.readOnly, onMount: e.onMount };
  }

  // Like directory() with create, but the fd belongs to the view (valid until its next
  // resolve() or forget()): for extracting many entries into one tree.
  directoryForWrite(path: string): { fd: number; path: string; readOnly: boolean } {
    let e = this.resolve(path, { follow: true, create: true });
    if (e.name === '.') return { fd: e.dirFd, path: e.path, readOnly: e.readOnly };
    if (!e.stat) {
      if (e.readOnly) throw new ViewPathError('EROFS', e.path, 'read-only file system');
      try {
        mkdirAt(e.dirFd, e.name, 0o755);
      } catch (err) {
        if (!(err instanceof SyscallError && err.errno === 'EEXIST')) throw err;
      }
      e = this.resolve(path, { follow: true });
      if (e.name === '.') return { fd: e.dirFd, path: e.path, readOnly: e.readOnly };
    }
    if (!isDir(e.stat)) throw new ViewPathError('ENOTDIR', e.path, 'not a directory');
    return { fd: this.#open(e.dirFd, e.name, `${e.dirFd}/${e.name}`), path: e.path, readOnly: e.readOnly };
  }

  // For a walk of a directory tree: the mount whose target is `path`, as a directory or a file
  // to read instead of what the rootfs has there.
  mountAt(path: string): { dirFd: number; name: string; readOnly: boolean } | undefined {
    const m = this.#mounts.get(posix.resolve('/', path));
    if (!m) return undefined;
    return { dirFd: this.#mountFd(m), name: m.name, readOnly: m.readOnly };
  }
}
