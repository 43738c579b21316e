import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerStatus, State } from '../../oci/runtime-spec.ts';
import type { ContainerRecord } from './container-record.ts';
import { fifoPath } from './container-record.ts';

export interface ProcStat {
  state: string;
  startTime: number;
}

// /proc/<pid>/stat: the command name may hold spaces and parentheses, so fields are counted
// from the last ")".
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0] ?? '', startTime: Number(rest[19]) };
}

// Alive means: the pid exists, is not a zombie, and is the process we started (same start time).
export function isInitAlive(record: ContainerRecord): boolean {
  if (!record.pid) return false;
  const stat = readProcStat(record.pid);
  return stat !== undefined && stat.startTime === record.startTime && stat.state !== 'Z' && stat.state !== 'X';
}

function isFrozen(record: ContainerRecord): boolean {
  for (const c of record.cgroups) {
    try {
      if (c.version === 1 && c.controllers.includes('freezer')) {
        const s = readFileSync(join(c.path, 'freezer.state'), 'utf8').trim();
        if (s === 'FROZEN' || s === 'FREEZING') return true;
      } else if (c.version === 2) {
        if (readFileSync(join(c.path, 'cgroup.freeze'), 'utf8').trim() === '1') return true;
      }
    } catch {
      // no freezer there
    }
  }
  return false;
}

// runc's refreshState, in order: dead (or a different process) is stopped; the exec fifo still
// there means created; a frozen cgroup means paused; otherwise running.
export function deriveStatus(root: string, record: ContainerRecord): ContainerStatus {
  if (!isInitAlive(record)) return 'stopped';
  if (existsSync(fifoPath(root, record.id))) return 'created';
  if (isFrozen(record)) return 'paused';
  return 'running';
}

export function ociState(record: ContainerRecord, status: ContainerStatus): State & Record<string, unknown> {
  const state: State & Record<string, unknown> = {
    ociVersion: record.ociVersion,
    id: record.id,
    pid: status === 'stopped' ? 0 : record.pid,
    status,
    bundle: record.bundle,
    rootfs: record.rootfs,
    created: record.created,
    owner: record.owner,
  };
  if (record.annotations && Object.keys(record.annotations).length > 0) state.annotations = record.annotations;
  return state;
}
