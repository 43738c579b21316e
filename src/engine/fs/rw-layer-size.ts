import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// Bytes of the files in a tree, each hard-linked file counted once (what docker reports as a
// container's SizeRw and a volume's Size). A tree that changes while it is walked is measured
// as far as it can be.
export function treeSize(dir: string): number {
  const seen = new Set<string>();
  let total = 0;
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      let st;
      try {
        st = lstatSync(p, { bigint: true });
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        walk(p);
        continue;
      }
      if (st.nlink > 1n) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += Number(st.size);
    }
  };
  walk(dir);
  return total;
}
