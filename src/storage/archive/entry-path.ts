import { UnsafeLayerEntryError } from './unsafe-entry-error.ts';

// The path of a tar entry inside the layer, as components joined by "/" ("" for the layer root).
// "./" prefixes and repeated slashes are what GNU tar and docker write, so they are dropped;
// absolute names and ".." components are refused outright rather than cleaned, because an image
// that carries them was not made by a well-behaved tool and docker's "clean then check the
// prefix" approach has needed several CVE fixes. `what` says whether it is the entry's own name
// or a hard link's target, for the message.
export function normalizeEntryPath(name: string, entry: string, what = 'name'): string {
  if (name.startsWith('/')) throw new UnsafeLayerEntryError(entry, `absolute ${what} "${name}" is not allowed`);
  if (name.includes('\0')) throw new UnsafeLayerEntryError(entry, `${what} contains a NUL byte`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new UnsafeLayerEntryError(entry, `${what} "${name}" has a ".." component`);
    parts.push(part);
  }
  return parts.join('/');
}

export function splitParent(path: string): { parent: string; base: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { parent: '', base: path } : { parent: path.slice(0, i), base: path.slice(i + 1) };
}
