// Ids of the helper protocol, mirrored from native/protocol.h (the sequence diagram is there).
// src/runtime/helper/protocol-ids.test.ts parses the header and checks every value here.

export const PLAN_MAGIC = 0x48545242;
export const PLAN_VERSION = 1;
export const MAX_SLOTS = 64;
// plan flags
export const PLAN_FLAG_NO_PROCESS = 1;
export const PLAN_FLAG_EXTERNAL_RUNTIME = 2;

export const Stage = {
  PARENT_PRE: 1,
  PARENT_MAP: 2,
  CHILD: 3,
  PARENT_POST: 4,
  INIT: 5,
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export const WaitMode = {
  DETACH: 0,
  FOREGROUND: 1,
  MONITOR: 2,
} as const;
export type WaitMode = (typeof WaitMode)[keyof typeof WaitMode];

export const Op = {
  OPEN: 1,
  CONNECT_UNIX: 2,
  SOCKETPAIR: 3,
  WRITE_CHILD_PROC: 4,
  RUN_TOOL: 5,
  CGROUP_ENTER: 6,
  SETNS: 7,
  UNSHARE: 8,
  WRITE_FILE: 9,
  SETRESGID: 10,
  SETRESUID: 11,
  SETGROUPS: 12,
  MOUNT: 13,
  MKNOD: 14,
  SYMLINK: 15,
  MASK_PATH: 16,
  OPEN_IN_ROOT: 17,
  PTY_PEER: 18,
  SET_WINSIZE: 19,
  SEND_FD: 20,
  RECV_FD: 21,
  SETSID: 22,
  SET_CTTY: 23,
  DUP_STDIO: 24,
  PIVOT_ROOT: 25,
  MOVE_ROOT: 26,
  CHROOT: 27,
  SETHOSTNAME: 28,
  SETDOMAINNAME: 29,
  SETRLIMIT: 30,
  HOOK_SYNC: 31,
  RUN_HOOK: 32,
  BARRIER: 33,
  KEEPCAPS: 34,
  CAP_BOUNDING: 35,
  CAPSET: 36,
  CAP_AMBIENT: 37,
  NO_NEW_PRIVS: 38,
  SECCOMP: 39,
  UMASK: 40,
  CHDIR: 41,
  CLOSE_FDS: 42,
  LOOKUP_EXEC: 43,
  EXEC: 44,
  PERSONALITY: 45,
  DUP_SLOT: 46,
  CLOSE_SLOT: 47,
  SET_DUMPABLE: 48,
  RESET_SIGNALS: 49,
  OPEN_ROOT: 50,
  PIPE: 51,
  LISTEN_UNIX: 52,
  SUBREAPER: 53,
  MONITOR: 54,
  MONITOR_HEALTH: 55,
  COPY_WINSIZE: 56,
  SPAWN_RUNTIME: 57,
  UNMOUNT_AT_EXIT: 58,
  CGROUP_JOIN_SELF: 59,
  BPF_DEVICES: 60,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

export const MsgType = {
  PLAN: 1,
  PID: 2,
  HOOKS: 3,
  CONTINUE: 4,
  CREATED: 5,
  ERROR: 6,
  EXITED: 7,
  WARNING: 8,
} as const;
export type MsgType = (typeof MsgType)[keyof typeof MsgType];

export const MSG_HEADER_SIZE = 16;
