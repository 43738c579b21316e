import { closeSync, lstatSync, openSync, realpathSync } from 'node:fs';
import { join, posix } from 'node:path';
import { decompress } from '../../image/content/decompress.ts';
import { BerthError, UsageError } from '../../lib/errors.ts';
import { extractTar, treeTar, ViewPathError, type RootfsView } from '../../storage/index.ts';
import type { ContainerRecord } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { rwDir } from '../paths.ts';
import { resolveUser } from '../spec/user.ts';
import { withContainerView } from './container-view.ts';
import { ContainerFileNotFoundError, lookup, pathStat, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from './container-path-stat.ts';
import { CopyError, LocalCopyError } from './copy-from-container.ts';
import { goBase, hasTrailingSeparator, prepareArchiveCopy, rebaseNameFor, splitPathDirEntry, type CopyInfo } from './copy-paths.ts';

export interface CopyToOptions {
  followLink: boolean;
  // -a: the files belong to the container's user (Config.User); otherwise to the archive's ids
  copyUIDGID: boolean;
}

// CopyInfoSourcePath on the host: symlinks before the last name are followed (the last one only
// with -L), and the archive is renamed back when that changed the name.
function hostSource(path: string, followLink: boolean): CopyInfo {
  let resolved: string;
  let rebaseName = '';
  try {
    if (followLink) {
      ({ resolved, rebaseName } = rebaseNameFor(path, realpathSync(path)));
    } else {
      const i = path.lastIndexOf('/');
      const dir = path.slice(0, i + 1) || '.';
      const base = path.slice(i + 1);
      resolved = `${realpathSync(dir).replace(/\/$/, '')}/${base}`;
      if (hasTrailingSeparator(path) && goBase(path) !== goBase(resolved)) rebaseName = goBase(path);
    }
    const st = lstatSync(resolved);
    return { path: resolved, exists: true, isDir: st.isDirectory(), rebaseName };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new LocalCopyError(`lstat ${path.replace(/\/$/, '')}: no such file or directory`);
    throw err;
  }
}

// The destination as the client stats it: a symlink is followed to where it leads; what exists
// there must be a directory or a regular file.
function containerDestination(view: RootfsView, ref: string, dstPath: string): CopyInfo {
  const info: CopyInfo = { path: dstPath, exists: false, isDir: false, rebaseName: '' };
  let st;
  try {
    st = pathStat(view, dstPath, ref);
    if ((st.mode & S_IFMT) === S_IFLNK) {
      info.path = st.linkTarget;
      st = pathStat(view, st.linkTarget, ref);
    }
  } catch {
    return info;
  }
  const type = st.mode & S_IFMT;
  if (type !== S_IFDIR && type !== S_IFREG) throw new LocalCopyError(`destination "${ref}:${dstPath}" must be a directory or a regular file`);
  info.exists = true;
  info.isDir = type === S_IFDIR;
  return info;
}

// docker's containerExtractToDir: the archive goes into an existing directory of the container
// (symlinks followed inside it), which must be writable there, owned as -a says.
async function extractInto(ctx: EngineContext, view: RootfsView, r: ContainerRecord, ref: string, dir: string, tar: AsyncIterable<Uint8Array>, o: { copyUIDGID: boolean; rename?: (n: string) => string }): Promise<void> {
  const abs = posix.resolve('/', dir);
  const e = lookup(view, abs, true, ref, dir);
  if ((e.stat!.mode & S_IFMT) !== S_IFDIR) throw new CopyError('extraction point is not a directory');
  const target = view.directory(abs);
  closeSync(target.fd);
  if (target.readOnly) throw new CopyError(target.onMount ? 'mounted volume is marked read-only' : 'container rootfs is marked read-only');
  let owner: 'header' | { uid: number; gid: number } = 'header';
  if (o.copyUIDGID && r.Config.User) {
    // the user as the container's own /etc/passwd and /etc/group name it
    const u = resolveUser(join(rwDir(ctx.paths, r.Id), 'rootfs'), r.Config.User);
    owner = { uid: u.uid, gid: u.gid };
  }
  await extractTar({
    tar: decompress(tar),
    target: {
      parent: (d) => {
        const t = view.directoryForWrite(d === '' ? target.path : `${target.path}/${d}`);
        if (t.readOnly) throw new ViewPathError('EROFS', t.path, 'read-only file system');
        return t.fd;
      },
      changed: () => view.forget(),
    },
    owner,
    noOverwriteDirNonDir: true,
    ...(o.rename ? { rename: o.rename } : {}),
  });
}

// docker cp - CONTAINER:DEST: a tar (plain or compressed) from stdin into a directory.
export async function extractToContainer(ctx: EngineContext, ref: string, dstPath: string, tar: AsyncIterable<Uint8Array>, o: CopyToOptions): Promise<void> {
  await withContainerView(ctx, ref, { mounts: true }, async (view, r) => {
    const dst = containerDestination(view, ref, dstPath);
    if (!dst.isDir) throw new LocalCopyError(`destination "${ref}:${dstPath}" must be a directory`);
    await extractInto(ctx, view, r, ref, dst.path, tar, { copyUIDGID: o.copyUIDGID });
  });
}

// docker cp SRC CONTAINER:DEST: the host's SRC archived (as the client does), renamed as the
// destination requires, and extracted inside the container.
export async function copyToContainer(ctx: EngineContext, ref: string, srcPath: string, dstPath: string, o: CopyToOptions): Promise<{ bytes: number }> {
  let bytes = 0;
  if (!dstPath) throw new UsageError('destination can not be empty');
  const src = hostSource(srcPath, o.followLink);
  await withContainerView(ctx, ref, { mounts: true }, async (view, r) => {
    const dst = containerDestination(view, ref, dstPath);
    const plan = prepareArchiveCopy(src, dst);
    if (plan === 'cannot-copy-dir') throw new LocalCopyError('cannot copy directory');
    if (plan === 'dir-not-exists') throw new LocalCopyError('no such directory');
    const { dir, base } = splitPathDirEntry(src.path);
    const dirFd = openSync(dir, 'r');
    try {
      const tar = treeTar({ dirFd, name: base, entryName: src.rebaseName || base, onBytes: (n) => (bytes += n) });
      try {
        await extractInto(ctx, view, r, ref, plan.dstDir, tar, { copyUIDGID: o.copyUIDGID, ...(plan.rename ? { rename: plan.rename } : {}) });
      } catch (err) {
        if (err instanceof ContainerFileNotFoundError) throw new ContainerFileNotFoundError(plan.dstDir, ref);
        throw err;
      }
    } finally {
      closeSync(dirFd);
    }
  });
  return { bytes };
}
