import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { effectiveDeviceState } from '../device-rules.ts';
import { compileDeviceProgram } from './device-program.ts';

// cgroup v2 devices: no files, an eBPF program attached to the cgroup. Node cannot load one,
// so apply() compiles it and hands it back in the report; the caller adds OP_BPF_DEVICES to
// a helper plan (native/steps/bpf.c loads it and attaches it, replacing berth's previous one).

// The kernel only checks the license string for GPL-only helpers, which the program does not
// call; berth's own licence is what it says.
export const DEVICE_PROGRAM_LICENSE = 'Apache';

function applyDevices(r: LinuxResources, dir: string, report: ApplyReport): void {
  if (r.devices === undefined) return;
  const program = compileDeviceProgram(effectiveDeviceState(r.devices));
  report.native.push({ kind: 'bpf-devices', dir, program, license: DEVICE_PROGRAM_LICENSE });
}

export const v2Devices: CgroupController = {
  name: 'devices',
  field: 'linux.resources.devices',
  core: true,
  isRequested: (r) => r.devices !== undefined,
  apply: applyDevices,
};
