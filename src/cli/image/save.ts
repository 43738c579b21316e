import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { isatty } from 'node:tty';
import type { CliContext } from '../cli-context.ts';
import { UsageError } from '../../lib/errors.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { saveArchive, type SaveItem } from '../../image/archive/save-archive.ts';
import { formatReference, parseReference } from '../../image/reference.ts';

// docker save: names keep the tag they were given (an id saves the image with all its tags).
// A file is written beside its target and renamed at the end; stdout must not be a terminal.
export async function saveCommand(ctx: CliContext, names: string[], o: { output: string | undefined; format: 'docker-archive' | 'oci-archive' }): Promise<void> {
  // isatty, not process.stdout.isTTY: that getter would make a piped stdout non-blocking
  if (!o.output && isatty(1)) throw new UsageError('cowardly refusing to save to a terminal: use the -o flag or redirect');
  const store = await openImageStore(ctx.root);
  const byId = new Map<string, SaveItem>();
  for (const n of names) {
    const record = store.resolve(n);
    const item = byId.get(record.id) ?? { record, tags: [] };
    byId.set(record.id, item);
    const full = /^(sha256:)?[a-f0-9]+$/.test(n) && record.id.slice(7).startsWith(n.replace(/^sha256:/, ''));
    if (full) item.tags.push(...store.repoTags(record.id));
    else {
      const ref = parseReference(n, { defaultTag: true });
      if (!ref.digest) item.tags.push(formatReference(ref));
    }
  }
  const items = [...byId.values()].map((i) => ({ ...i, tags: [...new Set(i.tags)] }));
  const { stream: w, done: producing } = await saveArchive(store, items, o.format);
  const tmp = o.output ? join(dirname(o.output), `.${basename(o.output)}.${process.pid}.tmp`) : undefined;
  const fd = tmp ? openSync(tmp, 'w', 0o644) : 1;
  try {
    for await (const chunk of w) {
      let off = 0;
      while (off < chunk.length) {
        try {
          off += writeSync(fd, chunk, off, chunk.length - off);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
      }
    }
    await producing;
    if (tmp) {
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, o.output!);
    }
  } catch (e) {
    if (tmp) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
      rmSync(tmp, { force: true });
    }
    await producing.catch(() => undefined);
    throw e;
  }
}
