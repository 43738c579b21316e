import type { Change } from '../../storage/index.ts';

// What docker keeps in a container's "init" layer rather than in its own: the mount points the
// engine itself needs (/etc/hosts, /etc/hostname, /etc/resolv.conf, /proc, /sys, /dev/pts, ...).
// berth has no init layer, so the runtime makes the missing ones in the container's writable
// layer; diff and commit leave them out, as docker's never show them, and with them a parent
// directory that is in the changes only because of them.
export const MOUNT_STUBS = new Set(['/dev/pts', '/dev/shm', '/proc', '/sys', '/.dockerenv', '/etc/resolv.conf', '/etc/hosts', '/etc/hostname', '/dev/console', '/etc/mtab']);

// The paths to leave out of a sorted list of changes.
export function stubPaths(changes: Change[]): Set<string> {
  const drop = new Set<string>();
  for (const c of changes) if (MOUNT_STUBS.has(c.path)) drop.add(c.path);
  if (drop.size === 0) return drop;
  // a changed directory whose every changed descendant is a stub
  const kept = changes.filter((c) => !drop.has(c.path));
  for (const stub of [...drop]) {
    for (let dir = stub.slice(0, stub.lastIndexOf('/')); dir !== ''; dir = dir.slice(0, dir.lastIndexOf('/'))) {
      const entry = changes.find((c) => c.path === dir);
      if (!entry || entry.kind !== 'C') break;
      if (kept.some((c) => c.path !== dir && c.path.startsWith(`${dir}/`))) break;
      drop.add(dir);
    }
  }
  return drop;
}
