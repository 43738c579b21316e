import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { InvalidConfigError } from '../../lib/errors.ts';
import { NAMESPACE_TYPES, type Spec, type LinuxNamespaceType } from '../../oci/runtime-spec.ts';
import { capabilityNumber } from '../capabilities.ts';
import { RLIMIT, PERSONALITY } from '../plan/linux-constants.ts';
import { resolveBundlePath } from '../bundle-paths.ts';
import { describeContainerIds, isMapped, newUserNamespace } from '../userns/id-mappings.ts';

// Semantic checks, in the spirit of runc's configs/validate: a list of small named checks, each
// naming the config field it rejects. They run after checkShape, so types can be trusted.

export interface CheckContext {
  bundle: string;
  // exec and update validate a process or resources alone: no rootfs to look at
  forCreate: boolean;
}

type Check = (spec: Spec, ctx: CheckContext) => void;

function namespaceOf(spec: Spec, type: LinuxNamespaceType): { index: number; path?: string } | undefined {
  const list = spec.linux?.namespaces ?? [];
  const index = list.findIndex((n) => n.type === type);
  if (index < 0) return undefined;
  const ns = list[index]!;
  return ns.path === undefined || ns.path === '' ? { index } : { index, path: ns.path };
}

export function hasNewNamespace(spec: Spec, type: LinuxNamespaceType): boolean {
  const ns = namespaceOf(spec, type);
  return ns !== undefined && ns.path === undefined;
}

const checkRoot: Check = (spec, ctx) => {
  if (!spec.root) throw new InvalidConfigError('root', 'is required');
  const rootfs = resolveBundlePath(ctx.bundle, spec.root.path);
  let st;
  try {
    st = statSync(rootfs);
  } catch {
    throw new InvalidConfigError('root.path', `rootfs "${rootfs}" does not exist`);
  }
  if (!st.isDirectory()) throw new InvalidConfigError('root.path', `rootfs "${rootfs}" is not a directory`);
};

const checkProcess: Check = (spec) => {
  const p = spec.process;
  if (!p) throw new InvalidConfigError('process', 'is required');
  if (!p.args || p.args.length === 0) throw new InvalidConfigError('process.args', 'must name the program to run');
  if (!isAbsolute(p.cwd)) throw new InvalidConfigError('process.cwd', `must be an absolute path, got "${p.cwd}"`);
  p.env?.forEach((e, i) => {
    if (!e.includes('=')) throw new InvalidConfigError(`process.env[${i}]`, `"${e}" is not of the form NAME=value`);
  });
  if (p.consoleSize && !p.terminal) {
    // runc accepts it and ignores it; so do we
  }
  const seen = new Set<string>();
  p.rlimits?.forEach((r, i) => {
    if (RLIMIT[r.type] === undefined) throw new InvalidConfigError(`process.rlimits[${i}].type`, `unknown rlimit "${r.type}"`);
    if (seen.has(r.type)) throw new InvalidConfigError(`process.rlimits[${i}].type`, `"${r.type}" is given twice`);
    seen.add(r.type);
    if (r.soft > r.hard) throw new InvalidConfigError(`process.rlimits[${i}]`, `soft limit ${r.soft} is above hard limit ${r.hard}`);
  });
  for (const [set, names] of Object.entries(p.capabilities ?? {})) {
    (names as string[]).forEach((name, i) => {
      if (capabilityNumber(name) === undefined) throw new InvalidConfigError(`process.capabilities.${set}[${i}]`, `unknown capability "${name}"`);
    });
  }
  if (p.apparmorProfile && !existsSync('/sys/kernel/security/apparmor')) {
    throw new InvalidConfigError('process.apparmorProfile', `profile "${p.apparmorProfile}" was asked for, but AppArmor is not enabled on this host`);
  }
  if (p.selinuxLabel && !existsSync('/sys/fs/selinux/enforce')) {
    throw new InvalidConfigError('process.selinuxLabel', `label "${p.selinuxLabel}" was asked for, but SELinux is not enabled on this host`);
  }
};

