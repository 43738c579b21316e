import { posix } from 'node:path';
import { InvalidConfigError } from '../../lib/errors.ts';
import { readCgroupFileIfExists, writeCgroupFile } from './cgroup-file.ts';

// cgroup v2 gives a cgroup a controller only when its parent lists it in cgroup.subtree_control,
// and the parent can list only what its own parent gave it. berth's policy:
//
// - In a directory berth created for this container (placement.ts reports which), other than
//   the container's own, every controller the directory has is delegated further down. Such a
//   directory holds no processes (the "no internal processes" rule never bites) and belongs
//   to berth, and delegating everything once means the next container placed under it finds
//   what it needs there too (runc does the same along its path).
// - A directory berth did not create (the host's root, a systemd slice, a cgroup the user
//   pointed cgroupsPath into) is never written to: its delegation is the host's policy. If a
//   controller the config needs is missing there, the error says which file lacks it and the
//   command that would fix it.
//
// The container's own directory never delegates: its processes live there, and v2 refuses
// domain controllers in the subtree_control of a cgroup with processes.

function words(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter(Boolean);
}

// The directories from the mount point down to the leaf's parent, top-down.
export function ancestorsOf(mountPoint: string, leaf: string): string[] {
  const out: string[] = [];
  let p = posix.dirname(leaf);
  while (p.length >= mountPoint.length && p.startsWith(mountPoint)) {
    out.unshift(p);
    if (p === mountPoint || p === '/') break;
    p = posix.dirname(p);
  }
  return out;
}

// Delegates in the directories berth created; returns nothing, failures to enable a controller
// nobody asked for are not errors (checkControllersAvailable reports the ones that matter).
export function delegateInCreatedDirs(mountPoint: string, leaf: string, created: readonly string[]): void {
  const own = new Set(created);
  for (const dir of ancestorsOf(mountPoint, leaf)) {
    if (!own.has(dir) || dir === leaf) continue;
    const have = new Set(words(readCgroupFileIfExists(dir, 'cgroup.subtree_control')));
    const missing = words(readCgroupFileIfExists(dir, 'cgroup.controllers')).filter((c) => !have.has(c));
    if (missing.length === 0) continue;
    try {
      writeCgroupFile(dir, 'cgroup.subtree_control', missing.map((c) => `+${c}`).join(' '));
    } catch {
      // one at a time, so one the kernel refuses (cpuset in some partition setups) does not
      // keep the others from being enabled
      for (const c of missing) {
        try {
          writeCgroupFile(dir, 'cgroup.subtree_control', `+${c}`);
        } catch {
          // reported by checkControllersAvailable if the container needs it
        }
      }
    }
  }
}

// Throws for the first needed controller the leaf does not have, naming the directory whose
// subtree_control lacks it (the top-most one on the path that could pass it down).
export function checkControllersAvailable(mountPoint: string, leaf: string, needed: { controller: string; field: string }[]): void {
  const have = new Set(words(readCgroupFileIfExists(leaf, 'cgroup.controllers')));
  for (const { controller, field } of needed) {
    if (have.has(controller)) continue;
    const chain = ancestorsOf(mountPoint, leaf);
    const root = chain[0] ?? mountPoint;
    if (!words(readCgroupFileIfExists(root, 'cgroup.controllers')).includes(controller)) {
      throw new InvalidConfigError(field, `needs the ${controller} controller, which this host's cgroup v2 hierarchy does not offer (not in ${root}/cgroup.controllers)`);
    }
    let blocker = chain[chain.length - 1] ?? root;
    for (const dir of chain) {
      if (!words(readCgroupFileIfExists(dir, 'cgroup.subtree_control')).includes(controller)) {
        blocker = dir;
        break;
      }
    }
    throw new InvalidConfigError(
      field,
      `needs the ${controller} controller, which is not enabled in ${blocker}/cgroup.subtree_control; berth does not change cgroups it did not create: enable it there (echo +${controller} > ${blocker}/cgroup.subtree_control) or choose another linux.cgroupsPath`,
    );
  }
}
