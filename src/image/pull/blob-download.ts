// The download half of a layer's pipeline. Bytes from the registry are appended to the content
// store's partial file and hashed as they come; any number of readers follow the file as it
// grows (tail), so the layer can be unpacked while it downloads. Layers download in parallel
// but unpack in order (a layer's parent must be whole first): a later layer simply starts its
// reader when its parent is done, from disk and then from the live download.
//
// A partial file from an interrupted attempt is hashed first and the rest asked for with a
// Range request. The blob is committed only after its digest matched; a reader sees the end of
// the stream only after that, so nothing built from wrong bytes is ever kept.
import { closeSync, openSync, read } from 'node:fs';
import { promisify } from 'node:util';
import type { Digest } from '../../oci/digest.ts';
import type { Ingest } from '../content/ingest.ts';
import { BlobSizeError } from '../content/blob-size-error.ts';
import type { RegistryClient } from '../registry/registry-client.ts';

const readAsync = promisify(read);

// What a reader of a failed download throws: a plain Error (the unpacker adds no context to
// it), with the download's own error as its cause, which is the one to report.
export class DownloadFailedError extends Error {
  constructor(cause: unknown) {
    super('the download of this blob failed', { cause });
  }
}

export class BlobDownload {
  readonly digest: Digest;
  readonly size: number;
  readonly #ingest: Ingest;
  readonly #blobPath: string;
  #written = 0;
  #done = false;
  #error: unknown;
  #wake: (() => void)[] = [];

  // blobPath: where the blob is once committed (a reader that starts after the end opens it)
  constructor(ingest: Ingest, digest: Digest, size: number, blobPath: string) {
    this.#ingest = ingest;
    this.#blobPath = blobPath;
    this.digest = digest;
    this.size = size;
    this.#written = ingest.offset;
  }

  get received(): number {
    return this.#written;
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = [];
    for (const f of w) f();
  }

  // Runs the download to the end. Rejects on failure (the partial file is kept for a resume,
  // except when the bytes were wrong).
  async run(client: RegistryClient, signal: AbortSignal | undefined, progress: (n: number) => void): Promise<void> {
    const ingest = this.#ingest;
    try {
      if (ingest.offset > this.size) ingest.reset();
      if (ingest.offset > 0) {
        const partial = ingest.readPartial();
        if (partial) for await (const chunk of partial as AsyncIterable<Buffer>) ingest.hashExisting(chunk);
      }
      this.#written = ingest.offset;
      if (ingest.offset < this.size) {
        const { body, resumed } = await client.openBlob(this.digest, ingest.offset, signal);
        let skip = ingest.offset > 0 && !resumed ? ingest.offset : 0;
        // socket-sized chunks are gathered into larger writes (one thread-pool round trip each)
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const flush = async (): Promise<void> => {
          if (pendingBytes === 0) return;
          const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          await ingest.appendAsync(chunk);
          this.#written = ingest.offset;
          progress(this.#written);
          this.#notify();
        };
        for await (const raw of body) {
          let chunk = raw as Buffer;
          if (skip > 0) {
            if (chunk.length <= skip) {
              skip -= chunk.length;
              continue;
            }
            chunk = chunk.subarray(skip);
            skip = 0;
          }
          if (ingest.offset + pendingBytes + chunk.length > this.size) {
            ingest.discard();
            throw new BlobSizeError(this.digest, this.size);
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= 256 << 10) await flush();
        }
        await flush();
        if (ingest.offset < this.size) {
          // the connection ended early: keep what came, the caller retries from there
          throw Object.assign(new Error(`blob ${this.digest} ended after ${ingest.offset} of ${this.size} bytes`), { code: 'ECONNRESET' });
        }
      }
      await ingest.commitAsync();
      this.#done = true;
    } catch (e) {
      this.#error = e;
      throw e;
    } finally {
      this.#notify();
    }
  }

  // The blob's bytes from the start, following the download; ends only once the blob is
  // verified, throws if the download fails.
  async *read(): AsyncGenerator<Uint8Array> {
    let fd: number;
    try {
      fd = openSync(this.#ingest.path, 'r');
    } catch (e) {
      if (!this.#done) throw e;
      fd = openSync(this.#blobPath, 'r');
    }
    try {
      let pos = 0;
      for (;;) {
        if (pos < this.#written) {
          const want = Math.min(1 << 20, this.#written - pos);
          const buf = Buffer.allocUnsafe(want);
          const { bytesRead } = await readAsync(fd, buf, 0, want, pos);
          if (bytesRead === 0) throw new Error(`internal error: partial file of ${this.digest} is shorter than written`);
          pos += bytesRead;
          yield buf.subarray(0, bytesRead);
          continue;
        }
        if (this.#error !== undefined) throw new DownloadFailedError(this.#error);
        if (this.#done) return;
        await new Promise<void>((r) => this.#wake.push(r));
      }
    } finally {
      closeSync(fd);
    }
  }
}
