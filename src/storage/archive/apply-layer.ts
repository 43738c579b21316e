import { closeSync, readSync, writeSync } from 'node:fs';
import { errnoName } from '../../lib/errno.ts';
import { O, S_IF } from '../sys/linux-constants.ts';
import {
  chmodAt,
  fchmod,
  fchown,
  fdPath,
  fsetxattr,
  futimes,
  isDirMode,
  lchownAt,
  lgetxattrs,
  linkAt,
  lsetxattr,
  lutimesAt,
  mkdirAt,
  mknodAt,
  openAt,
  statAt,
  symlinkAt,
  SyscallError,
  type StatxResult,
} from '../sys/syscalls.ts';
import { LayerStack } from '../overlay/layer-stack.ts';
import { AUFS_META_PREFIX, isOverlayXattr, isWhiteoutDevice, OPAQUE_WHITEOUT, OVERLAY_OPAQUE_XATTR, WHITEOUT_PREFIX } from '../overlay/whiteout.ts';
import { ContainedTree } from './contained-tree.ts';
import { normalizeEntryPath, splitParent } from './entry-path.ts';
import type { TarEntry } from './tar-entry.ts';
import { TarReader, type TarReadEntry } from './tar-reader.ts';
import { UnsafeLayerEntryError } from './unsafe-entry-error.ts';

// Unpacks one image layer tar into an empty directory in overlayfs's on-disk form, treating the
// tar as hostile:
//
// - names: absolute names and ".." are refused; every directory is reached through fds with
//   openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) (contained-tree.ts), so an entry can never be
//   written through a symlink, whoever planted it;
// - whiteouts: `.wh.<name>` becomes a 0/0 character device `<name>`, `.wh..wh..opq` the xattr
//   trusted.overlay.opaque=y on its directory; other `.wh..wh.` names (AUFS bookkeeping) are skipped;
// - hard links: the target must be a non-directory inside the layer, reached the same way. A
//   target that is not in this layer but in a lower one is copied up (same bytes, owner, mode,
//   xattrs, mtime): overlayfs cannot link across layers, and a container would see that copy
//   after its first write anyway. Only regular files and symlinks are copied up;
// - metadata in the order the kernel needs: data, then lchown (which clears setuid/setgid and
//   security.capability), then the mode, then xattrs, then the mtime; directories get their mode
//   and mtime last, after their children are written;
// - xattrs: kept byte for byte (security.capability included); trusted.overlay.* and
//   user.overlay.* from an image are dropped, since overlayfs would read them as instructions;
// - device nodes (and whiteouts, which are devices) need root: without it they are refused.

export interface ApplyLayerOptions {
  // an existing, empty directory that becomes the layer's contents
  target: string;
  tar: AsyncIterable<Uint8Array>;
  // the parent layers' directories, topmost first: where hard-link targets may be found
  lowerDirs?: string[];
  // create device nodes and whiteouts; default: the process is root
  allowDevices?: boolean;
}

export interface ApplyLayerResult {
  // bytes of regular-file content written
  size: number;
  entries: number;
  // xattrs that were not applied, as "<entry>: <name> (<reason>)"
  ignoredXattrs: string[];
}

interface DirMeta {
  mode: number;
  mtime: number;
  nsec: number;
}

export async function applyLayerTar(o: ApplyLayerOptions): Promise<ApplyLayerResult> {
  const tree = new ContainedTree(o.target);
  const unpacker = new Unpacker(tree, o.lowerDirs ?? [], o.allowDevices ?? process.geteuid?.() === 0);
  try {
    for await (const entry of new TarReader(o.tar)) {
      try {
        await unpacker.apply(entry);
      } catch (err) {
        if (err instanceof SyscallError) err.wrap(`layer entry "${entry.name}"`);
        throw err;
      }
    }
    unpacker.finishDirectories();
    return unpacker.result;
  } finally {
    unpacker.close();
    tree.close();
  }
}

