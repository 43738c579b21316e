import { pruneContainers } from '../../engine/workflow.ts';
import type { CliContext } from '../cli-context.ts';
import { confirm } from '../render/confirm.ts';
import { goHumanSize } from '../render/go-units.ts';
import { out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { reportDaemonError } from './daemon-error.ts';
import { parsePruneFilters } from './prune-filters.ts';

export async function containerPruneCommand(ctx: CliContext, o: { force: boolean; filters: string[] }): Promise<number> {
  const filters = parsePruneFilters(o.filters);
  if (!o.force && !confirm('WARNING! This will remove all stopped containers.\nAre you sure you want to continue?')) return 0;
  try {
    const r = await pruneContainers(engineFor(ctx), filters);
    if (r.deleted.length > 0) out(`Deleted Containers:\n${r.deleted.map((id) => `${id}\n`).join('')}\n`);
    out(`Total reclaimed space: ${goHumanSize(r.bytes, 4)}\n`);
    return 0;
  } catch (e) {
    return reportDaemonError(e);
  }
}
