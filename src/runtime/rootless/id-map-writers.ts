import { findInPath } from '../../lib/find-in-path.ts';
import type { LinuxIDMapping } from '../../oci/runtime-spec.ts';
import { InvalidConfigError, SystemError } from '../../lib/errors.ts';
import { describeUser, type RuntimeUser } from './runtime-user.ts';
import { describeRanges, isCovered, readSubidRanges } from './subid-ranges.ts';

// How the id maps of a new user namespace get written (user_namespaces(7)):
// - root writes any map directly;
// - a user may write a one-line map of its own id directly, gid_map only after writing "deny"
//   to setgroups (else dropping groups in the namespace could grant access, CVE-2014-8989);
// - anything more goes through the setuid newuidmap/newgidmap (Debian's uidmap package), which
//   allow the user's ranges in /etc/subuid and /etc/subgid, and the user's own id.
export type IdMapWriter = { kind: 'direct' } | { kind: 'self' } | { kind: 'tool'; path: string };

export interface IdMapWriters {
  uid: IdMapWriter;
  gid: IdMapWriter;
  // setgroups(2) is denied in the namespace: the container keeps the runtime user's
  // supplementary groups and cannot be given others
  setgroupsDenied: boolean;
}

export const ROOT_WRITERS: IdMapWriters = { uid: { kind: 'direct' }, gid: { kind: 'direct' }, setgroupsDenied: false };

export interface SubidFiles {
  subuid: string;
  subgid: string;
  // $PATH, where newuidmap and newgidmap are looked for (as runc does)
  path: string;
}

export const SYSTEM_SUBID_FILES: SubidFiles = { subuid: '/etc/subuid', subgid: '/etc/subgid', path: process.env.PATH ?? '/usr/bin:/bin' };

interface Kind {
  field: 'linux.uidMappings' | 'linux.gidMappings';
  id: 'uid' | 'gid';
  tool: 'newuidmap' | 'newgidmap';
  file: string;
  usermod: '--add-subuids' | '--add-subgids';
  own: number;
}

function chooseWriter(maps: readonly LinuxIDMapping[], user: RuntimeUser, k: Kind, files: SubidFiles): IdMapWriter {
  const own = (m: LinuxIDMapping): boolean => m.size === 1 && m.hostID === k.own;
  if (maps.length === 1 && own(maps[0]!)) return { kind: 'self' };
  const ranges = readSubidRanges(k.file, user);
  const wanted = maps.reduce((n, m) => n + (own(m) ? 0 : m.size), 0);
  const example = `usermod ${k.usermod} 100000-${100000 + Math.max(wanted, 65536) - 1} ${user.name}`;
  if (ranges.length === 0) {
    throw new InvalidConfigError(
      k.field,
      `${describeUser(user)} has no range in ${k.file}, and mapping ${k.id}s other than its own (${k.own}) needs one: add a range (${example}) or map only ${k.id} ${k.own} (size 1)`,
    );
  }
  maps.forEach((m, i) => {
    if (own(m) || isCovered(ranges, m.hostID, m.size)) return;
    throw new InvalidConfigError(
      `${k.field}[${i}]`,
      `host ${k.id}s ${m.hostID}-${m.hostID + m.size - 1} (${m.size}) are not all in ${describeUser(user)}'s ranges in ${k.file} (${describeRanges(ranges)}): map only ids from those ranges, or extend them (${example})`,
    );
  });
  const path = findInPath(k.tool, files.path);
  if (!path) {
    throw new SystemError(
      'E_ROOTLESS_ID_TOOL',
      `${k.field}: mapping ${k.id}s other than your own needs ${k.tool}, which is not in PATH (${files.path}): install the uidmap package (apt install uidmap) or map only ${k.id} ${k.own} (size 1)`,
      'ENOENT',
    );
  }
  return { kind: 'tool', path };
}

// Chooses the writers for a rootless container and checks, before anything is created, what
// newuidmap and newgidmap would refuse, so that the message can say what to fix.
export function chooseIdMapWriters(maps: { uidMappings: readonly LinuxIDMapping[]; gidMappings: readonly LinuxIDMapping[] }, user: RuntimeUser, files: SubidFiles = SYSTEM_SUBID_FILES): IdMapWriters {
  if (!user.rootless) return ROOT_WRITERS;
  const uid = chooseWriter(maps.uidMappings, user, { field: 'linux.uidMappings', id: 'uid', tool: 'newuidmap', file: files.subuid, usermod: '--add-subuids', own: user.uid }, files);
  const gid = chooseWriter(maps.gidMappings, user, { field: 'linux.gidMappings', id: 'gid', tool: 'newgidmap', file: files.subgid, usermod: '--add-subgids', own: user.gid }, files);
  // newgidmap denies setgroups itself when a line maps the user's own gid (shadow's rule)
  const setgroupsDenied = gid.kind === 'self' || maps.gidMappings.some((m) => m.size === 1 && m.hostID === user.gid);
  return { uid, gid, setgroupsDenied };
}