const checkNamespaces: Check = (spec) => {
  const seen = new Set<string>();
  (spec.linux?.namespaces ?? []).forEach((ns, i) => {
    const field = `linux.namespaces[${i}]`;
    if (!(NAMESPACE_TYPES as readonly string[]).includes(ns.type)) {
      throw new InvalidConfigError(`${field}.type`, `unknown namespace type "${ns.type}" (expected one of ${NAMESPACE_TYPES.join(', ')})`);
    }
    if (seen.has(ns.type)) throw new InvalidConfigError(`${field}.type`, `namespace "${ns.type}" is given twice`);
    seen.add(ns.type);
    if (ns.path) {
      if (!isAbsolute(ns.path)) throw new InvalidConfigError(`${field}.path`, `must be an absolute path, got "${ns.path}"`);
      if (!existsSync(ns.path)) throw new InvalidConfigError(`${field}.path`, `"${ns.path}" does not exist`);
    }
  });
  if (!namespaceOf(spec, 'mount')) {
    throw new InvalidConfigError('linux.namespaces', 'a mount namespace is required: without one the container\'s mounts would land on the host');
  }
  const user = namespaceOf(spec, 'user');
  const hasMaps = (spec.linux?.uidMappings?.length ?? 0) > 0 || (spec.linux?.gidMappings?.length ?? 0) > 0;
  if (user && user.path === undefined) {
    if (!spec.linux?.uidMappings?.length) throw new InvalidConfigError('linux.uidMappings', 'a new user namespace needs uid mappings');
    if (!spec.linux?.gidMappings?.length) throw new InvalidConfigError('linux.gidMappings', 'a new user namespace needs gid mappings');
  } else if (hasMaps) {
    throw new InvalidConfigError('linux.uidMappings', 'id mappings need a new user namespace in linux.namespaces');
  }
  if (spec.hostname && !hasNewNamespace(spec, 'uts') && !namespaceOf(spec, 'uts')) {
    throw new InvalidConfigError('hostname', 'setting the hostname needs a uts namespace');
  }
  if (spec.domainname && !namespaceOf(spec, 'uts')) {
    throw new InvalidConfigError('domainname', 'setting the domainname needs a uts namespace');
  }
  const offsets = spec.linux?.timeOffsets;
  if (offsets && Object.keys(offsets).length > 0) {
    if (!hasNewNamespace(spec, 'time')) throw new InvalidConfigError('linux.timeOffsets', 'time offsets need a new time namespace');
    for (const clock of Object.keys(offsets)) {
      if (clock !== 'monotonic' && clock !== 'boottime') {
        throw new InvalidConfigError(`linux.timeOffsets.${clock}`, 'unknown clock (expected monotonic or boottime)');
      }
    }
  }
};

const checkMounts: Check = (spec, ctx) => {
  (spec.mounts ?? []).forEach((m, i) => {
    const field = `mounts[${i}]`;
    if (!isAbsolute(m.destination)) {
      throw new InvalidConfigError(`${field}.destination`, `must be an absolute path, got "${m.destination}"`);
    }
    const opts = m.options ?? [];
    const isBind = m.type === 'bind' || opts.includes('bind') || opts.includes('rbind');
    if (isBind) {
      if (!m.source) throw new InvalidConfigError(`${field}.source`, 'a bind mount needs a source');
      const src = resolveBundlePath(ctx.bundle, m.source);
      if (!existsSync(src)) throw new InvalidConfigError(`${field}.source`, `bind source "${src}" does not exist`);
    }
  });
};

const checkHooks: Check = (spec) => {
  for (const [phase, list] of Object.entries(spec.hooks ?? {})) {
    (list ?? []).forEach((h, i) => {
      if (!isAbsolute(h.path)) throw new InvalidConfigError(`hooks.${phase}[${i}].path`, `must be an absolute path, got "${h.path}"`);
      if (h.timeout !== undefined && h.timeout <= 0) throw new InvalidConfigError(`hooks.${phase}[${i}].timeout`, `must be greater than zero, got ${h.timeout}`);
    });
  }
};

const PROPAGATIONS = ['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared', 'unbindable', 'runbindable'];

const SYSCTL_KEY = /^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_*-]+)+$/;

