import { OCI_VERSION, type LinuxNamespace, type Spec } from '../../oci/runtime-spec.ts';
import { DOCKER_DEFAULT_READONLY_PATHS, dockerDefaultMaskedPaths } from '../../runtime/index.ts';
import { UsageError } from '../../lib/errors.ts';
import type { ContainerRecord, MountPoint } from '../container-types.ts';
import { etcMounts, standardMounts, userMounts } from './mounts.ts';
import { linuxResources, rlimits, type DeviceRule } from './resources.ts';
import { capabilitySet, securityOptions } from './security.ts';
import type { ResolvedUser } from './user.ts';

export interface HostDevice {
  pathInContainer: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
  access: string;
}

export interface SpecInput {
  record: ContainerRecord;
  rootfs: string;
  etcFiles: { hostname: string; hosts: string; resolvConf: string };
  // -v/--mount/--tmpfs with volumes resolved to their host directories
  mounts: MountPoint[];
  user: ResolvedUser;
  // pids of other containers for --network/--pid/--ipc container:<name>
  joined: { network?: number; pid?: number; ipc?: number };
  devices: HostDevice[];
  // host path of a static tini for --init
  initPath?: string;
  cgroupsPath: string;
  // the size of the terminal attached at start (-t)
  consoleSize?: { height: number; width: number };
}

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
export const INIT_PATH = '/sbin/docker-init';

function namespaceFor(type: LinuxNamespace['type'], mode: string, joinedPid: number | undefined, what: string): LinuxNamespace | undefined {
  if (mode === 'host') return undefined;
  if (mode.startsWith('container:')) {
    if (!joinedPid) throw new UsageError(`${what} ${mode}: that container is not running`);
    const name = type === 'network' ? 'net' : type;
    return { type, path: `/proc/${joinedPid}/ns/${name}` };
  }
  return { type };
}

// A container's config.json from its record: docker's defaults (capabilities, seccomp profile,
// masked and read-only paths, standard mounts, device rules), then the user's flags on top.
// Everything resolved on the host (user ids, volume paths, other containers' pids) comes in
// SpecInput, so this stays a pure function.
export function buildSpec(i: SpecInput): Spec {
  const r = i.record;
  const h = r.HostConfig;
  const caps = capabilitySet(h);
  const security = securityOptions(h, caps);
  const env = [...r.Config.Env];
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  if (h.UTSMode !== 'host' && !env.some((e) => e.startsWith('HOSTNAME='))) env.push(`HOSTNAME=${r.Config.Hostname}`);
  if (r.Config.Tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${i.user.home}`);
  let args = [r.Path, ...r.Args];
  if (h.Init) args = [INIT_PATH, '--', ...args];

  const namespaces: LinuxNamespace[] = [];
  const add = (ns: LinuxNamespace | undefined): void => {
    if (ns) namespaces.push(ns);
  };
  add(namespaceFor('pid', h.PidMode, i.joined.pid, '--pid'));
  add(namespaceFor('network', h.NetworkMode === 'none' || h.NetworkMode === 'default' || h.NetworkMode === 'bridge' ? '' : h.NetworkMode, i.joined.network, '--network'));
  add(namespaceFor('ipc', h.IpcMode === 'private' || h.IpcMode === 'shareable' ? '' : h.IpcMode, i.joined.ipc, '--ipc'));
  add(h.UTSMode === 'host' ? undefined : { type: 'uts' });
  namespaces.push({ type: 'mount' }, { type: 'cgroup' });

  const mounts = [...standardMounts({ shmSize: h.ShmSize || DEFAULT_SHM_SIZE, privileged: h.Privileged }), ...etcMounts(i.etcFiles, h.ReadonlyRootfs), ...userMounts(i.mounts)];
  if (h.Init && i.initPath) mounts.push({ destination: INIT_PATH, type: 'bind', source: i.initPath, options: ['rbind', 'ro'] });
  if (h.IpcMode === 'host') {
    // the host's ipc namespace comes with the host's /dev/shm
    const shm = mounts.findIndex((m) => m.destination === '/dev/shm');
    mounts[shm] = { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] };
  }

  const deviceRules: DeviceRule[] = i.devices.map((d) => ({ type: d.type, major: d.major, minor: d.minor, access: d.access }));
  const spec: Spec = {
    ociVersion: OCI_VERSION,
    process: {
      terminal: r.Config.Tty,
      ...(r.Config.Tty && i.consoleSize ? { consoleSize: i.consoleSize } : {}),
      user: { uid: i.user.uid, gid: i.user.gid, ...(i.user.additionalGids.length ? { additionalGids: i.user.additionalGids } : {}) },
      args,
      env,
      cwd: r.Config.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      ...(h.Ulimits?.length ? { rlimits: rlimits(h) } : {}),
      ...(security.noNewPrivileges ? { noNewPrivileges: true } : {}),
      ...(security.apparmorProfile ? { apparmorProfile: security.apparmorProfile } : {}),
      ...(h.OomScoreAdj ? { oomScoreAdj: h.OomScoreAdj } : {}),
    },
    root: { path: i.rootfs, readonly: h.ReadonlyRootfs },
    mounts,
    linux: {
      namespaces,
      resources: linuxResources(h, deviceRules),
      cgroupsPath: i.cgroupsPath,
      devices: i.devices.map((d) => ({ path: d.pathInContainer, type: d.type, major: d.major, minor: d.minor, fileMode: d.fileMode, uid: d.uid, gid: d.gid })),
      ...(h.Sysctls && Object.keys(h.Sysctls).length ? { sysctl: h.Sysctls } : {}),
      ...(h.Privileged ? {} : { maskedPaths: dockerDefaultMaskedPaths(), readonlyPaths: [...DOCKER_DEFAULT_READONLY_PATHS] }),
      ...(security.seccomp ? { seccomp: security.seccomp } : {}),
    },
  };
  if (h.UTSMode !== 'host') {
    spec.hostname = r.Config.Hostname;
    if (r.Config.Domainname) spec.domainname = r.Config.Domainname;
  }
  return spec;
}
