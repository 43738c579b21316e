// docker system df. Containers, volumes and build cache are zero until those parts exist; the
// image size includes the compressed blobs berth keeps (so the numbers add up to what is on
// disk), and partial downloads kept for resuming are shown on their own line.
import type { CliContext } from '../cli-context.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { diskUsage } from '../../image/disk-usage.ts';
import { imageUsersFor } from './image-users-for.ts';
import { familiarName, parseReference } from '../../image/reference.ts';
import { renderFormatted } from '../render/format.ts';
import { humanSize, timeAgo } from '../render/units.ts';
import { out, tabwriter } from '../render/output.ts';

export async function dfCommand(ctx: CliContext, o: { verbose: boolean; format: string | undefined }): Promise<void> {
  const store = await openImageStore(ctx.root, { layers: true });
  const u = diskUsage(store, imageUsersFor(ctx));
  const pct = (part: number, whole: number): string => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : '');
  const rows = [
    { Type: 'Images', TotalCount: String(u.total), Active: String(u.active), Size: humanSize(u.size), Reclaimable: `${humanSize(u.reclaimable)}${pct(u.reclaimable, u.size)}` },
    { Type: 'Containers', TotalCount: '0', Active: '0', Size: '0B', Reclaimable: '0B' },
    { Type: 'Local Volumes', TotalCount: '0', Active: '0', Size: '0B', Reclaimable: '0B' },
    { Type: 'Build Cache', TotalCount: '0', Active: '0', Size: '0B', Reclaimable: '0B' },
  ];
  if (u.partialDownloads > 0) rows.push({ Type: 'Partial Downloads', TotalCount: String(store.blobs.listIngests().length), Active: '0', Size: humanSize(u.partialDownloads), Reclaimable: humanSize(u.partialDownloads) });
  if (!o.verbose) {
    out(renderFormatted(o.format, rows, {
      defaultTable: '{{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
      headers: { '.Type': 'TYPE', '.TotalCount': 'TOTAL', '.Active': 'ACTIVE', '.Size': 'SIZE', '.Reclaimable': 'RECLAIMABLE' },
    }));
    return;
  }
  const lines = [['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'SHARED SIZE', 'UNIQUE SIZE', 'CONTAINERS']];
  for (const i of u.images) {
    const tag = i.summary.RepoTags[0];
    const ref = tag ? parseReference(tag) : undefined;
    lines.push([ref ? familiarName(ref) : '<none>', ref?.tag ?? '<none>', i.summary.Id.slice(7, 19), timeAgo(i.summary.CreatedAt), humanSize(i.size), humanSize(i.sharedSize), humanSize(i.uniqueSize), String(i.containers)]);
  }
  out(`Images space usage:\n\n${tabwriter(lines)}\nContainers space usage:\n\nCONTAINER ID   IMAGE     COMMAND   LOCAL VOLUMES   SIZE      CREATED   STATUS    NAMES\n\nLocal Volumes space usage:\n\nVOLUME NAME   LINKS     SIZE\n\nBuild cache usage: 0B\n`);
}
