import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { effectiveDeviceState, formatDeviceException, type DeviceCgroupState } from '../device-rules.ts';

// cgroup v1 devices: the rules are first reduced to the state the kernel would end in
// (device-rules.ts), then that state is written from a clean slate: the reset ("a" to
// devices.deny for a deny-by-default container) first, then one exception per write. The
// direct way, replaying the config's rules, would let a rule that the kernel reads as a reset
// ("a ...") wipe the exceptions before it.
//
// When devices.list already shows the wanted state (an update that does not change devices),
// nothing is written: the reset would briefly deny every device to the running container.

export function isDevicesRequested(r: LinuxResources): boolean {
  return r.devices !== undefined;
}

// devices.list shows the exceptions of a deny-by-default cgroup, and "a *:* rwm" alone for an
// allow-by-default one (its exceptions are not listed, so that state can never be confirmed).
function isAlreadyApplied(dir: string, want: DeviceCgroupState): boolean {
  const list = readCgroupFileIfExists(dir, 'devices.list');
  if (list === undefined) return false;
  const have = list.split('\n').map((l) => l.trim()).filter(Boolean).sort();
  if (want.defaultAllow) return want.exceptions.length === 0 && have.length === 1 && have[0] === 'a *:* rwm';
  const wanted = want.exceptions.map(formatDeviceException).sort();
  return have.length === wanted.length && have.every((l, i) => l === wanted[i]);
}

function applyDevices(r: LinuxResources, dir: string, _report: ApplyReport): void {
  if (r.devices === undefined) return;
  const want = effectiveDeviceState(r.devices);
  if (isAlreadyApplied(dir, want)) return;
  if (want.defaultAllow) {
    writeCgroupFile(dir, 'devices.allow', 'a');
    for (const e of want.exceptions) writeCgroupFile(dir, 'devices.deny', formatDeviceException(e));
  } else {
    writeCgroupFile(dir, 'devices.deny', 'a');
    for (const e of want.exceptions) writeCgroupFile(dir, 'devices.allow', formatDeviceException(e));
  }
}

export const v1Devices: CgroupController = {
  name: 'devices',
  field: 'linux.resources.devices',
  isRequested: isDevicesRequested,
  apply: applyDevices,
};
