import { readFileSync } from 'node:fs';
import { hasErrnoCode } from '../../lib/errno.ts';

// /etc/subuid and /etc/subgid (subuid(5)): "name-or-uid:first:count" per line. newuidmap and
// newgidmap allow a user the ranges listed under the user's name or uid, plus the user's own id.

export interface IdRange {
  start: number;
  count: number;
}

export function parseSubidFile(text: string, user: { name: string; uid: number }): IdRange[] {
  const ranges: IdRange[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [owner, start, count] = line.split(':');
    if (owner !== user.name && owner !== String(user.uid)) continue;
    if (!/^\d+$/.test(start ?? '') || !/^\d+$/.test(count ?? '')) continue;
    ranges.push({ start: Number(start), count: Number(count) });
  }
  return ranges;
}

export function readSubidRanges(path: string, user: { name: string; uid: number }): IdRange[] {
  try {
    return parseSubidFile(readFileSync(path, 'utf8'), user);
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT')) return [];
    throw err;
  }
}

// Whether [start, start+count) lies within the union of `ranges`.
export function isCovered(ranges: readonly IdRange[], start: number, count: number): boolean {
  let next = start;
  const end = start + count;
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  for (const r of sorted) {
    if (r.start > next) break;
    next = Math.max(next, r.start + r.count);
    if (next >= end) return true;
  }
  return next >= end;
}

// "100000-165535" / "none", for messages
export function describeRanges(ranges: readonly IdRange[]): string {
  return ranges.length === 0 ? 'none' : ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(', ');
}
