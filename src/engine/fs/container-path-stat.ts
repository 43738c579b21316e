import { readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { BerthError, NotFoundError } from '../../lib/errors.ts';
import { ViewPathError, type RootfsView, type ViewEntry } from '../../storage/index.ts';

// docker's PathStat (the X-Docker-Container-Path-Stat header): what is at a path in a container.
export interface PathStat {
  name: string;
  size: number;
  // the type and permission bits, as st_mode
  mode: number;
  mtime: string;
  // for a symlink, where it leads in the container (fully resolved, or as far as it resolves)
  linkTarget: string;
}

export class ContainerFileNotFoundError extends NotFoundError {
  constructor(path: string, container: string) {
    // docker's wording (daemon/errors.go containerFileNotFound)
    super('E_NO_SUCH_CONTAINER_PATH', `Could not find the file ${path} in container ${container}`);
  }
}

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;

// A lookup in the view that says "not found" as docker does.
export function lookup(view: RootfsView, path: string, follow: boolean, ref: string, shownPath = path): ViewEntry {
  let e: ViewEntry;
  try {
    e = view.resolve(path, { follow });
  } catch (err) {
    if (err instanceof ViewPathError && (err.errno === 'ENOENT' || err.errno === 'ENOTDIR')) throw new ContainerFileNotFoundError(shownPath, ref);
    throw err;
  }
  if (!e.stat) throw new ContainerFileNotFoundError(shownPath, ref);
  return e;
}

export function pathStat(view: RootfsView, path: string, ref: string): PathStat {
  const abs = posix.resolve('/', path);
  const e = lookup(view, path, path.endsWith('/') || path.endsWith('/.'), ref);
  const st = e.stat!;
  let linkTarget = '';
  const name = e.name === '.' ? posix.basename(e.path) || '/' : e.name;
  if ((st.mode & S_IFMT) === S_IFLNK) {
    const text = readlinkSync(`/proc/self/fd/${e.dirFd}/${e.name}`);
    // docker resolves the whole chain inside the container (FollowSymlinkInScope)
    try {
      linkTarget = view.resolve(abs, { follow: true }).path;
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      linkTarget = posix.resolve(posix.dirname(abs), text);
    }
  }
  return {
    name,
    size: st.size,
    mode: st.mode,
    mtime: new Date(st.mtimeSec * 1000 + Math.floor(st.mtimeNsec / 1e6)).toISOString(),
    linkTarget,
  };
}
