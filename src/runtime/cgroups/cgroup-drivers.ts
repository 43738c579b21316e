import type { CgroupController } from './controller.ts';
import type { CgroupDir } from './placement.ts';
import { v1Blkio } from './v1/blkio.ts';
import { v1Cpu } from './v1/cpu.ts';
import { v1Cpuacct } from './v1/cpuacct.ts';
import { v1Cpuset } from './v1/cpuset.ts';
import { v1Devices } from './v1/devices.ts';
import { v1Hugetlb } from './v1/hugetlb.ts';
import { v1Memory } from './v1/memory.ts';
import { v1NetCls } from './v1/net-cls.ts';
import { v1NetPrio } from './v1/net-prio.ts';
import { v1Pids } from './v1/pids.ts';
import { v1Rdma } from './v1/rdma.ts';
import { v2Cpu } from './v2/cpu.ts';
import { v2Cpuset } from './v2/cpuset.ts';
import { v2Devices } from './v2/devices.ts';
import { v2Hugetlb } from './v2/hugetlb.ts';
import { v2Io } from './v2/io.ts';
import { v2Memory } from './v2/memory.ts';
import { v2Pids } from './v2/pids.ts';
import { v2Rdma } from './v2/rdma.ts';
import { createUnifiedController } from './v2/unified.ts';

// The three cgroupfs drivers (crun's LEGACY, UNIFIED and HYBRID modes): for each kind of
// resource, which controller of which version serves it, and in which directory.
// - v1: the v1 controller in the hierarchy that mounts it;
// - v2: the v2 controller in the one cgroup2 directory;
// - hybrid: the v1 controller where a v1 hierarchy mounts it, else the v2 one if the cgroup2
//   hierarchy offers that controller (this development machine: hugetlb lives only in cgroup2).
// There is no systemd driver: berth writes cgroupfs itself (placement.ts refuses systemd-style
// cgroupsPath values), like runc and crun without --systemd-cgroup.

export type CgroupMode = 'v1' | 'v2' | 'hybrid';

// Apply order, runc's: cpuset first (a v1 cpuset must have cpus before anything joins), devices
// before the limits, unified last so nothing structured overwrites it.
interface ResourceKind {
  v1?: CgroupController;
  v2?: CgroupController;
  // v1-only resources on a pure v2 host: reported and ignored, as runc and crun do
  v2Warning?: string;
}

const KINDS: ResourceKind[] = [
  { v1: v1Cpuset, v2: v2Cpuset },
  { v1: v1Devices, v2: v2Devices },
  { v1: v1Memory, v2: v2Memory },
  { v1: v1Cpu, v2: v2Cpu },
  { v1: v1Cpuacct },
  { v1: v1Pids, v2: v2Pids },
  { v1: v1Blkio, v2: v2Io },
  { v1: v1Hugetlb, v2: v2Hugetlb },
  { v1: v1NetCls, v2Warning: 'ignored on cgroup v2 (net_cls is a cgroup v1 controller; nftables and tc can match the cgroup path instead)' },
  { v1: v1NetPrio, v2Warning: 'ignored on cgroup v2 (net_prio is a cgroup v1 controller)' },
  { v1: v1Rdma, v2: v2Rdma },
];

export interface ControllerBinding {
  controller: CgroupController;
  dir: CgroupDir;
}

export interface UnboundController {
  controller: CgroupController;
  // a warning when requested (v1-only field on v2), or undefined: requesting it is an error
  warning?: string;
  reason: string;
}

export interface CgroupDriver {
  mode: CgroupMode;
  bindings: ControllerBinding[];
  unbound: UnboundController[];
  freezerDir: CgroupDir | undefined;
  memoryDir: CgroupDir | undefined;
}

export function modeOfDirs(dirs: CgroupDir[]): CgroupMode {
  const v1 = dirs.some((d) => d.version === 1);
  const v2 = dirs.some((d) => d.version === 2);
  return v1 && v2 ? 'hybrid' : v2 ? 'v2' : 'v1';
}

const v1DirOf = (dirs: CgroupDir[], controller: string): CgroupDir | undefined => dirs.find((d) => d.version === 1 && d.controllers.includes(controller));

export function selectCgroupDriver(dirs: CgroupDir[]): CgroupDriver {
  const mode = modeOfDirs(dirs);
  const v2 = dirs.find((d) => d.version === 2);
  const bindings: ControllerBinding[] = [];
  const unbound: UnboundController[] = [];
  // in hybrid mode, the v2 hierarchy serves only what no v1 hierarchy mounts, and only what it
  // offers (CgroupDir.controllers of the cgroup2 mount is its root's cgroup.controllers)
  const v2Serves = (c: CgroupController): boolean => mode === 'v2' || c.core === true || Boolean(v2?.controllers.includes(c.name));
  for (const kind of KINDS) {
    const v1Dir = kind.v1 && mode !== 'v2' ? v1DirOf(dirs, kind.v1.name) : undefined;
    if (kind.v1 && v1Dir) {
      bindings.push({ controller: kind.v1, dir: v1Dir });
    } else if (kind.v2 && v2 && mode !== 'v1' && v2Serves(kind.v2)) {
      bindings.push({ controller: kind.v2, dir: v2 });
    } else {
      const c = (kind.v1 ?? kind.v2)!;
      if (mode === 'v2' && kind.v2Warning) unbound.push({ controller: c, warning: kind.v2Warning, reason: '' });
      else {
        const where =
          mode === 'v1' ? 'no cgroup v1 hierarchy mounts it' : mode === 'v2' ? 'the cgroup v2 hierarchy has no such controller' : `no cgroup v1 hierarchy mounts it${kind.v2 ? ' and the cgroup v2 hierarchy does not offer it' : ', and cgroup v2 has no such controller'}`;
        unbound.push({ controller: c, reason: `the ${c.name} controller is not available on this host (${where})` });
      }
    }
  }
  if (v2) {
    const onV1 = dirs.filter((d) => d.version === 1).flatMap((d) => d.controllers);
    bindings.push({ controller: createUnifiedController(onV1), dir: v2 });
  } else {
    const unified = createUnifiedController();
    unbound.push({ controller: unified, reason: 'needs cgroup v2, and this host has only cgroup v1 hierarchies' });
  }
  const freezerDir = mode === 'v2' ? v2 : (v1DirOf(dirs, 'freezer') ?? v2);
  const memoryDir = mode === 'v2' ? v2 : (v1DirOf(dirs, 'memory') ?? (v2?.controllers.includes('memory') ? v2 : undefined));
  return { mode, bindings, unbound, freezerDir, memoryDir };
}
