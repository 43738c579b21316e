// Decompresses a layer stream, recognising gzip and zstd by their magic bytes as docker does
// (media types are sometimes wrong; the bytes are not). Uncompressed tars pass through.
import { Readable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';

export type Compression = 'none' | 'gzip' | 'zstd';

export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

export async function* decompress(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length < 4) {
    // gather enough bytes to read the magic
    const more = await it.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  if (first.done) return;
  const kind = detectCompression(first.value);
  const head = first.value;
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  if (kind === 'none') {
    yield* rest();
    return;
  }
  const z = kind === 'gzip' ? createGunzip({ chunkSize: 256 << 10 }) : createZstdDecompress({ chunkSize: 256 << 10 });
  const input = Readable.from(rest(), { objectMode: false, highWaterMark: 1 << 20 });
  input.once('error', (e) => z.destroy(e));
  input.pipe(z);
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } finally {
    input.destroy();
    z.destroy();
  }
}
