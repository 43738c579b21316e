import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError } from '../../lib/errors.ts';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { registerMount, unregisterMount } from '../layers/mount-registry.ts';
import type { LayerStore } from '../layers/layer-store.ts';
import { MNT, MS, OVERLAYFS_SUPER_MAGIC } from '../sys/linux-constants.ts';
import { mount, SyscallError, umount2 } from '../sys/syscalls.ts';
import { copyLayers } from './copy-layers.ts';
import { isMountPoint } from './mount-table.ts';
import { overlayMountData } from './overlay-options.ts';

// A container's root filesystem from image layers. rwDir holds:
//
//   rootfs/      the mount point (overlay driver) or the copied tree (copy driver)
//   upper/       overlay's writable layer: the container's changes
//   work/        overlay's scratch directory (same file system as upper/)
//   empty/, empty2/  empty lowers for scratch images and single-layer read-only mounts
//   mount.json   which store, layers and driver, for unmount, diff and changes
//
// overlay is used unless rwDir sits on overlayfs (an overlay upper cannot) or the kernel has no
// overlay (ENODEV); then the layers are copied (copy-layers.ts), which costs space and time but
// behaves the same.

export type RootfsDriver = 'overlay' | 'copy';

export interface MountRootfsOptions {
  store: LayerStore;
  // chain ids, bottom layer first (the order of an image's rootfs.diff_ids)
  layers: string[];
  rwDir: string;
  readonly?: boolean;
  // force a driver (tests, or a user who knows overlay is broken here)
  driver?: RootfsDriver;
  // for a writable layer thrown away when its container ends (--rm; podman does the same):
  // overlay's `volatile` skips syncs of the upper dir, and above all the sync of the upper's
  // whole file system that unmounting an overlay otherwise does (2-10 ms on a busy disk). After
  // a crash the layer would be unusable, which is no loss for a layer nobody keeps.
  volatile?: boolean;
}

export interface RootfsRecord {
  driver: RootfsDriver;
  storeRoot: string;
  layers: string[];
  readonly: boolean;
}

export function readRootfsRecord(rwDir: string): RootfsRecord {
  try {
    return JSON.parse(readFileSync(join(rwDir, 'mount.json'), 'utf8')) as RootfsRecord;
  } catch (err) {
    throw new NotFoundError('E_NO_SUCH_ROOTFS', `no rootfs was set up in "${rwDir}"`, { cause: err });
  }
}

function isOnOverlayfs(path: string): boolean {
  return statfsSync(path).type === OVERLAYFS_SUPER_MAGIC;
}

export async function mountRootfs(o: MountRootfsOptions): Promise<{ rootfs: string; driver: RootfsDriver }> {
  const rwDir = resolve(o.rwDir);
  const rootfs = join(rwDir, 'rootfs');
  for (const id of o.layers) {
    if (!o.store.has(id)) throw new NotFoundError('E_NO_SUCH_LAYER', `layer ${id} is not in the store`);
  }
  if (existsSync(join(rwDir, 'mount.json')) && isMountPoint(rootfs)) {
    return { rootfs, driver: readRootfsRecord(rwDir).driver };
  }
  const fresh = !existsSync(join(rwDir, 'upper'));
  for (const d of ['', 'rootfs', 'upper', 'work', 'empty', 'empty2']) mkdirSync(join(rwDir, d), { recursive: true, mode: 0o700 });
  if (fresh) {
    // The merged root takes its mode and owner from upper/ (and the copy driver's from rootfs/):
    // the top layer's, as containers/storage does, not rwDir's 0700, which would keep every
    // user but root out of the container's "/".
    const top = o.layers.length > 0 ? statSync(o.store.diffDir(o.layers[o.layers.length - 1]!)) : undefined;
    for (const d of ['upper', 'rootfs']) {
      chmodSync(join(rwDir, d), top ? top.mode & 0o7777 : 0o755);
      if (top) chownSync(join(rwDir, d), top.uid, top.gid);
    }
  }

  let driver: RootfsDriver = o.driver ?? (isOnOverlayfs(rwDir) ? 'copy' : 'overlay');
  const record = (): RootfsRecord => ({ driver, storeRoot: o.store.root, layers: o.layers, readonly: o.readonly ?? false });
  if (driver === 'overlay') {
    try {
      mountOverlay(o, rwDir, rootfs);
    } catch (err) {
      // no overlay in this kernel: fall back rather than fail
      if (!(err instanceof SyscallError && err.errno === 'ENODEV') || o.driver === 'overlay') throw err;
      driver = 'copy';
    }
  }
  if (driver === 'copy') {
    // the copy is the container's writable tree: it is made once and kept across remounts
    if (!existsSync(join(rwDir, 'mount.json'))) copyLayers(o.layers.map((id) => o.store.diffDir(id)), rootfs);
    writeRootfsRecord(rwDir, record(), volatile(o));
    if (o.readonly) {
      // a read-only bind of the tree onto itself: the same protection overlay's MS_RDONLY gives
      mount(rootfs, rootfs, null, MS.BIND, null);
      mount('', rootfs, null, MS.BIND | MS.REMOUNT | MS.RDONLY, null);
    }
    return { rootfs, driver };
  }
  try {
    writeRootfsRecord(rwDir, record(), volatile(o));
    registerMount(o.store.root, { rwDir, rootfs, layers: o.layers });
  } catch (err) {
    umount2(rootfs, MNT.DETACH);
    throw err;
  }
  return { rootfs, driver };
}

