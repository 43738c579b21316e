import type { LinuxResources } from '../../oci/runtime-spec.ts';
import type { CgroupStats } from './stats.ts';

// One cgroup controller of one cgroup version (youki's Controller trait, one file each under
// v1/ and v2/). A controller only reads and writes files under the directory it is given, so
// unit tests point it at a temporary directory seeded like cgroupfs.

// What only the C helper can do, returned to the caller to put into a helper plan. Node cannot
// call bpf(2); the v2 devices controller hands back its compiled program instead.
export interface BpfDevicesRequest {
  kind: 'bpf-devices';
  // the cgroup v2 directory to attach to
  dir: string;
  // struct bpf_insn array, 8 bytes per instruction, host byte order (little-endian)
  program: Uint8Array;
  license: string;
}
export type NativeCgroupStep = BpfDevicesRequest;

export interface ApplyReport {
  // lower-case messages naming the config field: what was ignored and why
  warnings: string[];
  // work for the helper, in order (OP_BPF_DEVICES steps)
  native: NativeCgroupStep[];
}

export function emptyApplyReport(): ApplyReport {
  return { warnings: [], native: [] };
}

export interface CgroupController {
  // the kernel's name: the v1 hierarchy option ("net_cls") or the v2 cgroup.controllers entry
  readonly name: string;
  // the config field it serves, for errors about the controller itself (not mounted, not enabled)
  readonly field: string;
  // true when no controller has to be enabled: v2 devices (an eBPF program on the cgroup) and
  // unified (which checks each key's controller itself)
  readonly core?: boolean;
  // whether `resources` asks anything of this controller (a missing controller is then an error)
  isRequested(resources: LinuxResources): boolean;
  apply(resources: LinuxResources, dir: string, report: ApplyReport): void;
  // adds what this controller knows to `into`; absent files are skipped, not errors
  stats?(dir: string, into: CgroupStats): void;
}
