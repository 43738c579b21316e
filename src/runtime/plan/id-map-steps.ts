import type { LinuxIDMapping } from '../../oci/runtime-spec.ts';
import { Op, Stage } from '../helper/protocol.ts';
import type { PlanBuilder } from '../helper/plan.ts';
import { ROOT_WRITERS, type IdMapWriters } from '../rootless/id-map-writers.ts';

function formatMappings(maps: readonly LinuxIDMapping[]): string {
  return maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

// H writes the maps of S1's new user namespace before S1 does anything in it: directly (root,
// or a rootless user's own id), or through newuidmap/newgidmap ("{pid}" is S1).
export function addIdMapSteps(b: PlanBuilder, uidMappings: readonly LinuxIDMapping[], gidMappings: readonly LinuxIDMapping[], writers: IdMapWriters = ROOT_WRITERS): void {
  const add = (field: string, file: 'uid_map' | 'gid_map', maps: readonly LinuxIDMapping[], w: IdMapWriters['uid']): void => {
    if (w.kind === 'tool') {
      const args = maps.flatMap((m) => [String(m.containerID), String(m.hostID), String(m.size)]);
      b.add(Stage.PARENT_MAP, Op.RUN_TOOL, `${field} (${w.path})`, [], [w.path, '{pid}', ...args]);
    } else {
      b.add(Stage.PARENT_MAP, Op.WRITE_CHILD_PROC, field, [], [file, formatMappings(maps)]);
    }
  };
  add('linux.uidMappings', 'uid_map', uidMappings, writers.uid);
  if (writers.gid.kind === 'self') {
    b.add(Stage.PARENT_MAP, Op.WRITE_CHILD_PROC, 'linux.gidMappings (denying setgroups, as an unprivileged writer of gid_map must)', [], ['setgroups', 'deny']);
  }
  add('linux.gidMappings', 'gid_map', gidMappings, writers.gid);
}
