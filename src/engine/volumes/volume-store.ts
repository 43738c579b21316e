import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from '../../lib/random-bytes.ts';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { ConflictError, NotFoundError, UsageError } from '../../lib/errors.ts';
import { hasErrnoCode } from '../../lib/errno.ts';
import { volumesDir, type EnginePaths } from '../paths.ts';

// `docker volume inspect`'s shape.
export interface VolumeRecord {
  CreatedAt: string;
  Driver: 'local';
  Labels: Record<string, string>;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string>;
  Scope: 'local';
}

const VALID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export class NoSuchVolumeError extends NotFoundError {
  constructor(name: string) {
    super('E_NO_SUCH_VOLUME', `get ${name}: no such volume`);
  }
}

// Named volumes: root/volumes/<name>/_data, and volume.json beside it, as docker's local driver.
export class VolumeStore {
  readonly #dir: string;

  constructor(paths: EnginePaths) {
    this.#dir = volumesDir(paths);
  }

  get(name: string): VolumeRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.#dir, name, 'volume.json'), 'utf8')) as VolumeRecord;
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) return undefined;
      throw err;
    }
  }

  resolve(name: string): VolumeRecord {
    const v = this.get(name);
    if (!v) throw new NoSuchVolumeError(name);
    return v;
  }

  // Creates the volume, or returns the existing one of that name (docker volume create is
  // idempotent). An anonymous volume gets a random 64-hex name.
  create(name: string | undefined, labels: Record<string, string> = {}): VolumeRecord {
    const n = name ?? randomBytes(32).toString('hex');
    if (!VALID.test(n)) throw new UsageError(`invalid volume name "${n}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const existing = this.get(n);
    if (existing) return existing;
    const data = join(this.#dir, n, '_data');
    mkdirSync(data, { recursive: true, mode: 0o755 });
    const v: VolumeRecord = { CreatedAt: new Date().toISOString(), Driver: 'local', Labels: labels, Mountpoint: data, Name: n, Options: {}, Scope: 'local' };
    writeFileAtomic(join(this.#dir, n, 'volume.json'), JSON.stringify(v));
    return v;
  }

  list(): VolumeRecord[] {
    let names: string[] = [];
    try {
      names = readdirSync(this.#dir);
    } catch (err) {
      if (!hasErrnoCode(err, 'ENOENT')) throw err;
    }
    return names.map((n) => this.get(n)).filter((v): v is VolumeRecord => v !== undefined).sort((a, b) => a.Name.localeCompare(b.Name));
  }

  // `inUseBy` names the containers still using it; docker refuses to remove such a volume.
  remove(name: string, inUseBy: string[] = []): void {
    this.resolve(name);
    if (inUseBy.length > 0) throw new ConflictError('E_VOLUME_IN_USE', `remove ${name}: volume is in use - [${inUseBy.join(', ')}]`);
    rmSync(join(this.#dir, name), { recursive: true, force: true });
  }

  isEmpty(name: string): boolean {
    const v = this.resolve(name);
    try {
      return statSync(v.Mountpoint).isDirectory() && readdirSync(v.Mountpoint).length === 0;
    } catch {
      return true;
    }
  }
}
