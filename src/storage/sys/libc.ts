import { createRequire } from 'node:module';

// The libc calls Node lacks (the *at family with fds, mknod, xattrs, flock), reached
// through koffi. Loaded on first use only: koffi's native module costs tens of milliseconds at
// import, and commands that never unpack or mount a layer must not pay for it. Importing this
// file is free; calling libc() is what loads koffi.
//
// Several libc functions are variadic in C (openat's mode, syscall). They are declared here with
// fixed parameters because koffi's variadic calls re-parse the types on every call, and on the
// Linux x86_64 and aarch64 ABIs integer arguments of a variadic call travel in exactly the
// registers a fixed call uses (glibc's syscall() is assembly that only moves registers).

export interface Libc {
  openat(dirfd: number, path: string, flags: number, mode: number): number;
  openat2(dirfd: number, path: string, how: Buffer, size: number): number;
  mkdirat(dirfd: number, path: string, mode: number): number;
  mknodat(dirfd: number, path: string, mode: number, dev: bigint): number;
  symlinkat(target: string, dirfd: number, path: string): number;
  linkat(olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number): number;
  unlinkat(dirfd: number, path: string, flags: number): number;
  renameat(olddirfd: number, oldpath: string, newdirfd: number, newpath: string): number;
  fchownat(dirfd: number, path: string, uid: number, gid: number, flags: number): number;
  fchown(fd: number, uid: number, gid: number): number;
  fchmodat(dirfd: number, path: string, mode: number, flags: number): number;
  fchmod(fd: number, mode: number): number;
  utimensat(dirfd: number, path: string, times: Buffer, flags: number): number;
  futimens(fd: number, times: Buffer): number;
  statx(dirfd: number, path: string, flags: number, mask: number, buf: Buffer): number;
  fsetxattr(fd: number, name: string, value: Buffer, size: number, flags: number): number;
  lsetxattr(path: string, name: string, value: Buffer, size: number, flags: number): number;
  lgetxattr(path: string, name: string, value: Buffer | null, size: number): number;
  llistxattr(path: string, list: Buffer | null, size: number): number;
  flock(fd: number, op: number): number;
  syncfs(fd: number): number;
  flockAsync(fd: number, op: number): Promise<number>;
  errno(): number;
}

let loaded: Libc | undefined;

export function libc(): Libc {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const koffi = require('koffi') as typeof import('koffi');
  const lib = koffi.load('libc.so.6');
  const fn = (proto: string) => lib.func(proto);
  const sysOpenat2 = fn('long syscall(long nr, int dirfd, const char *path, void *how, size_t size)');
  const flock = fn('int flock(int fd, int op)');
  const lgetxattr = fn('intptr_t lgetxattr(const char *path, const char *name, void *value, size_t size)');
  const llistxattr = fn('intptr_t llistxattr(const char *path, void *list, size_t size)');
  const nrOpenat2 = 437; // the same number on x86_64 and aarch64 (new syscalls share one table)
  loaded = {
    openat: fn('int openat(int dirfd, const char *path, int flags, uint32_t mode)'),
    openat2: (dirfd, path, how, size) => Number(sysOpenat2(nrOpenat2, dirfd, path, how, size)),
    mkdirat: fn('int mkdirat(int dirfd, const char *path, uint32_t mode)'),
    mknodat: fn('int mknodat(int dirfd, const char *path, uint32_t mode, uint64_t dev)'),
    symlinkat: fn('int symlinkat(const char *target, int dirfd, const char *path)'),
    linkat: fn('int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)'),
    unlinkat: fn('int unlinkat(int dirfd, const char *path, int flags)'),
    renameat: fn('int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)'),
    fchownat: fn('int fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)'),
    fchown: fn('int fchown(int fd, uint32_t uid, uint32_t gid)'),
    fchmodat: fn('int fchmodat(int dirfd, const char *path, uint32_t mode, int flags)'),
    fchmod: fn('int fchmod(int fd, uint32_t mode)'),
    utimensat: fn('int utimensat(int dirfd, const char *path, void *times, int flags)'),
    futimens: fn('int futimens(int fd, void *times)'),
    statx: fn('int statx(int dirfd, const char *path, int flags, uint32_t mask, void *buf)'),
    fsetxattr: fn('int fsetxattr(int fd, const char *name, void *value, size_t size, int flags)'),
    lsetxattr: fn('int lsetxattr(const char *path, const char *name, void *value, size_t size, int flags)'),
    lgetxattr: (path, name, value, size) => Number(lgetxattr(path, name, value, size)),
    llistxattr: (path, list, size) => Number(llistxattr(path, list, size)),
    flock,
    syncfs: fn('int syncfs(int fd)'),
    // A blocking lock wait runs on koffi's worker thread so the event loop keeps going.
    flockAsync: (fd, op) =>
      new Promise((resolve, reject) => {
        flock.async(fd, op, (err: unknown, res: number) => (err ? reject(err) : resolve(res)));
      }),
    errno: () => koffi.errno(),
  };
  return loaded;
}
