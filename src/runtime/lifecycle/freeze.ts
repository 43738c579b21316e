import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRecord } from '../state/container-record.ts';

// A frozen process does not die of SIGKILL until it is thawed; delete --force of a paused
// container thaws it after the signal.
export function thawForKill(record: ContainerRecord): void {
  for (const c of record.cgroups) {
    try {
      if (c.version === 1 && c.controllers.includes('freezer')) writeFileSync(join(c.path, 'freezer.state'), 'THAWED');
      else if (c.version === 2) writeFileSync(join(c.path, 'cgroup.freeze'), '0');
    } catch {
      // no freezer in this hierarchy
    }
  }
}
