import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../../lib/errors.ts';
import { chainIdHex } from '../layers/chain-id.ts';
import { LayerStack, type StackHit } from '../overlay/layer-stack.ts';
import type { RootfsRecord } from '../overlay/mount-rootfs.ts';
import { isOverlayXattr } from '../overlay/whiteout.ts';
import { fdPath, lgetxattrs } from '../sys/syscalls.ts';
import { walkUpper } from './upper-walk.ts';

// A container's changes against its image, one item per path, a directory before its contents
// and names sorted, so that changes() and diffTar() agree and are deterministic.
//
// overlay: the upper dir is the diff; an item is A or C by whether the image has the path,
//   D for a whiteout of something the image has; `opaque` marks a directory that replaces the
//   image's one wholesale.
// copy: there is no upper dir, so the copied tree is compared with the image, as docker's vfs
//   driver does: a path is C when its type, mode, owner, device, size, mtime (to the
//   nanosecond), link target or xattrs differ; a directory is also C when anything inside it
//   changed (docker reports such parents too, and a layer tar needs them for their metadata).

export interface DiffItem {
  path: string;
  kind: 'A' | 'C' | 'D';
  // for A and C the file as it is now; for an overlay D, its whiteout device
  abs?: string;
  st?: BigIntStats;
  opaque?: boolean;
}

export class DiffUnsupportedError extends BerthError {
  constructor(rwDir: string, driver: string) {
    super('E_DIFF_UNSUPPORTED', `the rootfs in "${rwDir}" uses the unknown driver "${driver}": its changes cannot be listed`);
  }
}

// The image layers under a container, topmost first.
export function imageStack(rec: RootfsRecord): LayerStack {
  return new LayerStack([...rec.layers].reverse().map((id) => join(rec.storeRoot, 'layers', chainIdHex(id), 'diff')));
}

export function diffItems(rwDir: string, rec: RootfsRecord, stack: LayerStack): DiffItem[] {
  if (rec.driver === 'overlay') return overlayItems(join(rwDir, 'upper'), stack);
  if (rec.driver === 'copy') return copyItems(join(rwDir, 'rootfs'), stack, '');
  throw new DiffUnsupportedError(rwDir, String(rec.driver));
}

function overlayItems(upper: string, stack: LayerStack): DiffItem[] {
  const out: DiffItem[] = [];
  for (const item of walkUpper(upper)) {
    const below = stack.lookup(item.path);
    if (item.whiteout) {
      // a whiteout of a name the image never had (created and deleted in the container) is noise
      if (below) out.push({ path: item.path, kind: 'D', abs: item.abs, st: item.st });
      continue;
    }
    out.push({ path: item.path, kind: below ? 'C' : 'A', abs: item.abs, st: item.st, ...(item.opaque ? { opaque: true } : {}) });
  }
  return out;
}

function copyItems(root: string, stack: LayerStack, rel: string): DiffItem[] {
  const present = readdirSync(rel === '' ? root : join(root, rel));
  const names = new Set([...present, ...stack.children(rel)]);
  const have = new Set(present);
  const out: DiffItem[] = [];
  for (const name of [...names].sort()) {
    const path = rel === '' ? name : `${rel}/${name}`;
    if (!have.has(name)) {
      out.push({ path, kind: 'D' });
      continue;
    }
    const abs = join(root, path);
    const st = lstatSync(abs, { bigint: true });
    const hit = stack.lookup(path);
    const inner = st.isDirectory() ? copyItems(root, stack, path) : [];
    if (!hit) out.push({ path, kind: 'A', abs, st });
    else if (differs(abs, st, hit) || inner.length > 0) out.push({ path, kind: 'C', abs, st });
    out.push(...inner);
  }
  return out;
}

function differs(abs: string, st: BigIntStats, hit: StackHit): boolean {
  const was = hit.st;
  if (Number(st.mode) !== was.mode || Number(st.uid) !== was.uid || Number(st.gid) !== was.gid) return true;
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    const rdev = Number(st.rdev);
    const major = ((rdev >>> 8) & 0xfff) | Number((st.rdev >> 32n) & 0xfffff000n);
    const minor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
    if (major !== was.rdevMajor || minor !== was.rdevMinor) return true;
  }
  if (!st.isDirectory() && Number(st.size) !== was.size) return true;
  if (st.mtimeNs !== BigInt(was.mtimeSec) * 1_000_000_000n + BigInt(was.mtimeNsec)) return true;
  const lower = fdPath(hit.dirfd, hit.name);
  if (st.isSymbolicLink() && readlinkSync(abs) !== readlinkSync(lower)) return true;
  return !sameXattrs(lgetxattrs(abs), lgetxattrs(lower));
}

function sameXattrs(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  const strip = (m: Map<string, Buffer>) => [...m].filter(([k]) => !isOverlayXattr(k)).sort(([x], [y]) => (x < y ? -1 : 1));
  const x = strip(a);
  const y = strip(b);
  return x.length === y.length && x.every(([k, v], i) => k === y[i]![0] && v.equals(y[i]![1]));
}
