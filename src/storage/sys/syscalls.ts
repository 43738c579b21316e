import { spawnSync } from 'node:child_process';
import { InternalError, SystemError } from '../../lib/errors.ts';
import { describeErrno, errnoName } from '../../lib/errno.ts';
import { helperPath } from '../../lib/install-paths.ts';
import { libc } from './libc.ts';
import { AT, O, RESOLVE, STATX_BASIC_STATS, S_IF } from './linux-constants.ts';

// Checked wrappers over the raw libc calls: each returns on success or throws a SystemError whose
// message names the call and the path, as crun's errors do (`mknodat "dev/null": operation not
// permitted (EPERM)`). Callers add the tar entry or layer as context with wrap().

export class SyscallError extends SystemError {
  readonly errnoNumber: number;
  constructor(call: string, path: string, errno: number) {
    super('E_STORAGE_SYSCALL', `${call} "${path}": ${describeErrno(errno)}`, errnoName(errno));
    this.errnoNumber = errno;
  }
}

function check(ret: number, call: string, path: string): number {
  if (ret < 0) throw new SyscallError(call, path, libc().errno());
  return ret;
}

export interface StatxResult {
  mode: number; // type and permission bits
  uid: number;
  gid: number;
  nlink: number;
  ino: bigint;
  dev: string; // "major:minor" of the file system, to tell hard links apart across devices
  size: number;
  mtimeSec: number;
  mtimeNsec: number;
  rdevMajor: number;
  rdevMinor: number;
}

const statxBuf = Buffer.alloc(256);

// lstat relative to a directory fd. Returns undefined when the name does not exist.
export function statAt(dirfd: number, name: string, follow = false): StatxResult | undefined {
  const flags = (follow ? 0 : AT.SYMLINK_NOFOLLOW) | (name === '' ? AT.EMPTY_PATH : 0);
  const ret = libc().statx(dirfd, name, flags, STATX_BASIC_STATS, statxBuf);
  if (ret < 0) {
    const errno = libc().errno();
    if (errnoName(errno) === 'ENOENT') return undefined;
    throw new SyscallError('statx', name, errno);
  }
  const b = statxBuf;
  return {
    nlink: b.readUInt32LE(16),
    uid: b.readUInt32LE(20),
    gid: b.readUInt32LE(24),
    mode: b.readUInt16LE(28),
    ino: b.readBigUInt64LE(32),
    size: Number(b.readBigUInt64LE(40)),
    mtimeSec: Number(b.readBigInt64LE(112)),
    mtimeNsec: b.readUInt32LE(120),
    rdevMajor: b.readUInt32LE(128),
    rdevMinor: b.readUInt32LE(132),
    dev: `${b.readUInt32LE(136)}:${b.readUInt32LE(140)}`,
  };
}

export function isDirMode(mode: number): boolean {
  return (mode & S_IF.MT) === S_IF.DIR;
}

const howBuf = Buffer.alloc(24);

// Opens `path` (relative, several components) under `rootfd` such that no component may be a
// symlink and the walk may not leave the root: the kernel refuses with ELOOP or EXDEV, so a
// symlink planted by an earlier tar entry can never redirect a later write. This is openat2's
// RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS (Linux 5.6); returns -errno instead of throwing so the
// caller can tell "missing" from "refused".
export function openBeneath(rootfd: number, path: string, flags: number): number {
  howBuf.writeBigUInt64LE(BigInt(flags | O.CLOEXEC), 0);
  howBuf.writeBigUInt64LE(0n, 8);
  howBuf.writeBigUInt64LE(BigInt(RESOLVE.BENEATH | RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS), 16);
  const fd = libc().openat2(rootfd, path === '' ? '.' : path, howBuf, 24);
  return fd < 0 ? -libc().errno() : fd;
}

export function openAt(dirfd: number, name: string, flags: number, mode = 0): number {
  return check(libc().openat(dirfd, name, flags | O.CLOEXEC, mode), 'openat', name);
}

export function mkdirAt(dirfd: number, name: string, mode: number): void {
  check(libc().mkdirat(dirfd, name, mode), 'mkdirat', name);
}

// glibc's makedev: 12 low bits of major and 8 of minor in the low word, the rest above.
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

export function mknodAt(dirfd: number, name: string, mode: number, major: number, minor: number): void {
  check(libc().mknodat(dirfd, name, mode, makedev(major, minor)), 'mknodat', name);
}

export function symlinkAt(target: string, dirfd: number, name: string): void {
  check(libc().symlinkat(target, dirfd, name), 'symlinkat', name);
}

export function linkAt(olddirfd: number, oldname: string, newdirfd: number, newname: string): void {
  check(libc().linkat(olddirfd, oldname, newdirfd, newname, 0), 'linkat', newname);
}

export function unlinkAt(dirfd: number, name: string, dir = false): void {
  check(libc().unlinkat(dirfd, name, dir ? AT.REMOVEDIR : 0), 'unlinkat', name);
}

export function lchownAt(dirfd: number, name: string, uid: number, gid: number): void {
  check(libc().fchownat(dirfd, name, uid, gid, AT.SYMLINK_NOFOLLOW), 'fchownat', name);
}

export function fchown(fd: number, uid: number, gid: number, what: string): void {
  check(libc().fchown(fd, uid, gid), 'fchown', what);
}

