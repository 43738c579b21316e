import { readRootfsRecord } from '../overlay/mount-rootfs.ts';
import { diffItems, imageStack } from './diff-items.ts';

export interface Change {
  kind: 'A' | 'C' | 'D';
  path: string;
}

// What `docker diff` prints: A for a path the image did not have, C for one it had (a file
// rewritten, or a directory something inside changed), D for one the container deleted. A
// directory the container replaced wholesale (overlay's opaque) also reports the image's entries
// in it as deleted. Sorted by path, as docker sorts them.
export function changes(o: { rwDir: string }): Change[] {
  const rec = readRootfsRecord(o.rwDir);
  const stack = imageStack(rec);
  const out = new Map<string, Change>();
  try {
    for (const item of diffItems(o.rwDir, rec, stack)) {
      out.set(item.path, { kind: item.kind, path: `/${item.path}` });
      if (item.opaque && item.kind === 'C') {
        for (const child of stack.children(item.path)) {
          const path = `${item.path}/${child}`;
          // a child the container re-created is listed as A or C already (it comes later in the
          // walk and overwrites this)
          if (!out.has(path)) out.set(path, { kind: 'D', path: `/${path}` });
        }
      }
    }
  } finally {
    stack.close();
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
