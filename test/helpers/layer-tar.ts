import { TarWriter, type TarEntryInput } from '../../src/storage/archive/tar-writer.ts';

// Builds a layer tar in memory from a short list, for crafted (often hostile) test layers.
// `body` sets a file's contents; defaults fill in the rest (root-owned, 0644/0755, fixed mtime).
export type LayerItem = Partial<TarEntryInput> & { name: string; body?: string | Buffer };

export async function layerTar(items: LayerItem[]): Promise<Buffer> {
  const w = new TarWriter();
  const parts: Buffer[] = [];
  const done = (async () => {
    for await (const c of w) parts.push(Buffer.from(c));
  })();
  for (const it of items) {
    const type = it.type ?? (it.linkname !== undefined ? 'symlink' : it.name.endsWith('/') ? 'dir' : 'file');
    const body = it.body === undefined ? undefined : Buffer.isBuffer(it.body) ? it.body : Buffer.from(it.body);
    const { body: _b, ...rest } = it;
    await w.add(
      { mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, ...rest, type, size: body?.length ?? 0 },
      body ?? (type === 'file' ? Buffer.alloc(0) : undefined),
    );
  }
  await w.finish();
  await done;
  return Buffer.concat(parts);
}

export async function* streamOf(buf: Buffer, size = 64 * 1024): AsyncIterable<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
