import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

// Resolves `unsafe` as if `root` were "/": symlinks are followed but never leave the root, ".."
// stops at it. For reading files of a rootfs from the host (an image's /etc/passwd may be a
// symlink to the host's /etc/shadow). The answer can still change if someone rewrites the
// tree afterwards: use it on trees no container is running in.
export function secureJoin(root: string, unsafe: string): string {
  const parts = unsafe.split('/').filter((p) => p !== '' && p !== '.');
  const resolved: string[] = [];
  let links = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = posix.join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch {
      // a missing component: the rest is joined as it is
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++links > 255) throw Object.assign(new Error(`too many levels of symbolic links in "${unsafe}"`), { code: 'ELOOP' });
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    parts.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return posix.join(root, ...resolved);
}
