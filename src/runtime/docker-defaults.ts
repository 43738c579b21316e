// What docker gives a container unless told otherwise (moby daemon/pkg/oci/defaults.go and
// caps/defaults.go, 2026): the capability set, the masked and the read-only paths. The seccomp
// half lives in seccomp/docker-default.ts.
import { existsSync, readdirSync } from 'node:fs';

// docker's 14 default capabilities, in docker's order.
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

// Hidden from the container: a file under /dev/null, a directory under an empty read-only tmpfs.
// /proc/interrupts and the thermal_throttle directories leak host activity (GHSA-6fw5-f8r9-fgfm),
// powercap leaks energy counters usable as a side channel (GHSA-jq35-85cj-fj4p).
export const DOCKER_DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/devices/virtual/powercap',
  '/sys/firmware',
];

export const DOCKER_DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

// docker adds /sys/devices/system/cpu/cpuN/thermal_throttle for each CPU of the host that has
// one; `sysCpuDir` is a parameter so that tests can point it at a fixture.
export function dockerDefaultMaskedPaths(sysCpuDir = '/sys/devices/system/cpu'): string[] {
  const paths = [...DOCKER_DEFAULT_MASKED_PATHS];
  let entries: string[] = [];
  try {
    entries = readdirSync(sysCpuDir);
  } catch {
    return paths;
  }
  const cpus = entries
    .map((e) => /^cpu(\d+)$/.exec(e)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  for (const n of cpus) {
    const p = `${sysCpuDir}/cpu${n}/thermal_throttle`;
    if (existsSync(p)) paths.push(`/sys/devices/system/cpu/cpu${n}/thermal_throttle`);
  }
  return paths;
}
