import { statSync } from 'node:fs';
import { posix } from 'node:path';
import type { Spec, Mount } from '../../oci/runtime-spec.ts';
import { Op, Stage } from '../helper/protocol.ts';
import type { PlanBuilder } from '../helper/plan.ts';
import { MS, O, S_IF } from './linux-constants.ts';
import { parseMountOptions, propagationFlag, BIND_REMOUNT_FLAGS } from './mount-options.ts';
import { resolveBundlePath } from '../bundle-paths.ts';
import type { HostFacts } from './host-facts.ts';
import type { CgroupDir } from '../cgroups/placement.ts';

// Mirrors the helper's mkdir kinds (native/steps/fs.c).
const MKDIR = { NONE: 0, DIR: 1, FILE: 2 } as const;
// keep_locked: 1 = on EPERM retry with the mount's current flags; 2 = always keep them.
const KEEP = { NO: 0, ON_EPERM: 1, ALWAYS: 2 } as const;
// srcSlot value: bind the resolved target onto itself.
const SRC_SELF = -2;

interface MountArgs {
  source?: string;
  target: string;
  fstype?: string;
  data?: string;
  flags: number;
  root: number; // slot of the rootfs fd, or -1 for a host path
  mkdir?: number;
  keep?: number;
  srcSlot?: number;
  ignoreMissing?: boolean;
}

export function addMount(b: PlanBuilder, what: string, m: MountArgs): void {
  b.add(
    Stage.INIT,
    Op.MOUNT,
    what,
    [m.flags, m.root, m.mkdir ?? MKDIR.NONE, m.keep ?? KEEP.NO, m.srcSlot ?? -1, m.ignoreMissing ? 1 : 0],
    [m.source ?? '', m.target, m.fstype ?? '', m.data ?? ''],
  );
}

export interface RootfsInput {
  bundle: string;
  rootfs: string;
  noPivot: boolean;
  userns: boolean;
  newNetns: boolean;
  newCgroupns: boolean;
  cgroups: CgroupDir[];
  host: HostFacts;
}

export interface RootfsSlots {
  root: number;
}

// The first half of the container's filesystem: propagation, the rootfs bind, every mount of
// the config in order, and the devices. Masks, read-only paths and pivot_root come after the
// createContainer hooks (addRootfsFinishSteps).
export function addRootfsSteps(b: PlanBuilder, spec: Spec, input: RootfsInput): RootfsSlots {
  const prop = spec.linux?.rootfsPropagation;
  const initial = prop === 'private' || prop === 'rprivate' ? MS.PRIVATE | MS.REC : MS.SLAVE | MS.REC;
  addMount(b, prop ? `linux.rootfsPropagation "${prop}"` : 'making the host\'s mounts slaves of the container\'s', { target: '/', flags: initial, root: -1 });
  addMount(b, `root.path "${input.rootfs}" (binding the rootfs onto itself)`, {
    source: input.rootfs,
    target: input.rootfs,
    flags: MS.BIND | MS.REC,
    root: -1,
  });
  // pivot_root refuses a shared new root
  addMount(b, `root.path "${input.rootfs}" (making it private)`, { target: input.rootfs, flags: MS.PRIVATE, root: -1 });
  const root = b.slot();
  b.add(Stage.INIT, Op.OPEN_ROOT, `root.path "${input.rootfs}"`, [root], [input.rootfs]);

  (spec.mounts ?? []).forEach((m, i) => addConfigMount(b, m, i, root, input));
  if (needsDevSetup(spec)) addDeviceSteps(b, spec, root, input);
  return { root };
}

