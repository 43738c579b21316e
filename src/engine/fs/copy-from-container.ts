import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { BerthError } from '../../lib/errors.ts';
import { ContainedTree, extractTar, treeTar, type RootfsView } from '../../storage/index.ts';
import type { EngineContext } from '../engine-context.ts';
import { withContainerView } from './container-view.ts';
import { lookup, pathStat, S_IFDIR, S_IFLNK, S_IFMT, type PathStat } from './container-path-stat.ts';
import { goBase, prepareArchiveCopy, preserveTrailingDotOrSeparator, rebaseNameFor, splitPathDirEntry, type CopyInfo } from './copy-paths.ts';

export class CopyError extends BerthError {
  constructor(message: string) {
    super('E_COPY', message);
  }
}

// What docker's client itself refuses (its side of the copy: the local paths, how source and
// destination fit), as opposed to what its daemon answers.
export class LocalCopyError extends BerthError {
  constructor(message: string) {
    super('E_COPY_LOCAL', message);
  }
}

// The archive of one path in the container (docker's ContainerArchivePath): a directory's
// entries under its base name, a file (or a symlink, not followed) under its own. Mounted
// volumes and binds are read through their host side.
function archiveOf(view: RootfsView, path: string, ref: string, rebaseName: string): { stat: PathStat; tar: AsyncIterable<Uint8Array> } {
  const abs = preserveTrailingDotOrSeparator(posix.resolve('/', path), path);
  const stat = pathStat(view, abs, ref);
  const follow = abs.endsWith('/') || abs.endsWith('/.');
  const e = lookup(view, abs, follow, ref, path);
  const isDir = (e.stat!.mode & S_IFMT) === S_IFDIR;
  let entryName = goBase(abs) === '/' ? '.' : goBase(abs);
  if (rebaseName) entryName = rebaseName;
  const tar = treeTar({
    dirFd: e.dirFd,
    name: e.name,
    entryName,
    path: e.path,
    mountAt: (p) => view.mountAt(p),
  });
  return { stat: { ...stat, mode: isDir ? (stat.mode & ~S_IFMT) | S_IFDIR : stat.mode }, tar };
}

export interface CopyFromOptions {
  followLink: boolean;
}

// `-L`: a source that is a symlink is replaced by what it leads to, renamed back to the link's
// name in the archive (docker's client does this with a stat first).
function followSource(view: RootfsView, srcPath: string, ref: string, followLink: boolean): { path: string; rebaseName: string } {
  if (!followLink) return { path: srcPath, rebaseName: '' };
  let st: PathStat;
  try {
    st = pathStat(view, srcPath, ref);
  } catch {
    return { path: srcPath, rebaseName: '' };
  }
  if ((st.mode & S_IFMT) !== S_IFLNK) return { path: srcPath, rebaseName: '' };
  const { resolved, rebaseName } = rebaseNameFor(srcPath, st.linkTarget);
  return { path: resolved, rebaseName };
}

// docker cp CONTAINER:SRC -: the tar goes to `sink` while the container's filesystem is held.
export async function archiveFromContainer(ctx: EngineContext, ref: string, srcPath: string, o: CopyFromOptions, sink: (tar: AsyncIterable<Uint8Array>, stat: PathStat) => Promise<void>): Promise<void> {
  await withContainerView(ctx, ref, { mounts: true }, async (view) => {
    const src = followSource(view, srcPath, ref, o.followLink);
    const { stat, tar } = archiveOf(view, src.path, ref, src.rebaseName);
    await sink(tar, stat);
  });
}

// CopyInfoDestinationPath on the host: the destination with its symlinks followed (at most
// 10), which need not exist, but whose parent must be a directory.
export function hostDestination(path: string): CopyInfo {
  let p = path;
  for (let n = 0; ; n++) {
    let st;
    try {
      st = lstatSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const { dir } = splitPathDirEntry(p);
      let parent;
      try {
        parent = statSync(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new LocalCopyError(`stat ${dir}: no such file or directory`);
        throw e;
      }
      if (!parent.isDirectory()) throw new LocalCopyError(`stat ${dir}: not a directory`);
      return { path: p, exists: false, isDir: false, rebaseName: '' };
    }
    if (!st.isSymbolicLink()) return { path: p, exists: true, isDir: st.isDirectory(), rebaseName: '' };
    if (n >= 10) throw new LocalCopyError(`too many symlinks in ${path}`);
    const target = readlinkSync(p);
    p = target.startsWith('/') ? target : posix.join(splitPathDirEntry(p).dir, target);
  }
}

// docker cp CONTAINER:SRC DEST: the archive of SRC, renamed as docker's CopyTo decides, extracted
// under DEST on the host (not following symlinks the container put in the archive: every entry
// is written beneath the destination directory). Returns the bytes of file content copied.
export async function copyFromContainer(ctx: EngineContext, ref: string, srcPath: string, dest: string, o: CopyFromOptions): Promise<{ bytes: number; isDir: boolean; size: number }> {
  const dst = hostDestination(dest);
  let result = { bytes: 0, isDir: false, size: 0 };
  await withContainerView(ctx, ref, { mounts: true }, async (view) => {
    const src = followSource(view, srcPath, ref, o.followLink);
    const { stat, tar } = archiveOf(view, src.path, ref, src.rebaseName);
    const isDir = (stat.mode & S_IFMT) === S_IFDIR;
    const plan = prepareArchiveCopy({ path: preserveTrailingDotOrSeparator(posix.resolve('/', src.path), src.path), exists: true, isDir, rebaseName: src.rebaseName }, dst);
    if (plan === 'cannot-copy-dir') throw new LocalCopyError('cannot copy directory');
    if (plan === 'dir-not-exists') throw new LocalCopyError('no such directory');
    const tree = new ContainedTree(plan.dstDir);
    try {
      const r = await extractTar({
        tar,
        target: { parent: (dir) => tree.dir(dir, dir, true)!, changed: () => tree.forget() },
        owner: 'none',
        noOverwriteDirNonDir: true,
        ...(plan.rename ? { rename: plan.rename } : {}),
      });
      result = { bytes: r.bytes, isDir, size: stat.size };
    } finally {
      tree.close();
    }
  });
  return result;
}
