// The unpack end of a layer pipeline: decompress, check the diff id, hand the tar to the layer
// store. The layer store may stop reading at the tar's end-of-archive blocks; the rest of the
// stream is then drained here, so the blob's digest and the diff id are always checked, and a
// layer whose bytes turn out wrong is removed again.
import type { LayerSink } from '../store/layer-sink.ts';
import type { LayerRecord } from '../store/image-record.ts';
import { decompress } from '../content/decompress.ts';
import { detachReturn, drain, verifyDigest } from '../content/verify-digest.ts';

export async function unpackLayer(sink: LayerSink, layer: LayerRecord, parent: string | undefined, blob: AsyncIterable<Uint8Array>): Promise<number> {
  const tar = verifyDigest(decompress(blob), layer.diffId, `layer ${layer.digest}: uncompressed content`)[Symbol.asyncIterator]();
  let applied = false;
  try {
    const { size } = await sink.applyLayer({ chainId: layer.chainId, ...(parent ? { parent } : {}), diffId: layer.diffId, tar: detachReturn(tar) });
    applied = true;
    await drain(tar);
    return size;
  } catch (e) {
    await tar.return?.(undefined);
    if (applied) sink.remove(layer.chainId);
    throw e;
  }
}
