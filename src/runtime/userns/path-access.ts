import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface PathBlock {
  dir: string;
  mode: number;
  uid: number;
  gid: number;
  // which of the mode's classes applied to the user
  cls: 'u' | 'g' | 'o';
}

// The first directory on the way to `path` that `uid` (with groups `gids`) may not search, by
// the mode bits (ACLs are not read: this explains an EACCES the kernel already gave, it does
// not predict one). uid 0 is subject to the bits too: in a user namespace it has no
// CAP_DAC_OVERRIDE over the host's files.
export function firstUnsearchableDir(path: string, uid: number, gids: readonly number[]): PathBlock | undefined {
  const dirs: string[] = [];
  for (let d = resolve(path); ; d = dirname(d)) {
    dirs.unshift(d);
    if (d === dirname(d)) break;
  }
  for (const dir of dirs) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      return undefined;
    }
    const cls = st.uid === uid ? 'u' : gids.includes(st.gid) ? 'g' : 'o';
    const bit = { u: 0o100, g: 0o010, o: 0o001 }[cls];
    if ((st.mode & bit) === 0) return { dir, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, cls };
  }
  return undefined;
}

// `<who> cannot search "/srv/b" (mode 0700, owner 0:0): make it searchable (chmod o+x "/srv/b") or move the bundle`
export function describePathBlock(who: string, block: PathBlock): string {
  const mode = block.mode.toString(8).padStart(4, '0');
  return `${who} cannot search "${block.dir}" (mode ${mode}, owner ${block.uid}:${block.gid}): make it searchable (chmod ${block.cls}+x "${block.dir}") or move the bundle`;
}

// Why the runtime's own user cannot open `path` (a rootless user's bundle under a directory it
// may not enter): the blocking directory, or the file's own mode.
export function explainOwnAccess(path: string): string {
  const uid = process.geteuid?.() ?? 0;
  const gids = process.getgroups?.() ?? [];
  const who = `uid ${uid}`;
  const block = firstUnsearchableDir(dirname(path), uid, gids);
  if (block) return describePathBlock(who, block);
  try {
    const st = statSync(path);
    return `${who} may not read it (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}, owner ${st.uid}:${st.gid})`;
  } catch {
    return `${who} may not read it`;
  }
}
