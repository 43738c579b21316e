import { MS } from './linux-constants.ts';

// mount(8) option words -> flags, as runc and crun read them; words that are not flags are
// filesystem data ("size=64m,mode=755").

interface FlagEffect {
  set: number;
  clear: number;
}

const FLAGS: Record<string, FlagEffect> = {
  async: { set: 0, clear: MS.SYNCHRONOUS },
  atime: { set: 0, clear: MS.NOATIME },
  bind: { set: MS.BIND, clear: 0 },
  defaults: { set: 0, clear: 0 },
  dev: { set: 0, clear: MS.NODEV },
  diratime: { set: 0, clear: MS.NODIRATIME },
  dirsync: { set: MS.DIRSYNC, clear: 0 },
  exec: { set: 0, clear: MS.NOEXEC },
  iversion: { set: MS.I_VERSION, clear: 0 },
  lazytime: { set: MS.LAZYTIME, clear: 0 },
  loud: { set: 0, clear: MS.SILENT },
  mand: { set: MS.MANDLOCK, clear: 0 },
  noatime: { set: MS.NOATIME, clear: 0 },
  nodev: { set: MS.NODEV, clear: 0 },
  nodiratime: { set: MS.NODIRATIME, clear: 0 },
  noexec: { set: MS.NOEXEC, clear: 0 },
  noiversion: { set: 0, clear: MS.I_VERSION },
  nolazytime: { set: 0, clear: MS.LAZYTIME },
  nomand: { set: 0, clear: MS.MANDLOCK },
  norelatime: { set: 0, clear: MS.RELATIME },
  nostrictatime: { set: 0, clear: MS.STRICTATIME },
  nosuid: { set: MS.NOSUID, clear: 0 },
  nosymfollow: { set: MS.NOSYMFOLLOW, clear: 0 },
  rbind: { set: MS.BIND | MS.REC, clear: 0 },
  relatime: { set: MS.RELATIME, clear: 0 },
  remount: { set: MS.REMOUNT, clear: 0 },
  ro: { set: MS.RDONLY, clear: 0 },
  rw: { set: 0, clear: MS.RDONLY },
  silent: { set: MS.SILENT, clear: 0 },
  strictatime: { set: MS.STRICTATIME, clear: 0 },
  suid: { set: 0, clear: MS.NOSUID },
  sync: { set: MS.SYNCHRONOUS, clear: 0 },
};

const PROPAGATION: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

export interface ParsedMountOptions {
  flags: number;
  propagation: number[];
  data: string;
  // a bind mount's ro/nosuid/... only apply through a remount
  isBind: boolean;
}

export function parseMountOptions(options: readonly string[], type?: string): ParsedMountOptions {
  let flags = 0;
  const propagation: number[] = [];
  const data: string[] = [];
  for (const o of options) {
    const f = FLAGS[o];
    if (f) {
      flags = (flags & ~f.clear) | f.set;
      continue;
    }
    const p = PROPAGATION[o];
    if (p !== undefined) {
      propagation.push(p);
      continue;
    }
    data.push(o);
  }
  const isBind = type === 'bind' || (flags & MS.BIND) !== 0;
  if (type === 'bind' && (flags & MS.BIND) === 0) flags |= MS.BIND;
  return { flags, propagation, data: data.join(','), isBind };
}

export function propagationFlag(name: string): number | undefined {
  return PROPAGATION[name];
}

// Flags a bind remount can change; MS_BIND|MS_REC themselves are not remount flags.
export const BIND_REMOUNT_FLAGS =
  MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME | MS.RELATIME | MS.STRICTATIME | MS.NOSYMFOLLOW;
