import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../lib/errors.ts';
import type { DeviceMapping } from '../container-types.ts';
import type { HostDevice } from '../spec/build-spec.ts';

function devNumbers(rdev: number): { major: number; minor: number } {
  // glibc's gnu_dev_major/minor
  return { major: ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff), minor: (rdev & 0xff) | ((rdev >>> 12) & ~0xff) };
}

// --device /dev/x[:/dev/y][:rwm]: the host node's type and numbers, for the container's own node
// and its device-cgroup rule.
export function hostDevice(m: DeviceMapping): HostDevice {
  let st;
  try {
    st = statSync(m.PathOnHost);
  } catch {
    throw new UsageError(`error gathering device information while adding custom device "${m.PathOnHost}": no such file or directory`);
  }
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
  if (!type) throw new UsageError(`error gathering device information while adding custom device "${m.PathOnHost}": not a device node`);
  return { pathInContainer: m.PathInContainer, type, ...devNumbers(st.rdev), fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid, access: m.CgroupPermissions || 'rwm' };
}

// --privileged: every device node of the host's /dev (not its subdirectories, as pts).
export function allHostDevices(): HostDevice[] {
  const out: HostDevice[] = [];
  for (const name of readdirSync('/dev')) {
    const p = join('/dev', name);
    try {
      const st = statSync(p);
      if (!st.isCharacterDevice() && !st.isBlockDevice()) continue;
      if (name === 'console' || name === 'ptmx' || name.startsWith('tty')) continue;
      out.push(hostDevice({ PathOnHost: p, PathInContainer: p, CgroupPermissions: 'rwm' }));
    } catch {
      // vanished meanwhile
    }
  }
  return out;
}
