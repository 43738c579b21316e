import { constants } from 'node:os';
import { getSystemErrorMessage } from 'node:util';

const namesByNumber = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) {
  if (!namesByNumber.has(value)) namesByNumber.set(value, name);
}

// Symbolic name of a positive errno value as the kernel reports it, e.g. 2 -> ENOENT.
export function errnoName(errno: number): string {
  return namesByNumber.get(errno) ?? `errno ${errno}`;
}

// "no such file or directory (ENOENT)": the text crun and runc users recognise, lower-cased.
export function describeErrno(errno: number): string {
  let text: string;
  try {
    text = getSystemErrorMessage(-errno);
  } catch {
    text = 'unknown error';
  }
  const lowered = text.charAt(0).toLowerCase() + text.slice(1);
  return `${lowered} (${errnoName(errno)})`;
}

export function errnoNumber(name: string): number | undefined {
  return (constants.errno as Record<string, number>)[name];
}

// Node's fs errors carry `code` (ENOENT); this keeps the checks short and typed.
export function hasErrnoCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && codes.includes(String((err as { code: unknown }).code));
}