class Unpacker {
  readonly #tree: ContainedTree;
  readonly #lowerDirs: string[];
  readonly #allowDevices: boolean;
  #lowers: LayerStack | undefined;
  readonly #dirs = new Map<string, DirMeta>();
  readonly result: ApplyLayerResult = { size: 0, entries: 0, ignoredXattrs: [] };

  constructor(tree: ContainedTree, lowerDirs: string[], allowDevices: boolean) {
    this.#tree = tree;
    this.#lowerDirs = lowerDirs;
    this.#allowDevices = allowDevices;
  }

  close(): void {
    this.#lowers?.close();
  }

  async apply(entry: TarReadEntry): Promise<void> {
    this.result.entries++;
    const path = normalizeEntryPath(entry.name, entry.name);
    if (path === '') {
      // "./": the layer root itself; only its metadata can be set
      if (entry.type !== 'dir') throw new UnsafeLayerEntryError(entry.name, `the layer root must be a directory, not a ${entry.type}`);
      this.#dirs.set('', { mode: entry.mode, mtime: entry.mtime, nsec: entry.mtimeNsec ?? 0 });
      const fd = this.#tree.open('', O.RDONLY | O.DIRECTORY);
      if (fd < 0) throw new UnsafeLayerEntryError(entry.name, `cannot open the layer root: ${errnoName(-fd)}`);
      try {
        fchown(fd, entry.uid, entry.gid, entry.name);
      } finally {
        closeSync(fd);
      }
      return;
    }
    const { parent, base } = splitParent(path);
    if (base.startsWith(WHITEOUT_PREFIX)) return this.#whiteout(entry, parent, base);

    const dirfd = this.#tree.dir(parent, entry.name, true)!;
    switch (entry.type) {
      case 'file':
      case 'contiguous':
        return this.#file(entry, dirfd, base);
      case 'dir': {
        const existing = this.#create(dirfd, base, () => mkdirAt(dirfd, base, 0o700), true);
        // `.wh.d` then `d/` in one layer: the lower `d` was deleted and a new one made, so
        // nothing of the lower `d` may show through: that is an opaque directory
        if (existing && isWhiteoutDevice(existing)) this.#makeOpaque(entry, path);
        lchownAt(dirfd, base, entry.uid, entry.gid);
        this.#xattrs(entry, fdPath(dirfd, base), undefined);
        this.#dirs.set(path, { mode: entry.mode, mtime: entry.mtime, nsec: entry.mtimeNsec ?? 0 });
        return;
      }
      case 'symlink':
        this.#create(dirfd, base, () => symlinkAt(entry.linkname ?? '', dirfd, base));
        lchownAt(dirfd, base, entry.uid, entry.gid);
        this.#xattrs(entry, fdPath(dirfd, base), undefined, true);
        lutimesAt(dirfd, base, entry.mtime, entry.mtimeNsec ?? 0);
        return;
      case 'hardlink':
        return this.#hardlink(entry, path, dirfd, base);
      case 'char':
      case 'block':
      case 'fifo': {
        if (entry.type !== 'fifo' && !this.#allowDevices) {
          throw new UnsafeLayerEntryError(entry.name, `${entry.type} device ${entry.devmajor}:${entry.devminor} needs root to create`);
        }
        const type = entry.type === 'fifo' ? S_IF.FIFO : entry.type === 'char' ? S_IF.CHR : S_IF.BLK;
        this.#create(dirfd, base, () => mknodAt(dirfd, base, type | 0o600, entry.devmajor ?? 0, entry.devminor ?? 0));
        lchownAt(dirfd, base, entry.uid, entry.gid);
        chmodAt(dirfd, base, entry.mode);
        this.#xattrs(entry, fdPath(dirfd, base), undefined);
        lutimesAt(dirfd, base, entry.mtime, entry.mtimeNsec ?? 0);
        return;
      }
      default:
        throw new UnsafeLayerEntryError(entry.name, `unsupported tar entry type "${entry.typeflag ?? entry.type}"`);
    }
  }

