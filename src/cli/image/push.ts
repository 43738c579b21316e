import type { CliContext } from '../cli-context.ts';
import { UsageError } from '../../lib/errors.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { pushImage } from '../../image/push/push-image.ts';
import { familiarName, formatReference, parseReference, repositoryName } from '../../image/reference.ts';
import { ImageNotFoundError, type ImageStore } from '../../image/store/image-store.ts';
import { ProgressRenderer } from '../render/pull-progress.ts';
import { out } from '../render/output.ts';
import { registrySettingsFor } from '../registry-settings-for.ts';

// docker push: one tag, or with --all-tags every local tag of the repository, one after another.
export async function pushCommand(ctx: CliContext, name: string, o: { quiet: boolean; allTags: boolean }): Promise<void> {
  const ref = parseReference(name);
  const progress = new ProgressRenderer({ tty: ctx.stdoutIsTTY, quiet: o.quiet });
  const store = await openImageStore(ctx.root);
  let names = [name];
  if (o.allTags) {
    if (ref.tag !== undefined || ref.digest !== undefined) throw new UsageError('tag can\'t be used with --all-tags/-a');
    const repo = repositoryName(ref);
    names = Object.keys(store.repositories().tags).filter((t) => repositoryName(parseReference(t)) === repo).sort();
    if (names.length === 0) throw new ImageNotFoundError(familiarName(ref));
  } else if (ref.tag === undefined && ref.digest === undefined) progress.line('Using default tag: latest');
  progress.line(`The push refers to repository [${repositoryName(ref)}]`);
  for (const n of names) await pushOne(ctx, store, n, progress, o.quiet);
}

async function pushOne(ctx: CliContext, store: ImageStore, name: string, progress: ProgressRenderer, quiet: boolean): Promise<void> {
  const r = await pushImage({
    store,
    reference: name,
    settings: registrySettingsFor(ctx),
    signal: ctx.signal,
    onEvent: (e) => progress.event({ id: e.id, status: e.status, ...(e.current !== undefined ? { current: e.current, total: e.total ?? 0 } : {}), ...(e.detail ? { detail: e.detail } : {}) }),
  });
  progress.line(`${r.reference.tag ?? 'latest'}: digest: ${r.digest} size: ${r.size}`);
  if (quiet) out(`${formatReference(r.reference)}\n`);
}