const checkLinux: Check = (spec) => {
  const l = spec.linux;
  if (!l) return;
  if (l.rootfsPropagation && !PROPAGATIONS.includes(l.rootfsPropagation)) {
    throw new InvalidConfigError('linux.rootfsPropagation', `unknown propagation "${l.rootfsPropagation}" (expected one of ${PROPAGATIONS.join(', ')})`);
  }
  for (const key of Object.keys(l.sysctl ?? {})) {
    if (!SYSCTL_KEY.test(key.replaceAll('/', '.'))) throw new InvalidConfigError(`linux.sysctl.${key}`, 'is not a sysctl name');
    if (key.startsWith('net.') && !namespaceOf(spec, 'network')) {
      throw new InvalidConfigError(`linux.sysctl.${key}`, 'network sysctls need a network namespace: without one this would change the host');
    }
  }
  const seen = new Set<string>();
  (l.devices ?? []).forEach((d, i) => {
    const f = `linux.devices[${i}]`;
    if (!isAbsolute(d.path)) throw new InvalidConfigError(`${f}.path`, `must be an absolute path, got "${d.path}"`);
    if (!['c', 'b', 'u', 'p'].includes(d.type)) throw new InvalidConfigError(`${f}.type`, `unknown device type "${d.type}" (expected c, b, u or p)`);
    if (d.type !== 'p' && (d.major === undefined || d.minor === undefined)) throw new InvalidConfigError(f, 'a character or block device needs major and minor');
    if (seen.has(d.path)) throw new InvalidConfigError(`${f}.path`, `"${d.path}" is given twice`);
    seen.add(d.path);
  });
  for (const key of ['maskedPaths', 'readonlyPaths'] as const) {
    (l[key] ?? []).forEach((p, i) => {
      if (!isAbsolute(p)) throw new InvalidConfigError(`linux.${key}[${i}]`, `must be an absolute path, got "${p}"`);
    });
  }
  if (l.personality && PERSONALITY[l.personality.domain] === undefined) {
    throw new InvalidConfigError('linux.personality.domain', `unknown domain "${l.personality.domain}" (expected LINUX or LINUX32)`);
  }
  const notify = l.seccomp?.syscalls?.some((sc) => sc.action === 'SCMP_ACT_NOTIFY');
  if (notify && !l.seccomp?.listenerPath) {
    throw new InvalidConfigError('linux.seccomp.listenerPath', 'a rule uses SCMP_ACT_NOTIFY, so a listener path is required');
  }
  if (l.seccomp?.listenerPath && !isAbsolute(l.seccomp.listenerPath)) {
    throw new InvalidConfigError('linux.seccomp.listenerPath', `must be an absolute path, got "${l.seccomp.listenerPath}"`);
  }
  if (l.mountLabel && !existsSync('/sys/fs/selinux/enforce')) {
    throw new InvalidConfigError('linux.mountLabel', `label "${l.mountLabel}" was asked for, but SELinux is not enabled on this host`);
  }
};

// In a new user namespace the process's ids must be mapped, or setresuid/setgroups fail with a
// bare EINVAL long after validation could have named the field.
const checkUserMapped: Check = (spec) => {
  const userns = newUserNamespace(spec);
  const user = spec.process?.user;
  if (!userns || !user) return;
  if (!isMapped(userns.uidMappings, user.uid)) {
    throw new InvalidConfigError('process.user.uid', `uid ${user.uid} is not mapped in linux.uidMappings (container uids ${describeContainerIds(userns.uidMappings)})`);
  }
  if (!isMapped(userns.gidMappings, user.gid)) {
    throw new InvalidConfigError('process.user.gid', `gid ${user.gid} is not mapped in linux.gidMappings (container gids ${describeContainerIds(userns.gidMappings)})`);
  }
  (user.additionalGids ?? []).forEach((g, i) => {
    if (!isMapped(userns.gidMappings, g)) {
      throw new InvalidConfigError(`process.user.additionalGids[${i}]`, `gid ${g} is not mapped in linux.gidMappings (container gids ${describeContainerIds(userns.gidMappings)})`);
    }
  });
};

const CREATE_CHECKS: Check[] = [checkRoot, checkProcess, checkNamespaces, checkMounts, checkHooks, checkLinux, checkUserMapped];

export function checkSpec(spec: Spec, ctx: CheckContext): void {
  for (const check of ctx.forCreate ? CREATE_CHECKS : [checkProcess]) check(spec, ctx);
}
