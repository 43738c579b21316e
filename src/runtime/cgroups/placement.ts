import { mkdirSync, rmdirSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidConfigError, SystemError } from '../../lib/errors.ts';
import { hasErrnoCode } from '../../lib/errno.ts';
import type { CgroupHierarchy, CgroupLayout } from './detect.ts';

// Where a container's cgroup lives in each hierarchy, following runc's cgroupfs rules:
// an absolute cgroupsPath is from the hierarchy's root; a relative one (or none: the id) is
// under this process's own cgroup on v1, and under its parent on v2 (a cgroup with processes
// cannot enable controllers for its children there).

export interface CgroupDir {
  version: 1 | 2;
  controllers: string[];
  mountPoint: string;
  path: string; // absolute directory on the host
  relative: string; // the cgroup's path inside the hierarchy
}

function cleanCgroupPath(p: string): string {
  const normal = posix.normalize(`/${p}`);
  return normal === '/' ? '' : normal.replace(/\/$/, '');
}

export function resolveCgroupDirs(layout: CgroupLayout, cgroupsPath: string | undefined, id: string): CgroupDir[] {
  const given = cgroupsPath ?? '';
  if (given.includes('\0')) throw new InvalidConfigError('linux.cgroupsPath', 'contains a NUL byte');
  if (given.includes(':') && !given.startsWith('/')) {
    throw new InvalidConfigError('linux.cgroupsPath', `"${given}" looks like a systemd slice:prefix:name path; berth-runtime has only the cgroupfs driver`);
  }
  const absolute = given.startsWith('/');
  const inner = cleanCgroupPath(given || id);
  if (inner === '') throw new InvalidConfigError('linux.cgroupsPath', `"${given}" would place the container in the root cgroup`);
  return layout.hierarchies.map((h) => {
    let relative: string;
    if (absolute) {
      relative = inner;
    } else {
      const base = h.version === 2 ? posix.dirname(h.ownPath) : h.ownPath;
      relative = posix.join(base, inner);
    }
    return { version: h.version, controllers: h.controllers, mountPoint: h.mountPoint, path: join(h.mountPoint, stripRoot(h, relative)), relative };
  });
}

// A mount whose root is not the hierarchy's root shows only that subtree.
function stripRoot(h: CgroupHierarchy, p: string): string {
  if (h.root === '/' || h.root === '') return p;
  return p.startsWith(h.root) ? p.slice(h.root.length) || '/' : p;
}

// Creates the directories, returning those it made (so a failure can remove exactly them).
export function createCgroupDirs(dirs: CgroupDir[]): string[] {
  const made: string[] = [];
  try {
    for (const d of dirs) {
      const first = mkdirSync(d.path, { recursive: true });
      if (first !== undefined) {
        // mkdir -p returns the first directory it created; every level below it is new too
        let p = d.path;
        const created: string[] = [];
        while (p.length >= first.length) {
          created.push(p);
          p = posix.dirname(p);
        }
        made.push(...created);
        if (d.version === 1 && d.controllers.includes('cpuset')) initCpuset(created.reverse());
      }
    }
  } catch (err) {
    removeCgroupDirs(made);
    throw new SystemError('E_CGROUP_CREATE', `creating cgroup: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code ?? '', { cause: err });
  }
  return made;
}

// A new v1 cpuset cgroup starts with empty cpus and mems, and no process can join it until they
// are set: copy them from the parent, top-down, as runc does.
function initCpuset(dirsTopDown: string[]): void {
  for (const dir of dirsTopDown) {
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const own = readFileSync(join(dir, file), 'utf8').trim();
      if (own) continue;
      const parent = readFileSync(join(posix.dirname(dir), file), 'utf8').trim();
      writeFileSync(join(dir, file), parent);
    }
  }
}

// Removes directories deepest first. A cgroup whose last process just died can be busy for a
// moment, so EBUSY is retried briefly. A parent that still has child cgroups (another
// container's, under a shared cgroupsPath prefix) is not berth's to remove any more: it is left
// in place, not reported.
export function removeCgroupDirs(paths: readonly string[]): void {
  const ordered = [...paths].sort((a, b) => b.length - a.length);
  const errors: string[] = [];
  for (const p of ordered) {
    for (let attempt = 0; ; attempt++) {
      try {
        rmdirSync(p);
        break;
      } catch (err) {
        if (hasErrnoCode(err, 'ENOENT')) break;
        if (hasErrnoCode(err, 'EBUSY') && readdirDirs(p).length > 0) break;
        if (hasErrnoCode(err, 'EBUSY') && attempt < 50) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        errors.push(`${p}: ${(err as Error).message}`);
        break;
      }
    }
  }
  if (errors.length > 0) throw new SystemError('E_CGROUP_REMOVE', `removing cgroup: ${errors.join('; ')}`, 'EBUSY');
}

// Every pid in the container's cgroup and the cgroups below it.
export function cgroupPids(dir: string): number[] {
  const pids: number[] = [];
  const walk = (d: string): void => {
    let text = '';
    try {
      text = readFileSync(join(d, 'cgroup.procs'), 'utf8');
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT')) return;
      throw err;
    }
    for (const line of text.split('\n')) if (line) pids.push(Number(line));
    for (const entry of readdirDirs(d)) walk(join(d, entry));
  };
  walk(dir);
  return pids;
}

function readdirDirs(d: string): string[] {
  try {
    return readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

// The hierarchy whose cgroup.procs lists the container's processes most reliably.
export function pidsDir(dirs: CgroupDir[]): CgroupDir | undefined {
  return (
    dirs.find((d) => d.version === 2 && existsSync(d.path)) ??
    dirs.find((d) => d.controllers.includes('pids')) ??
    dirs.find((d) => d.controllers.includes('freezer')) ??
    dirs[0]
  );
}
