import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../../lib/errors.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { writeCgroupFile } from '../cgroup-file.ts';
import { checkInteger } from '../resource-checks.ts';

// cgroup v1 net_prio: net_prio.ifpriomap takes one "<interface> <priority>" per write.

const F = 'linux.resources.network.priorities';
// IFNAMSIZ is 16 with the NUL; the kernel's dev_valid_name rules out "/" and white space
const IFNAME = /^[^/\s:]{1,15}$/;

export function isNetPrioRequested(r: LinuxResources): boolean {
  return Boolean(r.network?.priorities?.length);
}

function applyNetPrio(r: LinuxResources, dir: string, _report: ApplyReport): void {
  const prios = r.network?.priorities ?? [];
  prios.forEach((p, i) => {
    if (typeof p.name !== 'string' || !IFNAME.test(p.name) || p.name === '.' || p.name === '..') {
      throw new InvalidConfigError(`${F}[${i}].name`, `${JSON.stringify(p.name)} is not a network interface name`);
    }
    checkInteger(`${F}[${i}].priority`, p.priority, { min: 0, max: 0xffff_ffff });
  });
  for (const p of prios) writeCgroupFile(dir, 'net_prio.ifpriomap', `${p.name} ${p.priority}`);
}

export const v1NetPrio: CgroupController = {
  name: 'net_prio',
  field: 'linux.resources.network.priorities',
  isRequested: isNetPrioRequested,
  apply: applyNetPrio,
};
