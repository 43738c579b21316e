import { close, closeSync, createReadStream, fsync, fsyncSync, openSync, rmSync, statSync, write, writeSync, type ReadStream } from 'node:fs';
import type { Hash } from 'node:crypto';
import { newSha256 } from '../../lib/sha256.ts';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { digestHex, type Digest } from '../../oci/digest.ts';
import { DigestMismatchError } from './digest-mismatch-error.ts';
import { tryLock } from '../store/pid-lock.ts';

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);

// What an ingest hands its verified file to (the content store).
export interface IngestTarget {
  has(d: Digest): boolean;
  commitFile(tmpPath: string, d: Digest): void;
}

// One blob being written: bytes are appended to ingest/<hex> and hashed as they come. With an
// expected digest the file is named after it and survives failures (resume); without one (an
// import, whose digest is known only at the end) it is a temp file removed on failure.
export class Ingest {
  readonly expected: Digest | undefined;
  readonly path: string;
  readonly #store: IngestTarget;
  #hash: Hash = newSha256();
  #fd: number;
  #closed = false;
  #offset: number;
  #unlock: (() => void) | undefined;

  constructor(store: IngestTarget, ingestDir: string, expected: Digest | undefined) {
    this.#store = store;
    this.expected = expected;
    // A partial file is shared between attempts, never between live writers: another berth
    // pulling the same blob right now makes this one write a private file instead.
    this.#unlock = expected ? tryLock(join(ingestDir, `${digestHex(expected)}.lock`)) : undefined;
    const name = this.#unlock ? digestHex(expected!) : `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    this.path = join(ingestDir, name);
    this.#fd = openSync(this.path, 'a', 0o644);
    this.#offset = statSync(this.path).size;
  }

  get resumable(): boolean {
    return this.#unlock !== undefined;
  }

  #release(): void {
    this.#unlock?.();
    this.#unlock = undefined;
  }

  // Bytes already on disk from an earlier, interrupted attempt.
  get offset(): number {
    return this.#offset;
  }

  // Re-reads the partial file (to hash it and feed the unpacker) before new bytes arrive.
  readPartial(): ReadStream | undefined {
    return this.#offset > 0 ? createReadStream(this.path, { start: 0, end: this.#offset - 1, highWaterMark: 1 << 20 }) : undefined;
  }

  // Hashes bytes that are already in the file (the replayed prefix).
  hashExisting(chunk: Uint8Array): void {
    this.#hash.update(chunk);
  }

  append(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    let off = 0;
    while (off < chunk.length) off += writeSync(this.#fd, chunk, off, chunk.length - off);
    this.#offset += chunk.length;
  }

  // The same, on libuv's thread pool: the event loop keeps unpacking meanwhile.
  async appendAsync(chunk: Uint8Array): Promise<void> {
    this.#hash.update(chunk);
    let off = 0;
    while (off < chunk.length) off += (await writeAsync(this.#fd, chunk, off, chunk.length - off)).bytesWritten;
    this.#offset += chunk.length;
  }

  // Starts over: the partial file was not a prefix of the blob.
  reset(): void {
    closeSync(this.#fd);
    rmSync(this.path, { force: true });
    this.#fd = openSync(this.path, 'a', 0o644);
    this.#offset = 0;
    this.#hash = newSha256();
  }

  // Makes what was written so far durable, for the next attempt (Ctrl-C, network loss).
  suspend(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      fsyncSync(this.#fd);
    } finally {
      closeSync(this.#fd);
    }
    if (!this.resumable) rmSync(this.path, { force: true });
    this.#release();
  }

  // Drops the partial file (a verification failure: the bytes are not the blob).
  discard(): void {
    if (!this.#closed) {
      this.#closed = true;
      closeSync(this.#fd);
    }
    rmSync(this.path, { force: true });
    this.#release();
  }

  // commit() with the fsync on the thread pool.
  async commitAsync(): Promise<Digest> {
    const got = `sha256:${this.#hash.digest('hex')}` as Digest;
    if (this.expected !== undefined && got !== this.expected) {
      this.discard();
      throw new DigestMismatchError(this.expected, got);
    }
    await fsyncAsync(this.#fd);
    this.#closed = true;
    await closeAsync(this.#fd);
    if (this.#store.has(got)) rmSync(this.path, { force: true });
    else this.#store.commitFile(this.path, got);
    this.#release();
    return got;
  }

  // Verifies and moves the blob into the store. Returns its digest.
  commit(): Digest {
    const got = `sha256:${this.#hash.digest('hex')}` as Digest;
    if (this.expected !== undefined && got !== this.expected) {
      this.discard();
      throw new DigestMismatchError(this.expected, got);
    }
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#closed = true;
    if (this.#store.has(got)) rmSync(this.path, { force: true });
    else this.#store.commitFile(this.path, got);
    this.#release();
    return got;
  }
}
