import type { Hash } from 'node:crypto';
import { newSha256 } from '../../lib/sha256.ts';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import { hasErrnoCode } from '../../lib/errno.ts';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { applyLayerTar } from '../archive/apply-layer.ts';
import { syncfs } from '../sys/syscalls.ts';
import { chainIdHex, shortLinkName } from './chain-id.ts';
import { FileLock } from './file-lock.ts';
import { liveMounts } from './mount-registry.ts';

// Unpacked layers by chain id, in overlayfs's form, crash-safe in the way of containers/storage's
// layers.go:
//
//   <root>/layers/<hex>/incomplete   exists from before the first byte is written until the
//                                    layer is whole; a layer with it is not a layer
//   <root>/layers/<hex>/layer.json   metadata, written with temp + fsync + rename
//   <root>/layers/<hex>/diff/        the contents: what overlayfs stacks as a lower dir
//   <root>/l/<26 hex>                -> ../layers/<hex>/diff, short names for mount options
//   <root>/locks/<hex>.lock          flock(2) per layer (file-lock.ts)
//   <root>/mounts/*.json             rootfs mounts using layers (mount-registry.ts)
//
// Writers of one layer take its lock, so two processes pulling the same image never write the
// same directory: the second waits, then finds the layer complete and does nothing. repair()
// removes incomplete layers whose lock nobody holds (their writer died), never one being written.

export interface LayerInfo {
  chainId: string;
  parent?: string;
  diffId: string;
  size: number;
  created: string;
}

export interface ApplyLayerInput {
  chainId: string;
  parent?: string;
  diffId: string;
  tar: AsyncIterable<Uint8Array>;
}

export interface LayerStore {
  readonly root: string;
  has(chainId: string): boolean;
  applyLayer(o: ApplyLayerInput): Promise<{ size: number }>;
  diffDir(chainId: string): string;
  // the lower-dir name relative to `root` ("l/<26 hex>"), for mount options that must stay short
  shortLink(chainId: string): string;
  get(chainId: string): LayerInfo | undefined;
  remove(chainId: string): void;
  list(): LayerInfo[];
  repair(): string[];
}

// The tar's sha256 is not the diff id the image says it is: corrupt or substituted content.
export class LayerDigestError extends BerthError {
  constructor(chainId: string, expected: string, actual: string) {
    super('E_LAYER_DIGEST_MISMATCH', `layer ${chainId}: content digest ${actual} does not match diff id ${expected}`);
  }
}

export function openLayerStore(root: string): LayerStore {
  for (const d of ['layers', 'l', 'locks', 'mounts']) mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
  return new DiskLayerStore(root);
}

