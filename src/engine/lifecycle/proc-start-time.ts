import { readFileSync } from 'node:fs';

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
