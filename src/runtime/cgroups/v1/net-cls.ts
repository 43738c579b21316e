import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { writeCgroupFile } from '../cgroup-file.ts';
import { checkInteger } from '../resource-checks.ts';

// cgroup v1 net_cls: net_cls.classid tags the container's packets for tc and iptables. Only
// a v1 hierarchy has it; the manager reports a host without it (see manager.ts).

export function isNetClsRequested(r: LinuxResources): boolean {
  return r.network?.classID !== undefined;
}

function applyNetCls(r: LinuxResources, dir: string, _report: ApplyReport): void {
  const id = r.network?.classID;
  if (id === undefined) return;
  checkInteger('linux.resources.network.classID', id, { min: 0, max: 0xffff_ffff });
  writeCgroupFile(dir, 'net_cls.classid', String(id));
}

export const v1NetCls: CgroupController = {
  name: 'net_cls',
  field: 'linux.resources.network.classID',
  isRequested: isNetClsRequested,
  apply: applyNetCls,
};
