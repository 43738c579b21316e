import { openImageStore } from '../../image/store/open-image-store.ts';
import { readConfig } from '../../image/list-images.ts';
import { familiarString, parseReference } from '../../image/reference.ts';
import { NotFoundError, UsageError } from '../../lib/errors.ts';
import type { ImageConfig } from '../../oci/image-spec.ts';
import type { CliContext } from '../cli-context.ts';
import { err } from '../render/output.ts';
import { mark } from '../../lib/trace.ts';

export interface RunImage {
  id: string;
  config: ImageConfig;
  layers: string[];
}

// The image of `run`/`create`: from the store, pulled first when it is missing (--pull missing,
// docker's default), always (--pull always) or never. The pull's progress goes to stderr.
export async function imageForRun(ctx: CliContext, name: string, pull: string, platform?: string): Promise<RunImage> {
  if (!['missing', 'always', 'never'].includes(pull)) throw new UsageError(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);
  // the layer store (and koffi with it) only for a pull
  let store = await openImageStore(ctx.root);
  mark('run: image store opened');
  let record = pull === 'always' ? undefined : store.find(name);
  mark('run: image found');
  if (!record) {
    store = await openImageStore(ctx.root, { layers: true });
    if (pull === 'never') throw new NotFoundError('E_NO_SUCH_IMAGE', `No such image: ${name}`);
    const ref = parseReference(name, { defaultTag: true });
    if (pull === 'missing') err(`Unable to find image '${familiarString(ref)}' locally\n`);
    // the pull's code (zlib, the registry client, progress) is loaded only for a pull
    const [{ pullImage }, { parsePlatform }, { ProgressRenderer }, { registrySettingsFor }, { isatty }] = await Promise.all([
      import('../../image/pull/pull-image.ts'),
      import('../../image/manifest/platform.ts'),
      import('../render/pull-progress.ts'),
      import('../registry-settings-for.ts'),
      import('node:tty'),
    ]);
    const progress = new ProgressRenderer({ tty: isatty(2), quiet: false, write: (t) => err(t) });
    const r = await pullImage({
      store,
      reference: name,
      ...(platform ? { platform: parsePlatform(platform) } : {}),
      settings: registrySettingsFor(ctx),
      signal: ctx.signal,
      observer: {
        resolved: ({ tagOrDigest }) => progress.line(`${tagOrDigest}: Pulling from ${ref.path}`),
        layer: (e) => progress.event(e),
      },
    });
    progress.line(`Digest: ${r.digest}`);
    progress.line(`Status: Downloaded newer image for ${familiarString(r.reference)}`);
    record = r.image;
  }
  return { id: record.id, config: readConfig(store, record), layers: record.layers.map((l) => l.chainId) };
}
