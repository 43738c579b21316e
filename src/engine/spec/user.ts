import { readFileSync } from 'node:fs';
import { secureJoin } from '../../lib/fs/secure-join.ts';
import { UsageError } from '../../lib/errors.ts';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

function readLines(rootfs: string, file: string): string[][] {
  try {
    return readFileSync(secureJoin(rootfs, file), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

// docker's -u: "user", "uid", "user:group", "uid:gid", resolved against the image's
// /etc/passwd and /etc/group (read through the rootfs, symlinks kept inside it). A numeric id
// need not exist in the files; a name must. Supplementary groups: the user's memberships in
// /etc/group, then --group-add.
export function resolveUser(rootfs: string, spec: string, groupAdd: string[] = []): ResolvedUser {
  const passwd = readLines(rootfs, '/etc/passwd');
  const group = readLines(rootfs, '/etc/group');
  const [userPart = '', groupPart] = (spec || '0').split(':', 2);
  let uid: number;
  let gid: number | undefined;
  let home = '/';
  let userName: string | undefined;
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((f) => Number(f[2]) === uid);
    if (entry) {
      gid = Number(entry[3]);
      home = entry[5] || '/';
      userName = entry[0];
    }
  } else {
    const entry = passwd.find((f) => f[0] === userPart);
    if (!entry) throw new UsageError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = Number(entry[2]);
    gid = Number(entry[3]);
    home = entry[5] || '/';
    userName = entry[0];
  }
  if (groupPart !== undefined && groupPart !== '') gid = groupId(group, groupPart);
  const additional = new Set<number>();
  if (userName && groupPart === undefined) {
    for (const g of group) if ((g[3] ?? '').split(',').includes(userName)) additional.add(Number(g[2]));
  }
  for (const g of groupAdd) additional.add(groupId(group, g));
  return { uid, gid: gid ?? 0, additionalGids: [...additional].filter((g) => g !== (gid ?? 0)), home };
}

function groupId(group: string[][], g: string): number {
  if (/^\d+$/.test(g)) return Number(g);
  const entry = group.find((f) => f[0] === g);
  if (!entry) throw new UsageError(`unable to find group ${g}: no matching entries in group file`);
  return Number(entry[2]);
}
