import { join } from 'node:path';
import { BerthError } from '../../lib/errors.ts';
import { LayerStack } from '../overlay/layer-stack.ts';
import { readRootfsRecord, type RootfsRecord } from '../overlay/mount-rootfs.ts';
import { chainIdHex } from '../layers/chain-id.ts';
import { walkUpper } from './upper-walk.ts';

export interface Change {
  kind: 'A' | 'C' | 'D';
  path: string;
}

export class DiffUnsupportedError extends BerthError {
  constructor(rwDir: string) {
    super('E_DIFF_UNSUPPORTED', `the rootfs in "${rwDir}" was copied, not mounted with overlay: its changes cannot be listed yet`);
  }
}

// The image layers under a container's upper dir, topmost first.
export function lowerStack(rwDir: string, rec: RootfsRecord): LayerStack {
  if (rec.driver !== 'overlay') throw new DiffUnsupportedError(rwDir);
  return new LayerStack([...rec.layers].reverse().map((id) => join(rec.storeRoot, 'layers', chainIdHex(id), 'diff')));
}

// What `docker diff` prints: A for a path the image did not have, C for one it had (a file
// rewritten, or a directory something inside changed), D for one the container deleted. A
// directory the container replaced wholesale (opaque) also reports the image's entries in it as
// deleted. Sorted by path.
export function changes(o: { rwDir: string }): Change[] {
  const rec = readRootfsRecord(o.rwDir);
  const stack = lowerStack(o.rwDir, rec);
  const out: Change[] = [];
  try {
    for (const item of walkUpper(join(o.rwDir, 'upper'))) {
      if (item.whiteout) {
        if (stack.lookup(item.path)) out.push({ kind: 'D', path: `/${item.path}` });
        continue;
      }
      const below = stack.lookup(item.path);
      out.push({ kind: below ? 'C' : 'A', path: `/${item.path}` });
      if (item.opaque && below?.st && (below.st.mode & 0o170000) === 0o040000) {
        for (const child of stack.children(item.path)) out.push({ kind: 'D', path: `/${item.path}/${child}` });
      }
    }
  } finally {
    stack.close();
  }
  // an opaque dir's children that the container re-created are C/A entries already
  const seen = new Map<string, Change>();
  for (const c of out) {
    const prev = seen.get(c.path);
    if (!prev || prev.kind === 'D') seen.set(c.path, c);
  }
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
