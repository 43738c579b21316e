import type { Mount } from '../../oci/runtime-spec.ts';
import type { MountPoint } from '../container-types.ts';

// docker's standard mounts, in docker's order; /dev/shm's size is --shm-size (64 MiB default).
export function standardMounts(o: { shmSize: number; privileged: boolean }): Mount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', o.privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', o.privileged ? 'rw' : 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${o.shmSize}`] },
  ];
}

export function etcMounts(files: { hostname: string; hosts: string; resolvConf: string }, readonlyRootfs: boolean): Mount[] {
  // docker keeps these writable even on a read-only rootfs (they are the container's own files)
  void readonlyRootfs;
  return [
    { destination: '/etc/resolv.conf', type: 'bind', source: files.resolvConf, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hostname', type: 'bind', source: files.hostname, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hosts', type: 'bind', source: files.hosts, options: ['rbind', 'rprivate'] },
  ];
}

// The user's mounts (-v, --mount, --tmpfs, already resolved to host paths) as OCI mounts,
// parents before children as docker sorts them.
export function userMounts(points: MountPoint[]): Mount[] {
  const depth = (p: string): number => p.split('/').filter(Boolean).length;
  return [...points]
    .sort((a, b) => depth(a.Target) - depth(b.Target))
    .map((m): Mount => {
      if (m.Type === 'tmpfs') {
        const opts = ['nosuid', 'nodev', 'noexec'];
        if (m.TmpfsOptions?.SizeBytes) opts.push(`size=${m.TmpfsOptions.SizeBytes}`);
        if (m.TmpfsOptions?.Mode !== undefined) opts.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
        if (m.ReadOnly) opts.push('ro');
        return { destination: m.Target, type: 'tmpfs', source: 'tmpfs', options: opts };
      }
      const opts = ['rbind', m.ReadOnly ? 'ro' : 'rw', m.BindOptions?.Propagation ?? 'rprivate'];
      return { destination: m.Target, type: 'bind', source: m.Source, options: opts };
    });
}
