import type { CliContext } from '../cli-context.ts';
import { mark } from '../../lib/trace.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { listRepositoryTags, pullImage, type PullResult } from '../../image/pull/pull-image.ts';
import type { ImageStore } from '../../image/store/image-store.ts';
import type { Platform } from '../../oci/image-spec.ts';
import { UsageError } from '../../lib/errors.ts';
import { parsePlatform } from '../../image/manifest/platform.ts';
import { familiarName, familiarString, formatReference, parseReference } from '../../image/reference.ts';
import { ProgressRenderer } from '../render/pull-progress.ts';
import { out } from '../render/output.ts';
import { registrySettingsFor } from '../registry-settings-for.ts';

export interface PullCommandOptions {
  platform?: string;
  quiet?: boolean;
  allTags?: boolean;
}

// docker pull's output: the header lines, a line per layer, the digest and status, then the
// full reference (the only line with -q).
export async function pullCommand(ctx: CliContext, name: string, o: PullCommandOptions): Promise<void> {
  const platform = o.platform ? parsePlatform(o.platform) : undefined;
  const ref = parseReference(name);
  const progress = new ProgressRenderer({ tty: ctx.stdoutIsTTY, quiet: o.quiet === true });
  const store = await openImageStore(ctx.root, { layers: true });
  mark('store opened');
  if (o.allTags) {
    if (ref.tag !== undefined || ref.digest !== undefined) throw new UsageError('tag can\'t be used with --all-tags/-a');
    const tags = await listRepositoryTags(name, registrySettingsFor(ctx), ctx.signal);
    let updated = false;
    for (const tag of tags) {
      const r = await pullOne(ctx, store, `${formatReference(ref)}:${tag}`, platform, progress);
      updated ||= r.updated;
      progress.line(`Digest: ${r.digest}`);
    }
    const shown = familiarName(ref);
    progress.line(updated ? `Status: Downloaded newer image for ${shown}` : `Status: Image is up to date for ${shown}`);
    out(`${formatReference(ref)}\n`);
    return;
  }
  if (ref.tag === undefined && ref.digest === undefined) progress.line('Using default tag: latest');
  const r = await pullOne(ctx, store, name, platform, progress);
  progress.line(`Digest: ${r.digest}`);
  const shown = familiarString(r.reference);
  progress.line(r.updated ? `Status: Downloaded newer image for ${shown}` : `Status: Image is up to date for ${shown}`);
  out(`${formatReference(r.reference)}\n`);
}

async function pullOne(ctx: CliContext, store: ImageStore, name: string, platform: Platform | undefined, progress: ProgressRenderer): Promise<PullResult> {
  const ref = parseReference(name);
  return pullImage({
    store,
    reference: name,
    ...(platform ? { platform } : {}),
    settings: registrySettingsFor(ctx),
    signal: ctx.signal,
    observer: {
      resolved: ({ tagOrDigest }) => {
        progress.line(`${tagOrDigest.startsWith('sha256:') ? tagOrDigest.slice(7) : tagOrDigest}: Pulling from ${ref.path}`);
      },
      layer: (e) => progress.event(e),
    },
  });
}
