// seccomp(2) filter flags (<linux/seccomp.h>) and the spec's names for them.
import { InvalidConfigError } from '../../lib/errors.ts';

export const SECCOMP_FILTER_FLAG_TSYNC = 1 << 0;
export const SECCOMP_FILTER_FLAG_LOG = 1 << 1;
export const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 1 << 2;
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3;
export const SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 1 << 4;
export const SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = 1 << 5;

// NEW_LISTENER and TSYNC_ESRCH are not spec names: berth sets them itself when a rule uses
// SCMP_ACT_NOTIFY.
const SPEC_FLAGS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC,
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
};

export function filterFlags(names: readonly string[] | undefined, hasListener: boolean): number {
  let flags = 0;
  (names ?? []).forEach((name, i) => {
    const v = Object.hasOwn(SPEC_FLAGS, name) ? SPEC_FLAGS[name] : undefined;
    if (v === undefined) {
      throw new InvalidConfigError(`linux.seccomp.flags[${i}]`, `unknown seccomp flag "${name}": expected one of ${Object.keys(SPEC_FLAGS).join(', ')}`);
    }
    flags |= v;
  });
  if (hasListener) {
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    // TSYNC alone makes seccomp() return a thread id on failure, which is ambiguous with the
    // listener fd it returns on success; the kernel refuses the pair unless TSYNC_ESRCH is set.
    if (flags & SECCOMP_FILTER_FLAG_TSYNC) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  }
  if ((flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !hasListener) {
    throw new InvalidConfigError('linux.seccomp.flags', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a rule with SCMP_ACT_NOTIFY');
  }
  return flags;
}
