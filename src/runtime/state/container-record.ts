import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { hasErrnoCode } from '../../lib/errno.ts';
import { ConflictError, NotFoundError, UsageError } from '../../lib/errors.ts';
import type { Spec } from '../../oci/runtime-spec.ts';
import type { CgroupDir } from '../cgroups/placement.ts';

// What the runtime remembers of a container, in <root>/<id>/state.json. It records facts
// (pid, start time, paths); the status is never stored: it is derived from the live system.
export interface ContainerRecord {
  ociVersion: string;
  id: string;
  pid: number;
  // field 22 of /proc/<pid>/stat: tells our init from a later process that reused the pid
  startTime: number;
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  annotations?: Record<string, string>;
  cgroups: CgroupDir[];
  // cgroup directories create made, removed again by delete
  cgroupsCreated: string[];
  noPivot: boolean;
  // the config at create time: exec takes the container's process settings from it, delete its
  // poststop hooks; later edits of config.json must not change the container (runtime.md)
  config: Spec;
}

const ID = /^[\w+.-]+$/;

export function checkContainerId(id: string): void {
  if (!id) throw new UsageError('a container id is required');
  // a leading "." is reserved: the root holds .cache/ beside the containers
  if (!ID.test(id) || id.startsWith('.')) {
    throw new UsageError(`invalid container id "${id}": use letters, digits, "_", "+", "-" and "." (not first)`);
  }
}

export function containerDir(root: string, id: string): string {
  return join(root, id);
}

export function fifoPath(root: string, id: string): string {
  return join(root, id, 'exec.fifo');
}

// Claims the id: mkdir is atomic, so two creates of one id cannot both succeed.
export function claimContainerDir(root: string, id: string): string {
  mkdirSync(root, { recursive: true, mode: 0o711 });
  const dir = containerDir(root, id);
  try {
    mkdirSync(dir, { mode: 0o711 });
  } catch (err) {
    if (hasErrnoCode(err, 'EEXIST')) throw new ConflictError('E_CONTAINER_EXISTS', `container "${id}" already exists`);
    throw err;
  }
  return dir;
}

export function writeRecord(root: string, record: ContainerRecord): void {
  writeFileAtomic(join(containerDir(root, record.id), 'state.json'), JSON.stringify(record));
}

export function readRecord(root: string, id: string): ContainerRecord {
  checkContainerId(id);
  try {
    return JSON.parse(readFileSync(join(containerDir(root, id), 'state.json'), 'utf8')) as ContainerRecord;
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) throw new NotFoundError('E_NO_SUCH_CONTAINER', `container "${id}" does not exist`);
    throw err;
  }
}

export function removeContainerDir(root: string, id: string): void {
  rmSync(containerDir(root, id), { recursive: true, force: true });
}

// Ids with a state directory, including ones still being created (no state.json yet).
export function listContainerIds(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && ID.test(e.name) && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT')) return [];
    throw err;
  }
}