// Never called on a symlink: the kernel has no mode for them and fchmodat would follow.
export function chmodAt(dirfd: number, name: string, mode: number): void {
  check(libc().fchmodat(dirfd, name, mode, 0), 'fchmodat', name);
}

export function fchmod(fd: number, mode: number, what: string): void {
  check(libc().fchmod(fd, mode), 'fchmod', what);
}

const timesBuf = Buffer.alloc(32);

function fillTimes(sec: number, nsec: number): Buffer {
  // atime and mtime both set to the entry's mtime, as docker does: atime is not in most tars
  // and a stable value keeps layers reproducible
  timesBuf.writeBigInt64LE(BigInt(sec), 0);
  timesBuf.writeBigInt64LE(BigInt(nsec), 8);
  timesBuf.writeBigInt64LE(BigInt(sec), 16);
  timesBuf.writeBigInt64LE(BigInt(nsec), 24);
  return timesBuf;
}

export function lutimesAt(dirfd: number, name: string, sec: number, nsec: number): void {
  check(libc().utimensat(dirfd, name, fillTimes(sec, nsec), AT.SYMLINK_NOFOLLOW), 'utimensat', name);
}

export function futimes(fd: number, sec: number, nsec: number, what: string): void {
  check(libc().futimens(fd, fillTimes(sec, nsec)), 'futimens', what);
}

export function fsetxattr(fd: number, name: string, value: Buffer, what: string): void {
  check(libc().fsetxattr(fd, name, value, value.length, 0), `fsetxattr ${name}`, what);
}

export function lsetxattr(path: string, name: string, value: Buffer): void {
  check(libc().lsetxattr(path, name, value, value.length, 0), `lsetxattr ${name}`, path);
}

// All extended attributes of a path (not following a final symlink), values as raw bytes.
export function lgetxattrs(path: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const c = libc();
  let size = c.llistxattr(path, null, 0);
  if (size < 0) {
    const errno = c.errno();
    if (['ENOTSUP', 'EOPNOTSUPP'].includes(errnoName(errno))) return out;
    throw new SyscallError('llistxattr', path, errno);
  }
  if (size === 0) return out;
  let list = Buffer.alloc(size);
  size = c.llistxattr(path, list, list.length);
  if (size < 0) throw new SyscallError('llistxattr', path, c.errno());
  list = list.subarray(0, size);
  for (const name of list.toString('utf8').split('\0')) {
    if (name === '') continue;
    const value = lgetxattr(path, name);
    if (value) out.set(name, value);
  }
  return out;
}

export function lgetxattr(path: string, name: string): Buffer | undefined {
  const c = libc();
  for (;;) {
    const size = c.lgetxattr(path, name, null, 0);
    if (size < 0) {
      const errno = c.errno();
      if (['ENODATA', 'ENOTSUP', 'EOPNOTSUPP'].includes(errnoName(errno))) return undefined;
      throw new SyscallError(`lgetxattr ${name}`, path, errno);
    }
    const value = Buffer.alloc(size);
    const got = c.lgetxattr(path, name, value, size);
    if (got >= 0) return value.subarray(0, got);
    // ERANGE: the value grew between the two calls; ask again
    if (errnoName(c.errno()) !== 'ERANGE') throw new SyscallError(`lgetxattr ${name}`, path, c.errno());
  }
}

// A path naming `name` inside the directory held by `dirfd`, for the calls that have no *at form
// (lsetxattr, lgetxattr). /proc/self/fd/N is a magic link to the directory itself, and `name` is a
// single component whose final symlink the l*xattr calls do not follow, so nothing else is resolved.
export function fdPath(dirfd: number, name: string): string {
  if (name === '') throw new InternalError('fdPath needs a name: l*xattr would act on the /proc magic link itself');
  return `/proc/self/fd/${dirfd}/${name}`;
}

// Flushes the whole file system holding `fd`: one call instead of an fsync per unpacked file.
export function syncfs(fd: number, what: string): void {
  check(libc().syncfs(fd), 'syncfs', what);
}

// mount(2) and umount2(2) run in the helper's host mode (native/helper.c, `berth-helper mount`):
// a container's start and cleanup need only these two calls of libc, and a spawn of the small
// static helper costs ~1-2 ms against ~8 ms to load koffi. Relative paths (overlay's short lower
// names) are resolved from cwd, in the child: this process's working directory stays as it is.
function helperCall(args: string[], call: string, path: string, cwd: string | undefined): void {
  const r = spawnSync(helperPath(), args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status === 0) return;
  if (r.status !== null && r.status > 0 && r.status < 255) throw new SyscallError(call, path, r.status);
  const why = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : r.stderr.trim() || `exit status ${r.status}`;
  throw new InternalError(`${call} "${path}": running ${helperPath()}: ${why}`, { cause: r.error });
}

export function mount(source: string, target: string, fstype: string | null, flags: number, data: string | null, cwd?: string): void {
  helperCall(['mount', source, target, fstype ?? '', String(flags), data ?? ''], `mount ${fstype ?? ''}`.trim(), target, cwd);
}

export function umount2(target: string, flags: number): void {
  helperCall(['umount', target, String(flags)], 'umount2', target, undefined);
}
