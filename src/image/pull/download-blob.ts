// The download stage of a layer's pipeline: the blob's bytes, as an async iterable, written to
// the content store's partial file and hashed as they pass. A partial file from an earlier
// attempt is replayed first and the rest asked for with a Range request. At the end the digest
// is checked before the consumer sees the end: a wrong blob is never stored.
import type { Digest } from '../../oci/digest.ts';
import type { Ingest } from '../content/blob-store.ts';
import { BlobSizeError } from '../content/blob-size-error.ts';
import type { RegistryClient } from '../registry/registry-client.ts';

export interface DownloadProgress {
  (received: number): void;
}

export async function* downloadBlob(
  client: RegistryClient,
  ingest: Ingest,
  digest: Digest,
  size: number,
  signal: AbortSignal | undefined,
  progress: DownloadProgress,
): AsyncGenerator<Uint8Array> {
  if (ingest.offset > size) ingest.reset();
  const { body, resumed } = await client.openBlob(digest, ingest.offset < size ? ingest.offset : 0, signal);
  // bytes of the response to drop: the registry ignored Range and sends the blob from the start
  let skip = ingest.offset > 0 && !resumed ? ingest.offset : 0;
  if (ingest.offset >= size && !resumed) skip = ingest.offset;
  const partial = ingest.readPartial();
  if (partial) {
    for await (const chunk of partial as AsyncIterable<Buffer>) {
      ingest.hashExisting(chunk);
      yield chunk;
    }
    progress(ingest.offset);
  }
  for await (const raw of body) {
    let chunk = raw;
    if (skip > 0) {
      if (chunk.length <= skip) {
        skip -= chunk.length;
        continue;
      }
      chunk = chunk.subarray(skip);
      skip = 0;
    }
    if (ingest.offset + chunk.length > size) {
      ingest.discard();
      throw new BlobSizeError(digest, size);
    }
    ingest.append(chunk);
    progress(ingest.offset);
    yield chunk;
  }
  if (ingest.offset < size) {
    // the connection ended early: keep what came, the caller retries from there
    throw Object.assign(new Error(`blob ${digest} ended after ${ingest.offset} of ${size} bytes`), { code: 'ECONNRESET' });
  }
  ingest.commit();
}
