import type { LinuxDeviceCgroup, LinuxResources, POSIXRlimit } from '../../oci/runtime-spec.ts';
import type { HostConfig } from '../container-types.ts';

// docker's device rules: nothing may be used unless listed; any node may be made (mknod), as
// images unpack device files; the default devices and the pty ones may be used.
const DOCKER_DEVICE_RULES: LinuxDeviceCgroup[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  { allow: true, type: 'c', major: 136, access: 'rwm' },
  { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' },
];

export interface DeviceRule {
  type: string;
  major: number;
  minor: number;
  access: string;
}

// HostConfig's resource fields -> linux.resources, with docker's conventions: --memory alone
// allows as much swap again (memory.swap = 2 x memory); --memory-swap -1 is unlimited swap;
// --cpus is a quota over a 100 ms period.
export function linuxResources(h: HostConfig, deviceRules: DeviceRule[]): LinuxResources {
  const r: LinuxResources = {};
  const memory: NonNullable<LinuxResources['memory']> = {};
  if (h.Memory > 0) {
    memory.limit = h.Memory;
    if (h.MemorySwap === 0) memory.swap = 2 * h.Memory;
    else if (h.MemorySwap === -1) memory.swap = -1;
    else memory.swap = h.MemorySwap;
  }
  if (h.MemoryReservation > 0) memory.reservation = h.MemoryReservation;
  if (h.OomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length > 0) r.memory = memory;
  const cpu: NonNullable<LinuxResources['cpu']> = {};
  if (h.CpuShares > 0) cpu.shares = h.CpuShares;
  if (h.NanoCpus > 0) {
    cpu.period = 100_000;
    cpu.quota = Math.round((h.NanoCpus * 100_000) / 1e9);
  }
  if (h.CpuPeriod > 0) cpu.period = h.CpuPeriod;
  if (h.CpuQuota !== 0) cpu.quota = h.CpuQuota;
  if (h.CpusetCpus) cpu.cpus = h.CpusetCpus;
  if (h.CpusetMems) cpu.mems = h.CpusetMems;
  if (Object.keys(cpu).length > 0) r.cpu = cpu;
  if (h.PidsLimit !== null && h.PidsLimit !== 0) r.pids = { limit: h.PidsLimit };
  if (h.BlkioWeight > 0) r.blockIO = { weight: h.BlkioWeight };
  r.devices = h.Privileged
    ? [{ allow: true, access: 'rwm' }]
    : [...DOCKER_DEVICE_RULES, ...deviceRules.map((d) => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.access }))];
  return r;
}

export function rlimits(h: HostConfig): POSIXRlimit[] {
  return (h.Ulimits ?? []).map((u) => ({ type: `RLIMIT_${u.Name.toUpperCase()}`, soft: u.Soft, hard: u.Hard }));
}
