// Seccomp return values (<linux/seccomp.h> SECCOMP_RET_*) and the spec's action names.
import { InvalidConfigError } from '../../lib/errors.ts';

export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
export const SECCOMP_RET_DATA = 0x0000ffff;

export const EPERM = 1;
export const ENOSYS = 38;

export const ACTION_NAMES = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
] as const;
export type SeccompActionName = (typeof ACTION_NAMES)[number];

export function isActionName(name: string): name is SeccompActionName {
  return (ACTION_NAMES as readonly string[]).includes(name);
}

// The 32-bit return value for an action. errnoRet is the errno for ERRNO and the message for
// TRACE; both default to EPERM as in runc. Other actions carry no data, so errnoRet is an error
// there rather than silently dropped.
export function actionValue(field: string, action: string, errnoRet: number | undefined, errnoName = 'errnoRet'): number {
  if (!isActionName(action)) {
    throw new InvalidConfigError(field, `unknown seccomp action "${action}": expected one of ${ACTION_NAMES.join(', ')}`);
  }
  if (errnoRet !== undefined && action !== 'SCMP_ACT_ERRNO' && action !== 'SCMP_ACT_TRACE') {
    throw new InvalidConfigError(field, `${errnoName} ${errnoRet} is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not ${action}`);
  }
  if (errnoRet !== undefined && !(Number.isInteger(errnoRet) && errnoRet >= 0 && errnoRet <= SECCOMP_RET_DATA)) {
    throw new InvalidConfigError(field, `invalid ${errnoName} ${errnoRet}: expected an integer from 0 to 65535`);
  }
  const data = errnoRet ?? EPERM;
  switch (action) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return SECCOMP_RET_KILL_THREAD;
    case 'SCMP_ACT_KILL_PROCESS':
      return SECCOMP_RET_KILL_PROCESS;
    case 'SCMP_ACT_TRAP':
      return SECCOMP_RET_TRAP;
    case 'SCMP_ACT_ERRNO':
      return (SECCOMP_RET_ERRNO | data) >>> 0;
    case 'SCMP_ACT_TRACE':
      return (SECCOMP_RET_TRACE | data) >>> 0;
    case 'SCMP_ACT_ALLOW':
      return SECCOMP_RET_ALLOW;
    case 'SCMP_ACT_LOG':
      return SECCOMP_RET_LOG;
    case 'SCMP_ACT_NOTIFY':
      return SECCOMP_RET_USER_NOTIF;
  }
}

// Actions under which an unknown (newer) syscall should still reach the kernel: a stub that
// answers ENOSYS would change behaviour, and a tracer or notifier can emulate ENOSYS itself.
// runc's patchbpf makes the same exception for allow, log and trace.
export function isPermissiveAction(value: number): boolean {
  const action = (value & SECCOMP_RET_ACTION_FULL) >>> 0;
  return action === SECCOMP_RET_ALLOW || action === SECCOMP_RET_LOG || action === SECCOMP_RET_TRACE || action === SECCOMP_RET_USER_NOTIF;
}

export function describeAction(value: number): string {
  const v = value >>> 0;
  const action = (v & SECCOMP_RET_ACTION_FULL) >>> 0;
  const data = v & SECCOMP_RET_DATA;
  if (v === SECCOMP_RET_KILL_PROCESS || action > SECCOMP_RET_ALLOW) return 'KILL_PROCESS';
  switch (action) {
    case SECCOMP_RET_KILL_THREAD:
      return 'KILL_THREAD';
    case SECCOMP_RET_TRAP:
      return `TRAP(${data})`;
    case SECCOMP_RET_ERRNO:
      return `ERRNO(${data})`;
    case SECCOMP_RET_USER_NOTIF:
      return 'NOTIFY';
    case SECCOMP_RET_TRACE:
      return `TRACE(${data})`;
    case SECCOMP_RET_LOG:
      return 'LOG';
    case SECCOMP_RET_ALLOW:
      return 'ALLOW';
    default:
      return `0x${v.toString(16)}`;
  }
}