function addConfigMount(b: PlanBuilder, m: Mount, i: number, root: number, input: RootfsInput): void {
  const what = `mounts[${i}] (destination "${m.destination}")`;
  const opts = parseMountOptions(m.options ?? [], m.type);
  const target = m.destination;
  if (m.type === 'cgroup' || m.type === 'cgroup2') {
    addCgroupMount(b, what, target, opts.flags, root, input);
  } else if (opts.isBind || (m.type === 'sysfs' && input.userns && !input.newNetns)) {
    // sysfs can only be mounted by the owner of the network namespace; a user-namespaced
    // container sharing the host's network gets the host's /sys bound instead, as runc does.
    const source = opts.isBind ? resolveBundlePath(input.bundle, m.source ?? '') : '/sys';
    const bindFlags = opts.isBind ? opts.flags & (MS.BIND | MS.REC) : MS.BIND | MS.REC;
    let kind: number = MKDIR.DIR;
    try {
      if (!statSync(source).isDirectory()) kind = MKDIR.FILE;
    } catch {
      // validation found it; if it vanished since, the mount step reports ENOENT
    }
    addMount(b, what, { source, target, flags: bindFlags, root, mkdir: kind });
    const remount = opts.flags & BIND_REMOUNT_FLAGS;
    if (remount !== 0) {
      addMount(b, `${what} (applying ${(m.options ?? []).join(',')})`, {
        target,
        flags: MS.BIND | MS.REMOUNT | remount,
        root,
        keep: KEEP.ON_EPERM,
      });
    }
  } else {
    addMount(b, what, {
      source: m.source ?? m.type ?? 'none',
      target,
      fstype: m.type ?? '',
      data: opts.data,
      flags: opts.flags & ~(MS.SHARED | MS.SLAVE | MS.PRIVATE | MS.UNBINDABLE),
      root,
      mkdir: MKDIR.DIR,
    });
  }
  for (const p of opts.propagation) addMount(b, `${what} (propagation)`, { target, flags: p, root });
}

// A "cgroup" mount shows the container its own cgroups: on v1 a tmpfs with one directory per
// hierarchy, each the container's cgroup bound from the host; on v2 the container's cgroup2
// directory (or a fresh cgroup2 mount inside a new cgroup namespace).
function addCgroupMount(b: PlanBuilder, what: string, target: string, flags: number, root: number, input: RootfsInput): void {
  const ro = flags & MS.RDONLY;
  const common = flags & (MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.RELATIME);
  const v1 = input.cgroups.filter((c) => c.version === 1);
  const v2 = input.cgroups.find((c) => c.version === 2);
  if (v1.length === 0 && v2) {
    if (input.newCgroupns) {
      addMount(b, what, { source: 'cgroup2', target, fstype: 'cgroup2', flags: flags & ~MS.BIND, root, mkdir: MKDIR.DIR });
    } else {
      addMount(b, what, { source: v2.path, target, flags: MS.BIND | MS.REC, root, mkdir: MKDIR.DIR });
      addMount(b, what, { target, flags: MS.BIND | MS.REMOUNT | common | ro, root, keep: KEEP.ON_EPERM });
    }
    return;
  }
  addMount(b, `${what} (tmpfs for the cgroup hierarchies)`, { source: 'tmpfs', target, fstype: 'tmpfs', data: 'mode=755', flags: common, root, mkdir: MKDIR.DIR });
  for (const c of input.cgroups) {
    const name = posix.basename(c.mountPoint);
    const sub = posix.join(target, name);
    addMount(b, `${what} (cgroup hierarchy "${name}")`, { source: c.path, target: sub, flags: MS.BIND | MS.REC, root, mkdir: MKDIR.DIR });
    addMount(b, `${what} (cgroup hierarchy "${name}")`, { target: sub, flags: MS.BIND | MS.REMOUNT | common | ro, root, keep: KEEP.ON_EPERM });
  }
  if (ro) addMount(b, `${what} (read-only)`, { target, flags: MS.REMOUNT | common | MS.RDONLY, root, fstype: 'tmpfs', data: 'mode=755' });
}

// runc skips /dev setup when the config binds the host's /dev in.
function needsDevSetup(spec: Spec): boolean {
  return !(spec.mounts ?? []).some((m) => m.destination === '/dev' && parseMountOptions(m.options ?? [], m.type).isBind);
}

interface DeviceNode {
  path: string;
  type: string;
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
  what: string;
}