  // Runs `make` (which creates `base` exclusively); if the name is taken, removes what is there
  // and runs it again, as docker does: a later entry replaces an earlier one of the same name.
  // A directory over a directory is kept (`keepDir`), and its metadata updated. Trying first and
  // looking only on EEXIST saves a stat per entry. Returns what was there before, if anything.
  #create(dirfd: number, base: string, make: () => void, keepDir = false): StatxResult | undefined {
    try {
      make();
      return undefined;
    } catch (err) {
      if (!(err instanceof SyscallError && err.errno === 'EEXIST')) throw err;
    }
    const existing = statAt(dirfd, base);
    if (existing && keepDir && isDirMode(existing.mode)) return existing;
    this.#tree.removeAll(dirfd, base);
    make();
    return existing;
  }

  async #file(entry: TarReadEntry, dirfd: number, base: string): Promise<void> {
    let fd = -1;
    this.#create(dirfd, base, () => {
      fd = openAt(dirfd, base, O.WRONLY | O.CREAT | O.EXCL | O.NOFOLLOW, 0o600);
    });
    try {
      for await (const chunk of entry.body) {
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      }
      this.result.size += entry.size;
      fchown(fd, entry.uid, entry.gid, entry.name);
      fchmod(fd, entry.mode, entry.name);
      this.#xattrs(entry, fdPath(dirfd, base), fd);
      futimes(fd, entry.mtime, entry.mtimeNsec ?? 0, entry.name);
    } finally {
      closeSync(fd);
    }
  }

  #whiteout(entry: TarReadEntry, parent: string, base: string): void {
    if (base.startsWith(AUFS_META_PREFIX) && base !== OPAQUE_WHITEOUT) return;
    if (!this.#allowDevices) throw new UnsafeLayerEntryError(entry.name, 'whiteouts are character devices and need root to create');
    const dirfd = this.#tree.dir(parent, entry.name, true)!;
    if (base === OPAQUE_WHITEOUT) return this.#makeOpaque(entry, parent);
    const name = base.slice(WHITEOUT_PREFIX.length);
    if (name === '' || name === '.' || name === '..') throw new UnsafeLayerEntryError(entry.name, 'whiteout names nothing');
    // the tar may also have created the name earlier in this same layer
    this.#tree.removeAll(dirfd, name);
    mknodAt(dirfd, name, S_IF.CHR, 0, 0);
  }

  #makeOpaque(entry: TarReadEntry, dir: string): void {
    // an O_PATH fd cannot carry xattrs, and l*xattr on /proc/self/fd/N would act on the magic
    // link itself: open the directory for real
    const fd = this.#tree.open(dir, O.RDONLY | O.DIRECTORY);
    if (fd < 0) throw new UnsafeLayerEntryError(entry.name, `cannot open directory "${dir}": ${errnoName(-fd)}`);
    try {
      fsetxattr(fd, OVERLAY_OPAQUE_XATTR, Buffer.from('y'), entry.name);
    } finally {
      closeSync(fd);
    }
  }

  #hardlink(entry: TarReadEntry, path: string, dirfd: number, base: string): void {
    const targetPath = normalizeEntryPath(entry.linkname ?? '', entry.name, 'hard link target');
    if (targetPath === '') throw new UnsafeLayerEntryError(entry.name, 'hard link to the layer root');
    if (targetPath === path) return; // a link to itself: nothing to do
    const t = splitParent(targetPath);
    const tdirfd = this.#tree.dir(t.parent, entry.name, false);
    const tst = tdirfd === undefined ? undefined : statAt(tdirfd, t.base);
    if (tst) {
      if (isDirMode(tst.mode)) throw new UnsafeLayerEntryError(entry.name, `hard link target "${entry.linkname}" is a directory`);
      this.#create(dirfd, base, () => linkAt(tdirfd!, t.base, dirfd, base));
      return;
    }
    this.#copyUpLink(entry, targetPath, path, dirfd, base);
  }

  // A hard link whose target lives in a lower layer: copy that file into this layer instead.
  #copyUpLink(entry: TarReadEntry, targetPath: string, path: string, dirfd: number, base: string): void {
    this.#lowers ??= new LayerStack(this.#lowerDirs);
    const hit = this.#lowers.lookup(targetPath, entry.name);
    if (!hit) throw new UnsafeLayerEntryError(entry.name, `hard link target "${entry.linkname}" does not exist in this layer or below`);
    const kind = hit.st.mode & S_IF.MT;
    const lowerPath = fdPath(hit.dirfd, hit.name);
    if (kind === S_IF.REG) {
      const src = openAt(hit.dirfd, hit.name, O.RDONLY | O.NOFOLLOW);
      let dst = -1;
      try {
        this.#create(dirfd, base, () => {
          dst = openAt(dirfd, base, O.WRONLY | O.CREAT | O.EXCL | O.NOFOLLOW, 0o600);
        });
      } catch (err) {
        closeSync(src);
        throw err;
      }
      try {
        const buf = Buffer.allocUnsafe(1 << 20);
        for (;;) {
          const n = readSync(src, buf, 0, buf.length, null);
          if (n === 0) break;
          let off = 0;
          while (off < n) off += writeSync(dst, buf, off, n - off);
        }
        fchown(dst, hit.st.uid, hit.st.gid, path);
        fchmod(dst, hit.st.mode & 0o7777, path);
        for (const [name, value] of lgetxattrs(lowerPath)) {
          if (!isOverlayXattr(name)) fsetxattr(dst, name, value, path);
        }
        futimes(dst, hit.st.mtimeSec, hit.st.mtimeNsec, path);
      } finally {
        closeSync(src);
        closeSync(dst);
      }
      return;
    }
    throw new UnsafeLayerEntryError(entry.name, `hard link target "${entry.linkname}" in a lower layer is not a regular file`);
  }

  // Applies the entry's xattrs on an open fd when there is one, else on the path (which names a
  // single component inside a directory fd, so nothing is resolved through the tree).
  #xattrs(entry: TarEntry, path: string, fd: number | undefined, isSymlink = false): void {
    if (!entry.xattrs) return;
    for (const [name, value] of entry.xattrs) {
      if (isOverlayXattr(name)) {
        this.result.ignoredXattrs.push(`${entry.name}: ${name} (overlayfs's own attribute, not taken from images)`);
        continue;
      }
      try {
        if (fd !== undefined) fsetxattr(fd, name, value, entry.name);
        else lsetxattr(path, name, value);
      } catch (err) {
        const errno = err instanceof SyscallError ? err.errno : '';
        // file systems without xattr support, and user.* on symlinks, which the kernel forbids:
        // docker ignores these too
        if (errno === 'ENOTSUP' || errno === 'EOPNOTSUPP' || (isSymlink && errno === 'EPERM')) {
          this.result.ignoredXattrs.push(`${entry.name}: ${name} (${errno})`);
          continue;
        }
        throw err;
      }
    }
  }

  // Directory modes and mtimes go last: writing a child changes its directory's mtime, and a
  // read-only mode would stop an unprivileged unpacker from writing the children.
  finishDirectories(): void {
    const paths = [...this.#dirs.keys()].sort().reverse();
    for (const path of paths) {
      const meta = this.#dirs.get(path)!;
      const fd = this.#tree.open(path, O.RDONLY | O.DIRECTORY);
      if (fd < 0) {
        // removed or replaced by a later entry: nothing to finish
        if (['ENOENT', 'ENOTDIR'].includes(errnoName(-fd))) continue;
        throw new UnsafeLayerEntryError(path, `cannot reopen directory: ${errnoName(-fd)}`);
      }
      try {
        fchmod(fd, meta.mode, path);
        futimes(fd, meta.mtime, meta.nsec, path);
      } finally {
        closeSync(fd);
      }
    }
  }
}
