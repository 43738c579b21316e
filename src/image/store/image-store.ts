// The image store: records of images (images/<id>.json), the tag and digest references that
// name them (repositories.json), the content store (content/) and, once unpacked, their layers
// (the LayerStore, keyed by chain id). Every write is temp + fsync + rename and happens under
// the store lock; a blob is written before any record names it and a record before any tag
// names it, so a crash leaves at worst unreferenced blobs that garbage collection removes.
//
// <root>/image/
//   content/blobs/sha256/<hex>  content/ingest/<hex>   (BlobStore)
//   images/<id-hex>.json          repositories.json     lock     leases/<pid>.json
// <root>/layers/                  (the LayerStore)
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { digestHex, type Digest } from '../../oci/digest.ts';
import { BlobStore } from '../content/blob-store.ts';
import { formatReference, parseReference, repositoryName, type Reference } from '../reference.ts';
import { lock } from './pid-lock.ts';
import type { ImageRecord, Repositories } from './image-record.ts';
import type { LayerSink } from './layer-sink.ts';

export class ImageNotFoundError extends NotFoundError {
  constructor(name: string) {
    super('E_NO_SUCH_IMAGE', `no such image: ${name}`);
  }
}

export interface ImageStoreOptions {
  root: string;
  // the unpacked layers; absent for stores that only keep blobs (tests of the registry client)
  layers?: LayerSink;
}

export class ImageStore {
  readonly root: string;
  readonly dir: string;
  readonly blobs: BlobStore;
  readonly layers: LayerSink | undefined;
  readonly #images: string;
  readonly #leases: string;

  constructor(o: ImageStoreOptions) {
    this.root = o.root;
    this.dir = join(o.root, 'image');
    this.#images = join(this.dir, 'images');
    this.#leases = join(this.dir, 'leases');
    mkdirSync(this.#images, { recursive: true });
    mkdirSync(this.#leases, { recursive: true });
    this.blobs = new BlobStore(join(this.dir, 'content'));
    this.layers = o.layers;
  }

  // Runs fn holding the store lock (metadata changes and garbage collection).
  withLock<T>(fn: () => T): T {
    const release = lock(join(this.dir, 'lock'));
    try {
      return fn();
    } finally {
      release();
    }
  }

  // --- records

  get(id: Digest): ImageRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.#images, `${digestHex(id)}.json`), 'utf8')) as ImageRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  list(): ImageRecord[] {
    const out: ImageRecord[] = [];
    for (const n of readdirSync(this.#images)) {
      if (!/^[a-f0-9]{64}\.json$/.test(n)) continue;
      const r = this.get(`sha256:${n.slice(0, 64)}` as Digest);
      if (r) out.push(r);
    }
    return out;
  }

  // Callers hold the lock.
  putRecord(r: ImageRecord): void {
    writeFileAtomic(join(this.#images, `${digestHex(r.id)}.json`), `${JSON.stringify(r, null, 1)}\n`);
  }

  deleteRecord(id: Digest): void {
    rmSync(join(this.#images, `${digestHex(id)}.json`), { force: true });
  }

  // --- references

  repositories(): Repositories {
    const p = join(this.dir, 'repositories.json');
    if (!existsSync(p)) return { tags: {}, digests: {} };
    const r = JSON.parse(readFileSync(p, 'utf8')) as Partial<Repositories>;
    return { tags: r.tags ?? {}, digests: r.digests ?? {} };
  }

  // Callers hold the lock.
  writeRepositories(r: Repositories): void {
    writeFileAtomic(join(this.dir, 'repositories.json'), `${JSON.stringify(r, null, 1)}\n`);
  }

  repoTags(id: Digest, repos = this.repositories()): string[] {
    return Object.entries(repos.tags).filter(([, v]) => v === id).map(([k]) => k).sort();
  }

  repoDigests(id: Digest, repos = this.repositories()): string[] {
    return Object.entries(repos.digests).filter(([, v]) => v === id).map(([k]) => k).sort();
  }

  // Finds an image the way docker does: a full or short id (with or without sha256:), then a
  // reference (tag, or digest: the manifest's or the manifest list's), with :latest implied.
  resolve(name: string): ImageRecord {
    const r = this.find(name);
    if (!r) throw new ImageNotFoundError(name);
    return r;
  }

  // docker's order (daemon/images GetImage): a full id, then a reference, then an id prefix.
  find(name: string): ImageRecord | undefined {
    const full = /^(?:sha256:)?([a-f0-9]{64})$/.exec(name);
    if (full) return this.get(`sha256:${full[1]}` as Digest);
    const byRef = this.#findByReference(name);
    if (byRef) return byRef;
    const prefix = /^(?:sha256:)?([a-f0-9]{1,63})$/.exec(name)?.[1];
    if (prefix === undefined) return undefined;
    const ids = readdirSync(this.#images).filter((n) => n.endsWith('.json') && n.startsWith(prefix));
    if (ids.length > 1) throw new NotFoundError('E_AMBIGUOUS_IMAGE_ID', `image id prefix "${prefix}" is ambiguous: it matches ${ids.length} images`);
    return ids.length === 1 ? this.get(`sha256:${ids[0]!.slice(0, 64)}` as Digest) : undefined;
  }

  #findByReference(name: string): ImageRecord | undefined {
    let ref: Reference;
    try {
      ref = parseReference(name, { defaultTag: true });
    } catch {
      return undefined;
    }
    const repos = this.repositories();
    let id: Digest | undefined;
    if (ref.digest) {
      id = repos.digests[`${repositoryName(ref)}@${ref.digest}`];
      // name:tag@digest: the digest decides, as in docker
    } else {
      id = repos.tags[formatReference(ref)];
    }
    return id ? this.get(id) : undefined;
  }

  // --- leases: blobs a running pull or load is writing, which garbage collection must keep

  lease(digests: Digest[]): () => void {
    const p = join(this.#leases, `${process.pid}.json`);
    let held: string[] = [];
    try {
      held = JSON.parse(readFileSync(p, 'utf8')) as string[];
    } catch {
      // no lease yet
    }
    // renamed into place but not fsynced: a lease only matters while its process lives
    const tmp = `${p}.tmp`;
    writeFileSync(tmp, JSON.stringify([...new Set([...held, ...digests])]));
    renameSync(tmp, p);
    return () => rmSync(p, { force: true });
  }

  leasedDigests(): Set<string> {
    const out = new Set<string>();
    for (const n of readdirSync(this.#leases)) {
      const pid = Number(n.replace(/\.json$/, ''));
      const p = join(this.#leases, n);
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (!alive) {
        rmSync(p, { force: true });
        continue;
      }
      try {
        for (const d of JSON.parse(readFileSync(p, 'utf8')) as string[]) out.add(d);
      } catch {
        // torn lease file: its owner is rewriting it
      }
    }
    return out;
  }
}
