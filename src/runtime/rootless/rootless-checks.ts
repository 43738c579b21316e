import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Spec } from '../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../lib/errors.ts';
import { hasNewNamespace } from '../validate/index.ts';
import { describeUser, type RuntimeUser } from './runtime-user.ts';
import type { IdMapWriters } from './id-map-writers.ts';

// What a rootless container cannot have, refused before anything is created, each with the
// field and what to do instead. Mounts, masks and devices are adjusted rather than refused:
// the plan binds the host's device nodes into a user namespace (mknod is root's), and sysfs
// from the host when the network namespace is the host's.

// Sysctls the kernel lets the owner of a namespace set (runc's validator lists the same), with
// the namespace that must be new so that the container's user namespace owns it.
const NAMESPACED_SYSCTLS: { test: (key: string) => boolean; ns: 'network' | 'ipc' | 'uts' }[] = [
  { test: (k) => k.startsWith('net.'), ns: 'network' },
  { test: (k) => k.startsWith('fs.mqueue.'), ns: 'ipc' },
  { test: (k) => ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced'].includes(k), ns: 'ipc' },
  { test: (k) => k === 'kernel.hostname' || k === 'kernel.domainname', ns: 'uts' },
];

function ownLimits(): Map<string, bigint> {
  const hard = new Map<string, bigint>();
  let text = '';
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return hard;
  }
  // "Max open files            1024                 1048576              files"
  const names: Record<string, string> = {
    'Max cpu time': 'RLIMIT_CPU', 'Max file size': 'RLIMIT_FSIZE', 'Max data size': 'RLIMIT_DATA', 'Max stack size': 'RLIMIT_STACK',
    'Max core file size': 'RLIMIT_CORE', 'Max resident set': 'RLIMIT_RSS', 'Max processes': 'RLIMIT_NPROC', 'Max open files': 'RLIMIT_NOFILE',
    'Max locked memory': 'RLIMIT_MEMLOCK', 'Max address space': 'RLIMIT_AS', 'Max file locks': 'RLIMIT_LOCKS', 'Max pending signals': 'RLIMIT_SIGPENDING',
    'Max msgqueue size': 'RLIMIT_MSGQUEUE', 'Max nice priority': 'RLIMIT_NICE', 'Max realtime priority': 'RLIMIT_RTPRIO', 'Max realtime timeout': 'RLIMIT_RTTIME',
  };
  for (const line of text.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const name = m ? names[m[1]!] : undefined;
    if (!m || !name) continue;
    hard.set(name, m[3] === 'unlimited' ? 2n ** 64n - 1n : BigInt(m[3]!));
  }
  return hard;
}

export function checkRootlessSpec(spec: Spec, user: RuntimeUser, writers: IdMapWriters): void {
  const who = describeUser(user);
  const userns = (spec.linux?.namespaces ?? []).find((n) => n.type === 'user');
  if (!userns) {
    throw new InvalidConfigError(
      'linux.namespaces',
      `berth-runtime runs as ${who}, not root: a rootless container needs a user namespace ({"type": "user"} with linux.uidMappings and linux.gidMappings; \`berth-runtime spec --rootless\` writes such a config)`,
    );
  }
  for (const key of Object.keys(spec.linux?.sysctl ?? {})) {
    const k = key.replaceAll('/', '.');
    const rule = NAMESPACED_SYSCTLS.find((r) => r.test(k));
    if (!rule) {
      throw new InvalidConfigError(`linux.sysctl.${key}`, `is not namespaced: setting it would change the host, which a rootless container (${who}) cannot do`);
    }
    if (!hasNewNamespace(spec, rule.ns)) {
      throw new InvalidConfigError(`linux.sysctl.${key}`, `belongs to the ${rule.ns} namespace, which this rootless container shares with the host: add a new ${rule.ns} namespace or drop the sysctl`);
    }
  }
  (spec.linux?.devices ?? []).forEach((d, i) => {
    if (d.type === 'p') return;
    let st;
    try {
      st = statSync(d.path);
    } catch {
      throw new InvalidConfigError(`linux.devices[${i}]`, `a rootless container cannot create device nodes, so berth binds the host's "${d.path}" instead, and the host has none`);
    }
    if (!st.isCharacterDevice() && !st.isBlockDevice()) {
      throw new InvalidConfigError(`linux.devices[${i}]`, `a rootless container cannot create device nodes, and the host's "${d.path}" that would be bound instead is not a device`);
    }
  });
  const gids = spec.process?.user.additionalGids ?? [];
  if (gids.length > 0 && writers.setgroupsDenied) {
    throw new InvalidConfigError(
      'process.user.additionalGids',
      `setgroups is denied in a rootless user namespace whose gid mapping includes only your own gid (${user.gid}) as a single id: map your gids from /etc/subgid (through newgidmap) to set supplementary groups`,
    );
  }
  const hard = ownLimits();
  (spec.process?.rlimits ?? []).forEach((r, i) => {
    const own = hard.get(r.type);
    const wanted = r.hard >= 2 ** 63 ? 2n ** 64n - 1n : BigInt(Math.trunc(r.hard));
    if (own !== undefined && wanted > own) {
      throw new InvalidConfigError(`process.rlimits[${i}]`, `hard limit ${r.hard} of ${r.type} is above ${who}'s own (${own}): only root can raise it; lower it in the config or raise the user's limit (limits.conf)`);
    }
  });
  const oom = spec.process?.oomScoreAdj;
  if (oom !== undefined && existsSync('/proc/self/oom_score_adj')) {
    const own = Number(readFileSync('/proc/self/oom_score_adj', 'utf8').trim());
    if (oom < own) throw new InvalidConfigError('process.oomScoreAdj', `${oom} is below the runtime's own (${own}): only root can lower it`);
  }
}
