// The unpack end of a layer pipeline: decompress and hand the tar to the layer store, which
// checks the diff id. Should the layer store stop reading early, the rest of the stream is
// drained here so that the blob's digest is always checked, and a layer whose bytes turn out
// wrong is removed again.
import type { LayerSink } from '../store/layer-sink.ts';
import type { LayerRecord } from '../store/image-record.ts';
import { decompress } from '../content/decompress.ts';
import { detachReturn, drain } from '../content/stream-drain.ts';

export async function unpackLayer(sink: LayerSink, layer: LayerRecord, parent: string | undefined, blob: AsyncIterable<Uint8Array>): Promise<number> {
  let diffSize = 0;
  const counted = (async function* () {
    for await (const c of decompress(blob)) {
      diffSize += c.length;
      yield c;
    }
  })();
  const tar = counted[Symbol.asyncIterator]();
  let applied = false;
  try {
    const { size } = await sink.applyLayer({ chainId: layer.chainId, ...(parent ? { parent } : {}), diffId: layer.diffId, tar: detachReturn(tar) });
    applied = true;
    await drain(tar);
    layer.diffSize = diffSize;
    return size;
  } catch (e) {
    await tar.return?.(undefined);
    if (applied) sink.remove(layer.chainId);
    throw e;
  }
}