const DEFAULT_DEVICES: [string, number, number][] = [
  ['/dev/null', 1, 3],
  ['/dev/zero', 1, 5],
  ['/dev/full', 1, 7],
  ['/dev/random', 1, 8],
  ['/dev/urandom', 1, 9],
  ['/dev/tty', 5, 0],
];

function addDeviceSteps(b: PlanBuilder, spec: Spec, root: number, input: RootfsInput): void {
  const nodes: DeviceNode[] = [];
  const given = new Set((spec.linux?.devices ?? []).map((d) => d.path));
  for (const [path, major, minor] of DEFAULT_DEVICES) {
    if (!given.has(path)) nodes.push({ path, type: 'c', major, minor, fileMode: 0o666, uid: 0, gid: 0, what: `default device ${path}` });
  }
  (spec.linux?.devices ?? []).forEach((d, i) => {
    nodes.push({
      path: d.path,
      type: d.type,
      major: d.major ?? 0,
      minor: d.minor ?? 0,
      fileMode: d.fileMode ?? 0o666,
      uid: d.uid ?? 0,
      gid: d.gid ?? 0,
      what: `linux.devices[${i}] ("${d.path}")`,
    });
  });
  for (const n of nodes) {
    if (input.userns) {
      // mknod is not allowed in a user namespace: the host's node is bound in instead
      addMount(b, n.what, { source: n.path, target: n.path, flags: MS.BIND, root, mkdir: MKDIR.FILE });
      continue;
    }
    const type = n.type === 'b' ? S_IF.BLK : n.type === 'p' ? S_IF.FIFO : S_IF.CHR;
    b.add(Stage.INIT, Op.MKNOD, n.what, [root, type | (n.fileMode & 0o7777), n.major, n.minor, n.uid, n.gid, 1], [n.path]);
  }
  const links: [string, string][] = [
    ['/proc/self/fd', '/dev/fd'],
    ['/proc/self/fd/0', '/dev/stdin'],
    ['/proc/self/fd/1', '/dev/stdout'],
    ['/proc/self/fd/2', '/dev/stderr'],
  ];
  if (input.host.hasKcore()) links.push(['/proc/kcore', '/dev/core']);
  if ((spec.mounts ?? []).some((m) => m.destination === '/dev/pts' && m.type === 'devpts')) links.push(['pts/ptmx', '/dev/ptmx']);
  for (const [target, link] of links) b.add(Stage.INIT, Op.SYMLINK, `/dev symlink ${link}`, [root, 1], [target, link]);
}

// The terminal is opened from the container's devpts, after its mounts; the master goes to the
// console socket (or, for `run -t`, to the helper, which proxies it).
export function addTerminalSteps(
  b: PlanBuilder,
  spec: Spec,
  root: number,
  target: { consoleSocket: string } | { proxy: true },
): { slave: number } {
  const master = b.slot();
  const slave = b.slot();
  b.add(Stage.INIT, Op.OPEN_IN_ROOT, 'process.terminal (opening /dev/ptmx of the container\'s devpts)', [root, master, O.RDWR | O.NOCTTY, 0], ['/dev/ptmx']);
  b.add(Stage.INIT, Op.PTY_PEER, 'process.terminal', [master, slave]);
  const size = spec.process?.consoleSize;
  if (size) b.add(Stage.INIT, Op.SET_WINSIZE, 'process.consoleSize', [slave, size.height, size.width]);
  addMount(b, 'process.terminal (binding the pty to /dev/console)', { target: '/dev/console', flags: MS.BIND, root, mkdir: MKDIR.FILE, srcSlot: slave });
  if ('consoleSocket' in target) {
    const sock = b.slot();
    b.add(Stage.PARENT_PRE, Op.CONNECT_UNIX, `--console-socket "${target.consoleSocket}"`, [sock], [target.consoleSocket]);
    b.add(Stage.INIT, Op.SEND_FD, `--console-socket "${target.consoleSocket}"`, [sock, master], ['/dev/ptmx']);
    b.add(Stage.INIT, Op.CLOSE_SLOT, 'process.terminal', [sock]);
  } else {
    addProxySteps(b, master, !size);
  }
  b.add(Stage.INIT, Op.CLOSE_SLOT, 'process.terminal', [master]);
  return { slave };
}

