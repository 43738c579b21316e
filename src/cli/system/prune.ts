import { pruneSystem } from '../../engine/workflow.ts';
import type { CliContext } from '../cli-context.ts';
import { engineFor } from '../container/engine-for.ts';
import { reportDaemonError } from '../container/daemon-error.ts';
import { parsePruneFilters } from '../container/prune-filters.ts';
import { confirm } from '../render/confirm.ts';
import { goHumanSize } from '../render/go-units.ts';
import { out } from '../render/output.ts';

// docker system prune: the warning lists what will go (the parts berth has: no networks or build
// cache), then each part's report and the total.
export async function systemPruneCommand(ctx: CliContext, o: { all: boolean; volumes: boolean; force: boolean; filters: string[] }): Promise<number> {
  const filters = parsePruneFilters(o.filters);
  if (!o.force) {
    const what = [
      'all stopped containers',
      ...(o.volumes ? ['all anonymous volumes not used by at least one container'] : []),
      o.all ? 'all images without at least one container associated to them' : 'all dangling images',
    ];
    const shown = [...o.filters].sort();
    const message = `WARNING! This will remove:\n${what.map((w) => `  - ${w}\n`).join('')}${shown.length ? `\n  Items to be pruned will be filtered with:\n${shown.map((f) => `  - ${f}\n`).join('')}` : ''}\nAre you sure you want to continue?`;
    if (!confirm(message)) return 0;
  }
  try {
    const r = await pruneSystem(engineFor(ctx), { all: o.all, volumes: o.volumes, filters, imageFilters: o.filters.filter((f) => !f.startsWith('label!=')) });
    if (r.containers.length > 0) out(`Deleted Containers:\n${r.containers.map((id) => `${id}\n`).join('')}\n`);
    if (r.volumes.length > 0) out(`Deleted Volumes:\n${r.volumes.map((n) => `${n}\n`).join('')}\n`);
    if (r.untagged.length + r.deletedImages.length > 0) {
      out(`Deleted Images:\n${r.untagged.map((u) => `untagged: ${u}\n`).join('')}${r.deletedImages.map((d) => `deleted: ${d}\n`).join('')}\n`);
    }
    out(`Total reclaimed space: ${goHumanSize(r.bytes, 4)}\n`);
    return 0;
  } catch (e) {
    return reportDaemonError(e);
  }
}