class DiskLayerStore implements LayerStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  #dir(chainId: string): string {
    return join(this.root, 'layers', chainIdHex(chainId));
  }

  #lockPath(chainId: string): string {
    return join(this.root, 'locks', `${chainIdHex(chainId)}.lock`);
  }

  has(chainId: string): boolean {
    const dir = this.#dir(chainId);
    return existsSync(join(dir, 'layer.json')) && !existsSync(join(dir, 'incomplete'));
  }

  get(chainId: string): LayerInfo | undefined {
    if (!this.has(chainId)) return undefined;
    return readInfo(this.#dir(chainId));
  }

  diffDir(chainId: string): string {
    return join(this.#dir(chainId), 'diff');
  }

  shortLink(chainId: string): string {
    return `l/${shortLinkName(chainId)}`;
  }

  async applyLayer(o: ApplyLayerInput): Promise<{ size: number }> {
    const dir = this.#dir(o.chainId);
    if (o.parent !== undefined) chainIdHex(o.parent);
    const lock = await FileLock.acquire(this.#lockPath(o.chainId));
    try {
      if (this.has(o.chainId)) return { size: readInfo(dir).size };
      const lowerDirs = this.#chainDirs(o.parent);
      // a leftover of a writer that died (we hold its lock, so it is not running)
      if (existsSync(dir)) this.#removeFiles(o.chainId);
      mkdirSync(dir, { mode: 0o700 });
      writeFileAtomic(join(dir, 'incomplete'), '');
      const info: LayerInfo = { chainId: o.chainId, ...(o.parent ? { parent: o.parent } : {}), diffId: o.diffId, size: 0, created: '' };
      writeFileAtomic(join(dir, 'layer.json'), `${JSON.stringify(info)}\n`, 0o600);
      mkdirSync(join(dir, 'diff'), { mode: 0o755 });
      try {
        const hash = newSha256();
        const result = await applyLayerTar({ target: join(dir, 'diff'), tar: hashing(o.tar, hash), lowerDirs });
        const actual = `sha256:${hash.digest('hex')}`;
        if (actual !== o.diffId) throw new LayerDigestError(o.chainId, o.diffId, actual);
        info.size = result.size;
        info.created = new Date().toISOString();
        syncTree(join(dir, 'diff'));
        this.#link(o.chainId);
        writeFileAtomic(join(dir, 'layer.json'), `${JSON.stringify(info)}\n`, 0o600);
        unlinkSync(join(dir, 'incomplete'));
        fsyncDir(dir);
        return { size: info.size };
      } catch (err) {
        this.#removeFiles(o.chainId);
        if (err instanceof BerthError && !(err instanceof LayerDigestError)) err.wrap(`applying layer ${o.chainId}`);
        throw err;
      }
    } finally {
      // a lock file is only worth keeping beside a layer
      if (this.has(o.chainId)) lock.release();
      else lock.releaseAndRemove();
    }
  }

  // The diff dirs of `parent` and its ancestors, topmost first; all must be complete.
  #chainDirs(parent: string | undefined): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let id = parent; id !== undefined; ) {
      if (seen.has(id)) throw new BerthError('E_LAYER_CHAIN_LOOP', `layer chain loops at ${id}`);
      seen.add(id);
      const info = this.get(id);
      if (!info) throw new NotFoundError('E_NO_SUCH_LAYER', `parent layer ${id} is not in the store`);
      out.push(this.diffDir(id));
      id = info.parent;
    }
    return out;
  }

  #link(chainId: string): void {
    const link = join(this.root, this.shortLink(chainId));
    const target = join('..', 'layers', chainIdHex(chainId), 'diff');
    try {
      if (readlinkSync(link) === target) return;
      unlinkSync(link);
    } catch (err) {
      if (!hasErrnoCode(err, 'ENOENT')) throw err;
    }
    symlinkSync(target, link);
  }

  #removeFiles(chainId: string): void {
    const dir = this.#dir(chainId);
    // mark first: a crash halfway through the removal leaves a layer repair() will finish off
    if (existsSync(join(dir, 'layer.json'))) writeFileAtomic(join(dir, 'incomplete'), '');
    rmSync(join(this.root, this.shortLink(chainId)), { force: true });
    // rename out of the way first so the chain id's directory is gone at once
    const doomed = join(this.root, 'layers', `.removing-${chainIdHex(chainId)}-${process.pid}`);
    try {
      renameSync(dir, doomed);
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT')) return;
      throw err;
    }
    rmSync(doomed, { recursive: true, force: true });
  }

  remove(chainId: string): void {
    const dir = this.#dir(chainId);
    if (!existsSync(dir)) throw new NotFoundError('E_NO_SUCH_LAYER', `layer ${chainId} is not in the store`);
    const lock = FileLock.tryAcquire(this.#lockPath(chainId));
    if (!lock) throw new ConflictError('E_LAYER_BUSY', `layer ${chainId} is being written by another process`);
    try {
      const child = this.#allInfos().find((l) => l.parent === chainId);
      if (child) throw new ConflictError('E_LAYER_IN_USE', `layer ${chainId} is the parent of layer ${child.chainId}`);
      const mount = liveMounts(this.root).find((m) => m.layers.includes(chainId));
      if (mount) throw new ConflictError('E_LAYER_IN_USE', `layer ${chainId} is used by the rootfs mounted at "${mount.rootfs}"`);
      this.#removeFiles(chainId);
    } catch (err) {
      lock.release();
      throw err;
    }
    lock.releaseAndRemove();
  }

  // Every layer with metadata, complete or not (an incomplete child still uses its parent).
  #allInfos(): LayerInfo[] {
    const out: LayerInfo[] = [];
    for (const hex of readdirSync(join(this.root, 'layers'))) {
      if (!/^[0-9a-f]{64}$/.test(hex)) continue;
      try {
        out.push(readInfo(join(this.root, 'layers', hex)));
      } catch {
        // no metadata yet: a layer being created, which has no children yet either
      }
    }
    return out;
  }

  list(): LayerInfo[] {
    return this.#allInfos()
      .filter((l) => this.has(l.chainId))
      .sort((a, b) => (a.chainId < b.chainId ? -1 : 1));
  }

  repair(): string[] {
    const removed: string[] = [];
    const layers = join(this.root, 'layers');
    for (const name of readdirSync(layers)) {
      if (name.startsWith('.removing-')) {
        // a removal that crashed after the rename: finish it
        const m = /^\.removing-([0-9a-f]{64})-(\d+)$/.exec(name);
        if (m && isAlive(Number(m[2]))) continue;
        rmSync(join(layers, name), { recursive: true, force: true });
        continue;
      }
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const chainId = `sha256:${name}`;
      if (this.has(chainId)) continue;
      const lock = FileLock.tryAcquire(this.#lockPath(chainId));
      if (!lock) continue; // being written right now
      try {
        if (this.has(chainId)) continue;
        this.#removeFiles(chainId);
        removed.push(chainId);
      } finally {
        lock.releaseAndRemove();
      }
    }
    // short links whose layer is gone
    for (const name of readdirSync(join(this.root, 'l'))) {
      const link = join(this.root, 'l', name);
      if (!existsSync(link)) rmSync(link, { force: true });
    }
    liveMounts(this.root); // drops stale mount records
    return removed.sort();
  }
}

function readInfo(dir: string): LayerInfo {
  return JSON.parse(readFileSync(join(dir, 'layer.json'), 'utf8')) as LayerInfo;
}

async function* hashing(src: AsyncIterable<Uint8Array>, hash: Hash): AsyncIterable<Uint8Array> {
  for await (const chunk of src) {
    hash.update(chunk);
    yield chunk;
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// Flushes the unpacked files before the layer is declared complete, so that a power loss cannot
// leave a "complete" layer with empty files: one syncfs(2) rather than an fsync per file.
function syncTree(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    syncfs(fd, dir);
  } finally {
    closeSync(fd);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return hasErrnoCode(err, 'EPERM');
  }
}
