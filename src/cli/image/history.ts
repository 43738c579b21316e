import type { CliContext } from '../cli-context.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { imageHistory } from '../../image/image-history.ts';
import { renderFormatted } from '../render/format.ts';
import { humanSize, timeAgo } from '../render/units.ts';
import { out } from '../render/output.ts';

export async function historyCommand(ctx: CliContext, name: string, o: { human: boolean; quiet: boolean; noTrunc: boolean; format: string | undefined }): Promise<void> {
  const store = await openImageStore(ctx.root);
  const rows = imageHistory(store, store.resolve(name));
  const view = rows.map((r) => {
    const createdBy = r.createdBy.replace(/\t/g, ' ');
    return {
      ID: r.id === '<missing>' || o.noTrunc ? r.id : r.id.slice(7, 19),
      CreatedSince: o.human ? timeAgo(r.created) : r.created,
      CreatedAt: r.created,
      CreatedBy: o.noTrunc || createdBy.length <= 45 ? createdBy : `${createdBy.slice(0, 44)}…`,
      Size: o.human ? humanSize(r.size) : String(r.size),
      Comment: r.comment,
    };
  });
  if (o.quiet) {
    out(view.map((v) => `${v.ID}\n`).join(''));
    return;
  }
  out(renderFormatted(o.format, view, {
    defaultTable: '{{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
    headers: { '.ID': 'IMAGE', '.CreatedSince': 'CREATED', '.CreatedAt': 'CREATED AT', '.CreatedBy': 'CREATED BY', '.Size': 'SIZE', '.Comment': 'COMMENT' },
  }));
}
