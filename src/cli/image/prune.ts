import { readSync } from 'node:fs';
import type { CliContext } from '../cli-context.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { pruneImages } from '../../image/prune-images.ts';
import { imageUsersFor } from './image-users-for.ts';
import { err, out } from '../render/output.ts';
import { humanSize } from '../render/units.ts';

function confirm(question: string): boolean {
  err(`${question} [y/N] `);
  const buf = Buffer.alloc(256);
  let n = 0;
  try {
    n = readSync(0, buf, 0, buf.length, null);
  } catch {
    return false;
  }
  return /^y(es)?$/i.test(buf.subarray(0, n).toString().trim());
}

export async function pruneCommand(ctx: CliContext, o: { all: boolean; force: boolean; filters: string[] }): Promise<number> {
  if (!o.force) {
    const what = o.all ? 'all images without at least one container associated to them' : 'all dangling images';
    if (!confirm(`WARNING! This will remove ${what}.\nAre you sure you want to continue?`)) return 0;
  }
  const store = await openImageStore(ctx.root, { layers: true });
  const r = pruneImages(store, { all: o.all, filters: o.filters, users: imageUsersFor(ctx) });
  if (r.untagged.length + r.deleted.length > 0) {
    out(`Deleted Images:\n${r.untagged.map((u) => `untagged: ${u}\n`).join('')}${r.deleted.map((d) => `deleted: ${d}\n`).join('')}\n`);
  }
  out(`Total reclaimed space: ${humanSize(r.bytes)}\n`);
  return 0;
}
