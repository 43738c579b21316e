import { existsSync, readFileSync } from 'node:fs';
import { kernelLastCap } from '../capabilities.ts';
import { parseMountinfo } from '../cgroups/detect.ts';

// Facts about the host that change the plan. Read lazily and once: each costs a syscall or a
// parse, and most plans need none of them.
export interface HostFacts {
  lastCap(): number;
  hasKcore(): boolean;
  // the mount point that contains `path` (for making the rootfs's parent mount private)
  mountPointOf(path: string): string;
}

export function hostFacts(): HostFacts {
  let kcore: boolean | undefined;
  let mounts: string[] | undefined;
  return {
    lastCap: kernelLastCap,
    hasKcore: () => (kcore ??= existsSync('/proc/kcore')),
    mountPointOf(path: string): string {
      mounts ??= parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).map((m) => m.mountPoint);
      let best = '/';
      for (const m of mounts) {
        if ((path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`)) && m.length > best.length) best = m;
      }
      return best;
    },
  };
}
