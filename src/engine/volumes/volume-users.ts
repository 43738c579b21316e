import type { ContainerRecord } from '../container-types.ts';

// The names of the volumes a container uses (its named and anonymous volumes, in any state).
export function volumesOf(r: ContainerRecord): string[] {
  return r.Berth.mounts.filter((m) => m.Type === 'volume').map((m) => m.Name ?? m.Source);
}

// volume name -> ids of the containers using it
export function volumeUsers(records: ContainerRecord[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of records) {
    for (const v of volumesOf(r)) out.set(v, [...(out.get(v) ?? []), r.Id]);
  }
  return out;
}
