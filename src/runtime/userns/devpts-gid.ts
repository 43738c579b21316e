import type { Spec } from '../../oci/runtime-spec.ts';
import { isMapped, newUserNamespace } from './id-mappings.ts';

// devpts refuses (EINVAL) a gid= option that is not mapped in the mounting process's user
// namespace. runc's `spec --rootless` and podman drop it; berth drops it for any new user
// namespace whose gidMappings lack that gid, with a warning, so a mapping without gid 5 (tty)
// still works: new terminals then belong to the group of the process that opens them.
// Returns the config to plan from (the input is not changed) and the warnings.
export function adjustDevptsGid(spec: Spec): { spec: Spec; warnings: string[] } {
  const userns = newUserNamespace(spec);
  if (!userns || !spec.mounts?.some((m) => m.type === 'devpts')) return { spec, warnings: [] };
  const warnings: string[] = [];
  const mounts = spec.mounts.map((m, i) => {
    if (m.type !== 'devpts' || !m.options) return m;
    const options = m.options.filter((o) => {
      const gid = /^gid=(\d+)$/.exec(o)?.[1];
      if (gid === undefined || isMapped(userns.gidMappings, Number(gid))) return true;
      warnings.push(`mounts[${i}] (destination "${m.destination}"): ${o} is dropped: gid ${gid} is not mapped in linux.gidMappings, so new terminals belong to the group of the process that opens them`);
      return false;
    });
    return options.length === m.options.length ? m : { ...m, options };
  });
  return warnings.length === 0 ? { spec, warnings } : { spec: { ...spec, mounts }, warnings };
}
