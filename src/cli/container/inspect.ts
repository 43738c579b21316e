import { refreshRecord, type ContainerRecord } from '../../engine/index.ts';
import { BerthError, messageOf } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { err, out } from '../render/output.ts';
import { formatObjects } from '../render/format-object.ts';
import { engineFor } from './engine-for.ts';

// docker inspect's JSON: the record without berth's own bookkeeping.
export function inspectView(r: ContainerRecord): Omit<ContainerRecord, 'Berth'> {
  const { Berth, ...rest } = r;
  void Berth;
  return rest;
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
