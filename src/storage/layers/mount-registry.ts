import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { newSha256 } from '../../lib/sha256.ts';
import { hasErrnoCode } from '../../lib/errno.ts';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { isMountPoint } from '../overlay/mount-table.ts';

// Which container rootfs mounts use which layers, so that removing a layer in use is refused.
// One small file per mount under <store>/mounts/; a record whose rootfs is no longer a mount
// point (the host rebooted, someone ran umount by hand) is stale and dropped when read.

export interface MountRecord {
  rwDir: string;
  rootfs: string;
  layers: string[];
}

// Named by the rwDir itself, which is unique per mount; a path too long for a file name by its
// hash. Not a hash every time: node:crypto costs ~6 ms to load, and every run mounts a rootfs.
function recordPath(root: string, rwDir: string): string {
  const plain = encodeURIComponent(rwDir);
  const name = plain.length <= 200 ? plain : newSha256().update(rwDir).digest('hex');
  return join(root, 'mounts', `${name}.json`);
}

// Written atomically but not synced: a record describes a live mount, and no mount outlives a
// crash, so after one the record is stale whether or not it reached the disk (and is dropped
// when read). containers/storage keeps its mount counts on the run root's tmpfs for that reason.
export function registerMount(root: string, rec: MountRecord): void {
  mkdirSync(join(root, 'mounts'), { recursive: true });
  writeFileAtomic(recordPath(root, rec.rwDir), `${JSON.stringify(rec)}\n`, 0o600, { sync: false });
}

export function unregisterMount(root: string, rwDir: string): void {
  try {
    unlinkSync(recordPath(root, rwDir));
  } catch (err) {
    if (!hasErrnoCode(err, 'ENOENT')) throw err;
  }
}

export function liveMounts(root: string, dropStale = true): MountRecord[] {
  let names: string[];
  try {
    names = readdirSync(join(root, 'mounts'));
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT')) return [];
    throw err;
  }
  const out: MountRecord[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const path = join(root, 'mounts', name);
    let rec: MountRecord;
    try {
      rec = JSON.parse(readFileSync(path, 'utf8')) as MountRecord;
    } catch {
      continue; // torn or foreign file: not a mount berth knows about
    }
    if (isMountPoint(rec.rootfs)) out.push(rec);
    else if (dropStale) unregisterMount(root, rec.rwDir);
  }
  return out;
}