// The helper (H) receives the master over a socketpair and proxies it to its own stdio. Without
// a consoleSize the pty takes the size of the runtime's own terminal, set by the init before it
// execs: the helper sets it too, but only once the process may already have asked for it.
export function addProxySteps(b: PlanBuilder, master: number, sizeFromStdin: boolean): void {
  if (sizeFromStdin) b.add(Stage.INIT, Op.COPY_WINSIZE, 'process.terminal (the size of the runtime\'s terminal)', [0, master]);
  const ours = b.slot();
  const theirs = b.slot();
  const proxy = b.slot();
  b.add(Stage.PARENT_PRE, Op.SOCKETPAIR, 'process.terminal (proxying the terminal)', [ours, theirs]);
  b.add(Stage.INIT, Op.SEND_FD, 'process.terminal (handing the terminal to the runtime)', [theirs, master], ['/dev/ptmx']);
  b.add(Stage.INIT, Op.CLOSE_SLOT, 'process.terminal', [theirs]);
  b.add(Stage.INIT, Op.CLOSE_SLOT, 'process.terminal', [ours]);
  b.add(Stage.PARENT_POST, Op.CLOSE_SLOT, 'process.terminal', [theirs]);
  b.add(Stage.PARENT_POST, Op.RECV_FD, 'process.terminal (receiving the terminal)', [ours, proxy]);
  b.ttyProxySlot = proxy;
}

// After the createContainer hooks: sysctls, masks, read-only paths, read-only root, the move
// into the rootfs, and the settings that need it.
export function addRootfsFinishSteps(b: PlanBuilder, spec: Spec, root: number, input: RootfsInput): void {
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    const path = `/proc/sys/${key.replaceAll('.', '/')}`;
    b.add(Stage.INIT, Op.WRITE_FILE, `linux.sysctl.${key}`, [-1], [path, value]);
  }
  (spec.linux?.maskedPaths ?? []).forEach((p, i) => {
    b.add(Stage.INIT, Op.MASK_PATH, `linux.maskedPaths[${i}] ("${p}")`, [root, MS.RDONLY], [p, '/dev/null', 'tmpfs', '']);
  });
  (spec.linux?.readonlyPaths ?? []).forEach((p, i) => {
    const what = `linux.readonlyPaths[${i}] ("${p}")`;
    addMount(b, what, { target: p, flags: MS.BIND | MS.REC, root, ignoreMissing: true, srcSlot: SRC_SELF });
    addMount(b, what, { target: p, flags: MS.BIND | MS.REMOUNT | MS.RDONLY, root, keep: KEEP.ALWAYS, ignoreMissing: true });
  });
  if (spec.root?.readonly) {
    addMount(b, 'root.readonly', { target: '/', flags: MS.BIND | MS.REMOUNT | MS.RDONLY, root, keep: KEEP.ALWAYS });
  }
  b.add(Stage.INIT, Op.CLOSE_SLOT, 'root.path', [root]);
  if (input.noPivot) b.add(Stage.INIT, Op.MOVE_ROOT, `root.path "${input.rootfs}" (--no-pivot)`, [], [input.rootfs]);
  else b.add(Stage.INIT, Op.PIVOT_ROOT, `root.path "${input.rootfs}"`, [], [input.rootfs]);
  const prop = spec.linux?.rootfsPropagation;
  if (prop) {
    const flag = propagationFlag(prop);
    if (flag !== undefined) addMount(b, `linux.rootfsPropagation "${prop}"`, { target: '/', flags: flag, root: -1 });
  }
  if (spec.hostname !== undefined && spec.hostname !== '') b.add(Stage.INIT, Op.SETHOSTNAME, 'hostname', [], [spec.hostname]);
  if (spec.domainname) b.add(Stage.INIT, Op.SETDOMAINNAME, 'domainname', [], [spec.domainname]);
}
