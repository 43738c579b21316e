// The content store: every manifest, index, config and layer blob berth has, by digest, as
// verified bytes (containerd's content store). Layout under <dir>:
//
//   blobs/sha256/<hex>   complete blobs, only ever created by rename after verification
//   ingest/<hex>         partial downloads: always a prefix of the blob, kept across Ctrl-C and
//                        network loss so the next pull resumes with a Range request
//
// Blobs are immutable and content-addressed, so writers need no lock: two writers of one
// digest rename identical files. Deletion is garbage collection's job (gc.ts), under the lock.
import { closeSync, createReadStream, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import { digestHex, sha256Digest, type Digest } from '../../oci/digest.ts';
import { DigestMismatchError } from './digest-mismatch-error.ts';
import { Ingest } from './ingest.ts';

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
