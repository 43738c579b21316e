import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { AT, S_IF } from '../sys/linux-constants.ts';
import { chmodAt, lchownAt, lgetxattr, lgetxattrs, lsetxattr, lutimesAt, mknodAt } from '../sys/syscalls.ts';
import { isOverlayXattr, OVERLAY_OPAQUE_XATTR } from './whiteout.ts';

// The fallback when overlayfs cannot be used (the rw dir is itself on overlayfs, as in docker-in-
// docker, or the kernel lacks overlay): the layers are copied bottom to top into one directory,
// applying overlayfs's rules as they go — a 0/0 character device deletes the name, an opaque
// directory drops what lower layers put in it, a directory replaces a non-directory and the
// other way round. Owners, modes, mtimes (to the nanosecond), xattrs and hard links within a
// layer are kept; file data goes through copyFileSync, which uses copy_file_range (and reflinks
// where the file system has them).
//
// The layers are berth's own unpacked directories, so names are plain components; the one trap
// is a symlink left by a lower layer where a higher layer has a directory, and that symlink is
// replaced (lstat, never stat) before anything is written beneath the name.

export function copyLayers(layerDirs: string[], dest: string): void {
  for (const layer of layerDirs) copyTree(layer, dest, new Map());
}

function isWhiteout(st: BigIntStats): boolean {
  return st.isCharacterDevice() && st.rdev === 0n;
}

function lstatOrUndefined(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

function copyTree(src: string, dst: string, links: Map<string, string>): void {
  for (const name of readdirSync(src).sort()) {
    const s = join(src, name);
    const d = join(dst, name);
    const st = lstatSync(s, { bigint: true });
    const existing = lstatOrUndefined(d);
    if (isWhiteout(st)) {
      if (existing) rmSync(d, { recursive: true, force: true });
      continue;
    }
    if (st.isDirectory()) {
      if (existing && !existing.isDirectory()) rmSync(d, { force: true });
      if (!existing || !existing.isDirectory()) mkdirSync(d);
      else if (lgetxattr(s, OVERLAY_OPAQUE_XATTR)?.toString() === 'y') {
        for (const child of readdirSync(d)) rmSync(join(d, child), { recursive: true, force: true });
      }
      copyTree(s, d, links);
      copyMetadata(s, d, st);
      continue;
    }
    if (existing) rmSync(d, { recursive: true, force: true });
    const key = `${st.dev}:${st.ino}`;
    const linked = st.nlink > 1n ? links.get(key) : undefined;
    if (linked) {
      linkSync(linked, d);
      continue;
    }
    if (st.isFile()) copyFileSync(s, d);
    else if (st.isSymbolicLink()) symlinkSync(readlinkSync(s), d);
    else if (st.isFIFO()) mknodAt(AT.FDCWD, d, S_IF.FIFO | 0o600, 0, 0);
    else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const rdev = Number(st.rdev);
      const major = ((rdev >>> 8) & 0xfff) | Number((st.rdev >> 32n) & 0xfffff000n);
      const minor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
      mknodAt(AT.FDCWD, d, (st.isCharacterDevice() ? S_IF.CHR : S_IF.BLK) | 0o600, major, minor);
    } else continue; // sockets are not content
    if (st.nlink > 1n) links.set(key, d);
    copyMetadata(s, d, st);
  }
}

// Owner first (it clears setuid bits and file capabilities), then mode, xattrs, mtime.
function copyMetadata(src: string, dst: string, st: BigIntStats): void {
  lchownAt(AT.FDCWD, dst, Number(st.uid), Number(st.gid));
  if (!st.isSymbolicLink()) chmodAt(AT.FDCWD, dst, Number(st.mode) & 0o7777);
  for (const [name, value] of lgetxattrs(src)) {
    if (isOverlayXattr(name)) continue;
    try {
      lsetxattr(dst, name, value);
    } catch {
      // the destination file system may not take every namespace (user.* on symlinks): the copy
      // is a fallback and keeps what it can
    }
  }
  lutimesAt(AT.FDCWD, dst, Number(st.mtimeNs / 1_000_000_000n), Number(st.mtimeNs % 1_000_000_000n));
}
