import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { ConflictError, NotFoundError, UsageError } from '../../lib/errors.ts';
import { hasErrnoCode } from '../../lib/errno.ts';
import { lock, tryLock } from '../../image/store/pid-lock.ts';
import type { ContainerRecord } from '../container-types.ts';
import { containerDir, containersDir, locksDir, recordPath, type EnginePaths } from '../paths.ts';
import { VALID_NAME } from '../ids.ts';

export class NoSuchContainerError extends NotFoundError {
  constructor(what: string) {
    // docker's wording, which scripts grep for
    super('E_NO_SUCH_CONTAINER', `No such container: ${what}`);
  }
}

// Container records, one JSON file each (root/containers/<id>/container.json), written
// atomically. Creating, renaming and removing take the store lock (names must stay unique);
// changes to one container take that container's lock.
export class ContainerStore {
  readonly paths: EnginePaths;

  constructor(paths: EnginePaths) {
    this.paths = paths;
  }

  #lockFile(name: string): string {
    const dir = locksDir(this.paths);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return join(dir, `${name}.lock`);
  }

  // Runs fn holding the store-wide lock (names).
  withStoreLock<T>(fn: () => T): T {
    const release = lock(this.#lockFile('containers'));
    try {
      return fn();
    } finally {
      release();
    }
  }

  // The container's lock if no live process holds it (a berth that is starting it, say).
  tryContainerLock(id: string): (() => void) | undefined {
    return tryLock(this.#lockFile(id));
  }

  async withContainerLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const release = lock(this.#lockFile(id));
    try {
      return await fn();
    } finally {
      release();
    }
  }

  ids(): string[] {
    try {
      return readdirSync(containersDir(this.paths)).filter((n) => /^[0-9a-f]{64}$/.test(n));
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT')) return [];
      throw err;
    }
  }

  get(id: string): ContainerRecord | undefined {
    try {
      return JSON.parse(readFileSync(recordPath(this.paths, id), 'utf8')) as ContainerRecord;
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) return undefined;
      throw err;
    }
  }

  // Newest first, as docker ps lists them.
  list(): ContainerRecord[] {
    const out: ContainerRecord[] = [];
    for (const id of this.ids()) {
      const r = this.get(id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => (a.Created < b.Created ? 1 : a.Created > b.Created ? -1 : 0));
  }

  // sync: false for a record removed right after (an exited --rm container): if a crash comes
  // between, either version of it is repaired into the removal (repair.ts)
  put(r: ContainerRecord, { sync = true }: { sync?: boolean } = {}): void {
    mkdirSync(containerDir(this.paths, r.Id), { recursive: true, mode: 0o710 });
    writeFileAtomic(recordPath(this.paths, r.Id), JSON.stringify(r), 0o644, { sync });
  }

  // The record first: a removal cut short leaves a directory without one, which no command
  // lists, rather than a record whose files are half gone.
  remove(id: string): void {
    rmSync(recordPath(this.paths, id), { force: true });
    rmSync(containerDir(this.paths, id), { recursive: true, force: true });
  }

  // docker's lookup order: full id, exact name, then a unique id prefix.
  find(ref: string): ContainerRecord | undefined {
    if (!ref) return undefined;
    const all = this.list();
    const name = ref.startsWith('/') ? ref : `/${ref}`;
    const exact = all.find((r) => r.Id === ref) ?? all.find((r) => r.Name === name);
    if (exact) return exact;
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    const matches = all.filter((r) => r.Id.startsWith(ref));
    if (matches.length > 1) throw new ConflictError('E_AMBIGUOUS_ID', `multiple containers match the prefix "${ref}": use more characters`);
    return matches[0];
  }

  resolve(ref: string): ContainerRecord {
    const r = this.find(ref);
    if (!r) throw new NoSuchContainerError(ref);
    return r;
  }

  // Call with the store lock held.
  checkNameFree(name: string, exceptId?: string): void {
    if (!VALID_NAME.test(name)) {
      throw new UsageError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    const full = name.startsWith('/') ? name : `/${name}`;
    const other = this.list().find((r) => r.Name === full && r.Id !== exceptId);
    if (other) {
      throw new ConflictError(
        'E_NAME_IN_USE',
        `Conflict. The container name "${full}" is already in use by container "${other.Id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
  }
}
