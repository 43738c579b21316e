// Kernel ABI numbers the storage layer passes to libc (identical on x86_64 and aarch64).

export const O = {
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  CREAT: 0o100,
  EXCL: 0o200,
  NOCTTY: 0o400,
  TRUNC: 0o1000,
  NONBLOCK: 0o4000,
  DIRECTORY: 0o200000,
  NOFOLLOW: 0o400000,
  CLOEXEC: 0o2000000,
  PATH: 0o10000000,
} as const;

export const AT = {
  FDCWD: -100,
  SYMLINK_NOFOLLOW: 0x100,
  REMOVEDIR: 0x200,
  EMPTY_PATH: 0x1000,
  STATX_DONT_SYNC: 0x4000,
} as const;

// openat2(2) resolve flags.
export const RESOLVE = {
  NO_XDEV: 0x01,
  NO_MAGICLINKS: 0x02,
  NO_SYMLINKS: 0x04,
  BENEATH: 0x08,
  IN_ROOT: 0x10,
} as const;

export const S_IF = {
  MT: 0o170000,
  SOCK: 0o140000,
  LNK: 0o120000,
  REG: 0o100000,
  BLK: 0o060000,
  DIR: 0o040000,
  CHR: 0o020000,
  FIFO: 0o010000,
} as const;

export const LOCK = { SH: 1, EX: 2, NB: 4, UN: 8 } as const;

export const MS = { RDONLY: 1, NOSUID: 2, NODEV: 4, REMOUNT: 32, BIND: 4096, REC: 16384 } as const;
export const MNT = { FORCE: 1, DETACH: 2 } as const;

export const XATTR = { CREATE: 1, REPLACE: 2 } as const;

// statfs f_type of overlayfs: an overlay upper directory cannot live on it.
export const OVERLAYFS_SUPER_MAGIC = 0x794c7630;

// statx(2) mask bits for the fields read back (type, mode, ids, nlink, ino, size, mtime).
export const STATX_BASIC_STATS = 0x7ff;
