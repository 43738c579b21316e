// The content store: every manifest, index, config and layer blob berth has, by digest, as
// verified bytes (containerd's content store). Layout under <dir>:
//
//   blobs/sha256/<hex>   complete blobs, only ever created by rename after verification
//   ingest/<hex>         partial downloads: always a prefix of the blob, kept across Ctrl-C and
//                        network loss so the next pull resumes with a Range request
//
// Blobs are immutable and content-addressed, so writers need no lock: two writers of one
// digest rename identical files. Deletion is garbage collection's job (gc.ts), under the lock.
import { close, closeSync, createReadStream, fsync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, write, writeSync, type ReadStream } from 'node:fs';
import { promisify } from 'node:util';
import { createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import { digestHex, sha256Digest, type Digest } from '../../oci/digest.ts';
import { DigestMismatchError } from './digest-mismatch-error.ts';
import { tryLock } from '../store/pid-lock.ts';

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);

export class BlobStore {
  readonly dir: string;
  readonly #blobs: string;
  readonly #ingest: string;

  constructor(dir: string) {
    this.dir = dir;
    this.#blobs = join(dir, 'blobs', 'sha256');
    this.#ingest = join(dir, 'ingest');
    mkdirSync(this.#blobs, { recursive: true });
    mkdirSync(this.#ingest, { recursive: true });
  }

  path(d: Digest): string {
    return join(this.#blobs, digestHex(d));
  }

  has(d: Digest): boolean {
    return this.size(d) !== undefined;
  }

  size(d: Digest): number | undefined {
    try {
      return statSync(this.path(d)).size;
    } catch {
      return undefined;
    }
  }

  read(d: Digest): Buffer {
    return readFileSync(this.path(d));
  }

  readJson<T>(d: Digest): T {
    return JSON.parse(this.read(d).toString('utf8')) as T;
  }

  openRead(d: Digest, start = 0): ReadStream {
    return createReadStream(this.path(d), { start, highWaterMark: 1 << 20 });
  }

  // Stores small in-memory bytes (manifests, configs) after checking them against `expected`.
  putVerified(expected: Digest, bytes: Uint8Array): void {
    const got = sha256Digest(bytes);
    if (got !== expected) throw new DigestMismatchError(expected, got);
    if (this.has(expected)) return;
    this.#writeAtomic(expected, bytes);
  }

  // Stores bytes under their own digest.
  put(bytes: Uint8Array): Digest {
    const d = sha256Digest(bytes);
    if (!this.has(d)) this.#writeAtomic(d, bytes);
    return d;
  }

  #writeAtomic(d: Digest, bytes: Uint8Array): void {
    const tmp = join(this.#ingest, `.${digestHex(d)}.${process.pid}.tmp`);
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path(d));
    syncDir(this.#blobs);
  }

  // An ingest for a blob that is being downloaded or imported; resumes from a partial file.
  ingest(expected: Digest | undefined): Ingest {
    return new Ingest(this, this.#ingest, expected);
  }

  // Called by Ingest: moves a verified file into blobs/.
  commitFile(tmpPath: string, d: Digest): void {
    renameSync(tmpPath, this.path(d));
    syncDir(this.#blobs);
  }

  delete(d: Digest): void {
    rmSync(this.path(d), { force: true });
  }

  list(): Digest[] {
    return readdirSync(this.#blobs).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}` as Digest);
  }

  // Partial downloads: digest and bytes so far.
  listIngests(): { name: string; size: number }[] {
    return readdirSync(this.#ingest)
      .filter((name) => /^[0-9a-f]{64}$/.test(name))
      .map((name) => ({ name, size: statSync(join(this.#ingest, name)).size }));
  }

  // Temp files and spool dirs of processes that died (named .tmp-<pid>-*, .load-<pid>-*); the
  // partial downloads named by digest are kept for resuming.
  removeStaleTemps(): void {
    for (const name of readdirSync(this.#ingest)) {
      const m = /^\.(?:tmp|load)-(\d+)-|^\.[0-9a-f]{64}\.(\d+)\.tmp$/.exec(name);
      if (!m) continue;
      const pid = Number(m[1] ?? m[2]);
      try {
        process.kill(pid, 0);
        continue;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPERM') continue;
      }
      rmSync(join(this.#ingest, name), { recursive: true, force: true });
    }
  }

  deleteIngest(name: string): void {
    rmSync(join(this.#ingest, name), { force: true });
  }
}

export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// One blob being written: bytes are appended to ingest/<hex> and hashed as they come. With an
// expected digest the file is named after it and survives failures (resume); without one (an
// import, whose digest is known only at the end) it is a temp file removed on failure.
export class Ingest {
  readonly expected: Digest | undefined;
  readonly path: string;
  readonly #store: BlobStore;
  #hash: Hash = createHash('sha256');
  #fd: number;
  #closed = false;
  #offset: number;
  #unlock: (() => void) | undefined;

  constructor(store: BlobStore, ingestDir: string, expected: Digest | undefined) {
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
    this.#hash = createHash('sha256');
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
