import { createReadStream } from 'node:fs';
import type { CliContext } from '../cli-context.ts';
import { UsageError } from '../../lib/errors.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { loadArchive } from '../../image/archive/load-archive.ts';
import { out } from '../render/output.ts';

export async function loadCommand(ctx: CliContext, o: { input: string | undefined; quiet: boolean }): Promise<void> {
  if (!o.input && process.stdin.isTTY) throw new UsageError('requested load from stdin, but stdin is empty: use -i or redirect');
  const store = await openImageStore(ctx.root, { layers: true });
  const input = createReadStream(o.input ?? '', { ...(o.input ? {} : { fd: 0, autoClose: false }), highWaterMark: 1 << 20 });
  const loaded = await loadArchive(store, input);
  for (const l of loaded) {
    if (l.tags.length === 0) out(`Loaded image ID: ${l.id}\n`);
    for (const t of l.tags) out(`Loaded image: ${t}\n`);
  }
}
