import { OCI_VERSION, type Spec } from '../oci/runtime-spec.ts';
import { DOCKER_DEFAULT_CAPS, DOCKER_DEFAULT_READONLY_PATHS, dockerDefaultMaskedPaths } from './docker-defaults.ts';
import { resolveDockerDefaultProfile } from './seccomp/docker-default.ts';

// The config `berth-runtime spec` writes: runc's layout (a shell on a terminal, read-only root,
// the standard mounts) with docker's security defaults, which the engine uses too: docker's
// capability set, its seccomp profile (resolved for those capabilities and this host's
// architecture and kernel), its masked and read-only paths. Like docker, no no-new-privileges by
// default. No ambient set: the kernel only raises ambient capabilities that are also inheritable,
// and (CVE-2022-29162) none are.
export function defaultSpec(): Spec {
  const CAPS = [...DOCKER_DEFAULT_CAPS];
  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: [...CAPS], effective: [...CAPS], permitted: [...CAPS] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'berth',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' }],
      maskedPaths: dockerDefaultMaskedPaths(),
      readonlyPaths: [...DOCKER_DEFAULT_READONLY_PATHS],
      seccomp: resolveDockerDefaultProfile({ capabilities: CAPS }),
    },
  };
}
