import { readFileSync, readlinkSync } from 'node:fs';

// Field 22 of /proc/<pid>/stat: with the pid, tells our container process from a later one that
// reused the pid.
export function readProcStartTime(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return 0;
  }
}

// The container process's monitor: its parent (field 4 of stat), if that is the helper (which
// runs from a memfd named berth-helper). 0 otherwise: a program whose monitor died has been
// reparented to some subreaper or init, which is nobody's monitor.
export function readMonitorPid(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
    return ppid > 1 && readlinkSync(`/proc/${ppid}/exe`).includes('berth-helper') ? ppid : 0;
  } catch {
    return 0;
  }
}

export function isProcessAlive(pid: number, startTime: number): boolean {
  if (!pid) return false;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return rest[0] !== 'Z' && rest[0] !== 'X' && Number(rest[19]) === startTime;
  } catch {
    return false;
  }
}
