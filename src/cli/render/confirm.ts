import { readSync } from 'node:fs';
import { out } from './output.ts';

// docker's prompt.Confirm: the question and " [y/N] " on stdout, one line read from stdin; only
// "y" or "yes" (any case) is a yes, and no input at all is a no.
export function confirm(question: string): boolean {
  out(`${question} [y/N] `);
  const buf = Buffer.alloc(256);
  let n = 0;
  try {
    n = readSync(0, buf, 0, buf.length, null);
  } catch {
    return false;
  }
  return /^y(es)?$/i.test(buf.subarray(0, n).toString().split('\n')[0]!.trim());
}
