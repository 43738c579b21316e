import { refreshRecord, type ContainerRecord, type MountPoint } from '../../engine/index.ts';
import { BerthError, messageOf } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { err, out } from '../render/output.ts';
import { formatObjects } from '../render/format-object.ts';
import { engineFor } from './engine-for.ts';

// docker's types.MountPoint, the shape of inspect's .Mounts (HostConfig.Mounts keeps mount.Mount's
// Target/ReadOnly): templates such as {{range .Mounts}}{{.Destination}}{{end}} read these names.
export interface InspectMountPoint {
  Type: MountPoint['Type'];
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export function inspectMountPoint(m: MountPoint): InspectMountPoint {
  return {
    Type: m.Type,
    ...(m.Type === 'volume' ? { Name: m.Name ?? '' } : {}),
    Source: m.Source,
    Destination: m.Target,
    ...(m.Type === 'volume' ? { Driver: 'local' } : {}),
    Mode: m.ReadOnly && m.Type !== 'tmpfs' ? 'ro' : m.Type === 'volume' ? 'z' : '',
    RW: !m.ReadOnly,
    Propagation: m.Type === 'bind' ? (m.BindOptions?.Propagation ?? 'rprivate') : '',
  };
}

// docker inspect's JSON: the record without berth's own bookkeeping.
export function inspectView(r: ContainerRecord): Omit<ContainerRecord, 'Berth' | 'Mounts'> & { Mounts: InspectMountPoint[] } {
  // rebuilt key by key: the JSON keeps docker's order of fields
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'Berth') continue;
    view[k] = k === 'Mounts' ? r.Mounts.map(inspectMountPoint) : v;
  }
  return view as Omit<ContainerRecord, 'Berth' | 'Mounts'> & { Mounts: InspectMountPoint[] };
}

export async function containerInspectCommand(ctx: CliContext, refs: string[], o: { format?: string }): Promise<number> {
  const engine = engineFor(ctx);
  const found: unknown[] = [];
  let failed = false;
  for (const ref of refs) {
    try {
      found.push(inspectView(await refreshRecord(engine, engine.store.resolve(ref))));
    } catch (e) {
      failed = true;
      err(`Error: ${e instanceof BerthError ? e.message : messageOf(e)}\n`);
    }
  }
  if (o.format) out(formatObjects(o.format, found));
  else out(`${JSON.stringify(found, null, 4)}\n`);
  return failed ? 1 : 0;
}
