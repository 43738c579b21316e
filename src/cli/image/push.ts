import type { CliContext } from '../cli-context.ts';
import { UsageError } from '../../lib/errors.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { pushImage } from '../../image/push/push-image.ts';
import { formatReference, parseReference, repositoryName } from '../../image/reference.ts';
import { ProgressRenderer } from '../render/pull-progress.ts';
import { out } from '../render/output.ts';
import { registrySettingsFor } from '../registry-settings-for.ts';

export async function pushCommand(ctx: CliContext, name: string, o: { quiet: boolean; allTags: boolean }): Promise<void> {
  if (o.allTags) throw new UsageError('--all-tags is not supported: push each tag by name');
  const ref = parseReference(name);
  const progress = new ProgressRenderer({ tty: ctx.stdoutIsTTY, quiet: o.quiet });
  if (ref.tag === undefined && ref.digest === undefined) progress.line('Using default tag: latest');
  progress.line(`The push refers to repository [${repositoryName(ref)}]`);
  const store = await openImageStore(ctx.root);
  const r = await pushImage({
    store,
    reference: name,
    settings: registrySettingsFor(ctx),
    signal: ctx.signal,
    onEvent: (e) => progress.event({ id: e.id, status: e.status, ...(e.current !== undefined ? { current: e.current, total: e.total ?? 0 } : {}), ...(e.detail ? { detail: e.detail } : {}) }),
  });
  progress.line(`${r.reference.tag ?? 'latest'}: digest: ${r.digest} size: ${r.size}`);
  if (o.quiet) out(`${formatReference(r.reference)}\n`);
}
