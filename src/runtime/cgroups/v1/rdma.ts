import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { writeCgroupFile } from '../cgroup-file.ts';
import { rdmaMaxLines } from '../rdma-limits.ts';

// cgroup v1 rdma: rdma.max, the same format as v2's (see rdma-limits.ts).

export function isRdmaRequested(r: LinuxResources): boolean {
  return r.rdma !== undefined && Object.keys(r.rdma).length > 0;
}

export function applyRdma(r: LinuxResources, dir: string, _report: ApplyReport): void {
  for (const line of rdmaMaxLines(r.rdma ?? {})) writeCgroupFile(dir, 'rdma.max', line);
}

export const v1Rdma: CgroupController = {
  name: 'rdma',
  field: 'linux.resources.rdma',
  isRequested: isRdmaRequested,
  apply: applyRdma,
};
