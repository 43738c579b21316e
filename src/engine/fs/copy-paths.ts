import { posix } from 'node:path';

// docker cp's path rules (moby/go-archive copy.go), on "/"-separated paths: a trailing "/"
// asserts a directory, a trailing "/." means "the directory's contents", and an archive's
// top-level name is rewritten so that what lands at the destination has the name asked for.

export const hasTrailingSeparator = (p: string): boolean => p.length > 0 && p.endsWith('/');

// filepath.Base(p) == "."
export const specifiesCurrentDir = (p: string): boolean => goBase(p) === '.';

// Go's filepath.Base: "" -> ".", "/" -> "/", trailing slashes dropped.
export function goBase(p: string): string {
  if (p === '') return '.';
  const t = p.replace(/\/+$/, '');
  if (t === '') return '/';
  return t.slice(t.lastIndexOf('/') + 1);
}

export const assertsDirectory = (p: string): boolean => hasTrailingSeparator(p) || specifiesCurrentDir(p);

// PreserveTrailingDotOrSeparator: a cleaned path given back the "/." or "/" the original had.
export function preserveTrailingDotOrSeparator(cleaned: string, original: string): string {
  let out = cleaned;
  if (!specifiesCurrentDir(out) && specifiesCurrentDir(original)) {
    if (!hasTrailingSeparator(out)) out += '/';
    out += '.';
  }
  if (!hasTrailingSeparator(out) && hasTrailingSeparator(original)) out += '/';
  return out;
}

// SplitPathDirEntry: parent and last name, keeping a trailing "." as the name.
export function splitPathDirEntry(p: string): { dir: string; base: string } {
  let cleaned = posix.normalize(p);
  if (cleaned.length > 1) cleaned = cleaned.replace(/\/+$/, '');
  if (specifiesCurrentDir(p)) cleaned = cleaned === '/' ? '/.' : `${cleaned.replace(/\/\.$/, '')}/.`;
  return { dir: posix.dirname(cleaned), base: goBase(cleaned) };
}

// GetRebaseName: when following a symlink changed the last name, the archive's entries must be
// renamed back to the name the user gave.
export function rebaseNameFor(path: string, resolved: string): { resolved: string; rebaseName: string } {
  let r = resolved;
  if (specifiesCurrentDir(path) && !specifiesCurrentDir(r)) r += '/.';
  if (hasTrailingSeparator(path) && !hasTrailingSeparator(r)) r += '/';
  return { resolved: r, rebaseName: goBase(path) !== goBase(r) ? goBase(path) : '' };
}

// newNameRebaser: oldBase at the start of an entry name becomes newBase.
export function nameRebaser(oldBase: string, newBase: string): (name: string) => string {
  const from = oldBase.replace(/\/+$/, '');
  const to = newBase.replace(/\/+$/, '');
  if (from === '') {
    return (name) => {
      const n = name.replace(/^\/+/, '');
      return to === '' ? n : `${to}/${n}`;
    };
  }
  return (name) => {
    if (!name.startsWith(from)) return name;
    const suffix = name.slice(from.length);
    if (suffix !== '' && !suffix.startsWith('/')) return name;
    return to + suffix;
  };
}

export interface CopyInfo {
  path: string;
  exists: boolean;
  isDir: boolean;
  rebaseName: string;
}

// PrepareArchiveCopy: the directory to extract into, and how to rename the archive's entries,
// from what the source is and what the destination is. The archive's top name is the source's
// base name, or its rebaseName when it has one.
export function prepareArchiveCopy(src: CopyInfo, dst: CopyInfo): { dstDir: string; rename?: (name: string) => string } | 'cannot-copy-dir' | 'dir-not-exists' {
  const { dir: dstDir, base: dstBase } = splitPathDirEntry(dst.path);
  const srcBase = src.rebaseName || splitPathDirEntry(src.path).base;
  if (dst.exists && dst.isDir) return { dstDir: dst.path };
  if (dst.exists && src.isDir) return 'cannot-copy-dir';
  if (!dst.exists && !src.isDir && assertsDirectory(dst.path)) return 'dir-not-exists';
  return { dstDir, rename: nameRebaser(srcBase, dstBase) };
}
