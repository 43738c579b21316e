import { createReadStream } from 'node:fs';
import type { CliContext } from '../cli-context.ts';
import { UsageError } from '../../lib/errors.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { importTarball } from '../../image/import-tarball.ts';
import { parsePlatform } from '../../image/manifest/platform.ts';
import { out } from '../render/output.ts';

export async function importCommand(ctx: CliContext, file: string, reference: string | undefined, o: { change?: string[]; message?: string; platform?: string }): Promise<void> {
  if (/^https?:\/\//.test(file)) throw new UsageError(`importing from a URL is not supported: download ${file} first`);
  const store = await openImageStore(ctx.root, { layers: true });
  const source = file === '-' ? createReadStream('', { fd: 0, autoClose: false, highWaterMark: 1 << 20 }) : createReadStream(file, { highWaterMark: 1 << 20 });
  const record = await importTarball(store, {
    source,
    sourceName: file,
    ...(reference ? { reference } : {}),
    ...(o.change ? { changes: o.change } : {}),
    ...(o.message ? { message: o.message } : {}),
    ...(o.platform ? { platform: parsePlatform(o.platform) } : {}),
  });
  out(`${record.id}\n`);
}
