import type { Linux, LinuxDeviceCgroup } from '../../oci/runtime-spec.ts';

// The device rules a container's cgroup gets: the config's linux.resources.devices, then an
// allow rule for every device in linux.devices that the config has no rule for (berth creates
// those nodes, so the container must be able to use them), then the devices every container has (runc's AllowedDevices:
// mknod of any node, /dev/null, zero, full, random, urandom, tty, ptmx, the pty slaves and
// /dev/net/tun). Later rules win, so no deny in the config takes the defaults away, exactly as
// with runc: they are part of what a container is. The manager's apply() wants this list as
// resources.devices (the wiring replaces resources.devices with it before calling apply).

const c = (major: number | undefined, minor: number | undefined, access: string): LinuxDeviceCgroup => ({
  allow: true,
  type: 'c',
  ...(major === undefined ? {} : { major }),
  ...(minor === undefined ? {} : { minor }),
  access,
});

export const DEFAULT_DEVICE_RULES: readonly LinuxDeviceCgroup[] = [
  c(undefined, undefined, 'm'),
  { allow: true, type: 'b', access: 'm' },
  c(1, 3, 'rwm'), // /dev/null
  c(1, 8, 'rwm'), // /dev/random
  c(1, 7, 'rwm'), // /dev/full
  c(5, 0, 'rwm'), // /dev/tty
  c(1, 5, 'rwm'), // /dev/zero
  c(1, 9, 'rwm'), // /dev/urandom
  c(136, undefined, 'rwm'), // /dev/pts/*
  c(5, 2, 'rwm'), // /dev/ptmx
  c(10, 200, 'rwm'), // /dev/net/tun
];

export function containerDeviceRules(linux: Linux | undefined): LinuxDeviceCgroup[] {
  const rules: LinuxDeviceCgroup[] = [...(linux?.resources?.devices ?? [])];
  // A device the config has a rule of its own for keeps that rule's access: docker's
  // `--device /dev/x:/dev/y:r` is such a node plus an "r" rule, and a later rwm would undo it.
  const named = (type: string, major: number, minor: number): boolean =>
    rules.some((r) => r.type === type && r.major === major && r.minor === minor);
  for (const d of linux?.devices ?? []) {
    if (d.type === 'p') continue; // a FIFO is not a device to the cgroup
    if (named(d.type === 'u' ? 'c' : d.type, d.major ?? -1, d.minor ?? -1)) continue;
    rules.push({ allow: true, type: d.type === 'u' ? 'c' : d.type, major: d.major, minor: d.minor, access: 'rwm' });
  }
  rules.push(...DEFAULT_DEVICE_RULES);
  return rules;
}