const volatile = (o: MountRootfsOptions): boolean => o.volatile === true && !o.readonly;

// mount.json outlives the mount (diff, commit and the next start read it), so it is written with
// fsync, but only when it changes: a restart mounts the same layers again and need not pay for
// the two fsyncs. A volatile layer (--rm) is thrown away by the crash that would tear the file.
function writeRootfsRecord(rwDir: string, rec: RootfsRecord, isVolatile: boolean): void {
  const file = join(rwDir, 'mount.json');
  const text = `${JSON.stringify(rec)}\n`;
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {
    // none yet (or unreadable): written below
  }
  writeFileAtomic(file, text, 0o600, { sync: !isVolatile });
}

function mountOverlay(o: MountRootfsOptions, rwDir: string, rootfs: string): void {
  const lowers = [...o.layers].reverse().map((id) => o.store.shortLink(id));
  // overlay needs at least one lower, and older kernels two when there is no upper ("at least 2
  // lowerdir are needed while upperdir nonexistent"): pad with empty directories
  if (lowers.length === 0) lowers.push(join(rwDir, 'empty'));
  if (o.readonly && lowers.length === 1) lowers.push(join(rwDir, lowers[0] === join(rwDir, 'empty') ? 'empty2' : 'empty'));
  const rw = o.readonly ? {} : { upper: join(rwDir, 'upper'), work: join(rwDir, 'work') };
  const isVolatile = volatile(o);
  // the kernel leaves work/work/incompat/volatile behind and refuses to mount over it again
  // (even after a clean unmount): containers/storage removes it before every mount, as here
  if (isVolatile) rmSync(join(rwDir, 'work', 'work', 'incompat', 'volatile'), { recursive: true, force: true });
  // the short lower names are relative to the store root: mounted from there
  try {
    try {
      mount('overlay', rootfs, 'overlay', o.readonly ? MS.RDONLY : 0, overlayMountData({ lowers, ...rw, volatile: isVolatile }), o.store.root);
    } catch (err) {
      // a kernel before 5.10 does not know the option: mount without it
      if (!(isVolatile && err instanceof SyscallError && err.errno === 'EINVAL')) throw err;
      mount('overlay', rootfs, 'overlay', 0, overlayMountData({ lowers, ...rw }), o.store.root);
    }
  } catch (err) {
    if (err instanceof SyscallError) err.wrap(`mounting the rootfs of "${rwDir}" (${o.layers.length} layers)`);
    throw err;
  }
}

export async function unmountRootfs(rwDir: string): Promise<void> {
  const dir = resolve(rwDir);
  const rec = readRootfsRecord(dir);
  const rootfs = join(dir, 'rootfs');
  if (isMountPoint(rootfs)) {
    try {
      umount2(rootfs, 0);
    } catch (err) {
      // EINVAL: no longer a mount point, unmounted meanwhile by the container's monitor (it
      // does so at the container's exit)
      if (err instanceof SyscallError && err.errno === 'EINVAL') return unregisterOverlay(rec, dir);
      // still busy (a process has its cwd there): detach now, the kernel frees it when released
      if (!(err instanceof SyscallError && err.errno === 'EBUSY')) throw err;
      umount2(rootfs, MNT.DETACH);
    }
  }
  unregisterOverlay(rec, dir);
}

// the mount registry entry (overlay only: the copy driver registers nothing)
function unregisterOverlay(rec: RootfsRecord, dir: string): void {
  if (rec.driver === 'overlay') unregisterMount(rec.storeRoot, dir);
}
