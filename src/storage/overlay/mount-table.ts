import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// Mount points from /proc/self/mountinfo (field 5, with the kernel's octal escapes for space,
// tab, newline and backslash undone).
export function mountPoints(): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const field = line.split(' ')[4];
    if (field) out.add(field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

export function isMountPoint(path: string): boolean {
  return mountPoints().has(resolve(path));
}
