import type { CgroupController } from '../controller.ts';
import { applyRdma, isRdmaRequested } from '../v1/rdma.ts';

// cgroup v2 rdma: rdma.max, the same lines as v1 (see rdma-limits.ts).
export const v2Rdma: CgroupController = {
  name: 'rdma',
  field: 'linux.resources.rdma',
  isRequested: isRdmaRequested,
  apply: applyRdma,
};
