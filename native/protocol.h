/*
 * The wire protocol between berth's TypeScript runtime and this helper. Every id here is
 * mirrored in src/runtime/helper/protocol.ts; src/runtime/helper/protocol-ids.test.ts checks that the
 * two agree, so change both together.
 *
 *   node (berth-runtime)          H (helper, host ns)        S1 (namespaces)       S2 (init)
 *   spawn H, sync socket ------->
 *   PLAN -----------------------> read plan
 *                                 PARENT_PRE steps
 *                                 clone(clone_flags) ------> wait "go"
 *                                 PARENT_MAP steps
 *                                 (uid/gid maps, cgroups)
 *                                 "go" --------------------> CHILD steps (setns/unshare)
 *                                                            clone(CLONE_PARENT) --> wait "go"
 *                                 <-------------------------- pid of S2; exit
 *   <------------------ MSG_PID   (S2 is now H's child)
 *                                 "go" ------------------------------------------> INIT steps
 *                                 PARENT_POST steps
 *   <------------------------------------------------------------------ MSG_HOOKS (if hooks)
 *   CONTINUE(states) ---------------------------------------------------------------->
 *   <------------------------------------------------------------------ MSG_CREATED
 *                                 WAIT_DETACH: exit 0          S2 waits on the exec fifo, then
 *                                 WAIT_FOREGROUND: waitpid,    finishes its steps and execs
 *   <------------------ MSG_EXITED  then exit 0
 *
 * Any failure: the failing process sends MSG_ERROR {step, errno, detail} and exits 1. Only one
 * process writes to the sync socket at a time, by construction of the sequence above.
 */
#ifndef BERTH_PROTOCOL_H
#define BERTH_PROTOCOL_H

#include <stdint.h>

#define BERTH_PLAN_MAGIC 0x48545242u /* "BRTH" little-endian */
#define BERTH_PLAN_VERSION 1u
#define BERTH_MAX_SLOTS 64
/* plan.flags: run the PARENT_PRE steps only and exit (cgroup updates need no container process) */
#define PLAN_FLAG_NO_PROCESS 1u
/* plan.flags: an external OCI runtime (runc, crun) makes the container in an OP_SPAWN_RUNTIME step;
 * the helper clones nothing and stays as its monitor (steps/runtime-spawn.c) */
#define PLAN_FLAG_EXTERNAL_RUNTIME 2u

enum berth_stage {
  STAGE_PARENT_PRE = 1,
  STAGE_PARENT_MAP = 2,
  STAGE_CHILD = 3,
  STAGE_PARENT_POST = 4,
  STAGE_INIT = 5,
};

enum berth_wait_mode {
  WAIT_DETACH = 0,     /* H exits once the init is released: the init is reparented (runc create) */
  WAIT_FOREGROUND = 1, /* H waits for the init and reports MSG_EXITED (runc run, exec) */
  WAIT_MONITOR = 2,    /* H stays as the container's monitor (the engine's conmon): logs, attach,
                          exit file, then execs the exit command (steps/monitor.c) */
};

enum berth_op {
  OP_OPEN = 1,            /* ints: slot, flags, mode; strs: path */
  OP_CONNECT_UNIX = 2,    /* ints: slot; strs: path */
  OP_SOCKETPAIR = 3,      /* ints: slotA, slotB */
  OP_WRITE_CHILD_PROC = 4,/* strs: name under /proc/<child>/, content */
  OP_RUN_TOOL = 5,        /* strs: argv ("{pid}" is replaced by the child's pid) */
  OP_CGROUP_ENTER = 6,    /* ints: skip_if_born_in_cgroup; strs: path of a cgroup.procs file; writes the child's pid */
  OP_SETNS = 7,           /* ints: slot, nstype */
  OP_UNSHARE = 8,         /* ints: flags */
  OP_WRITE_FILE = 9,      /* ints: root_slot (-1: host path); strs: path, content */
  OP_SETRESGID = 10,      /* ints: gid */
  OP_SETRESUID = 11,      /* ints: uid */
  OP_SETGROUPS = 12,      /* ints: gids... */
  OP_MOUNT = 13,          /* ints: flags, root_slot, mkdir_kind, keep_locked, src_slot, ignore_enoent;
                             strs: source, target, fstype, data */
  OP_MKNOD = 14,          /* ints: root_slot, mode, major, minor, uid, gid, ignore_exist; strs: path */
  OP_SYMLINK = 15,        /* ints: root_slot, ignore_exist; strs: target, linkpath */
  OP_MASK_PATH = 16,      /* ints: root_slot, dir_flags; strs: path, file_source, dir_fstype, dir_data */
  OP_OPEN_IN_ROOT = 17,   /* ints: root_slot, slot, flags, mode; strs: path */
  OP_PTY_PEER = 18,       /* ints: master_slot, slave_slot */
  OP_SET_WINSIZE = 19,    /* ints: slot, rows, cols */
  OP_SEND_FD = 20,        /* ints: socket_slot, fd_slot */
  OP_RECV_FD = 21,        /* ints: socket_slot, slot */
  OP_SETSID = 22,
  OP_SET_CTTY = 23,       /* ints: slot */
  OP_DUP_STDIO = 24,      /* ints: slot */
  OP_PIVOT_ROOT = 25,     /* strs: rootfs */
  OP_MOVE_ROOT = 26,      /* strs: rootfs (--no-pivot: MS_MOVE onto / and chroot) */
  OP_CHROOT = 27,         /* ints: root_slot (-1: use the path); strs: path */
  OP_SETHOSTNAME = 28,    /* strs: name */
  OP_SETDOMAINNAME = 29,  /* strs: name */
  OP_SETRLIMIT = 30,      /* ints: resource, soft, hard */
  OP_HOOK_SYNC = 31,      /* ints: phase; sends MSG_HOOKS, reads CONTINUE with hook states */
  OP_RUN_HOOK = 32,       /* ints: timeout_sec, state_index, argc; strs: path, argv..., env... */
  OP_BARRIER = 33,        /* ints: fifo_slot, close_sync; sends MSG_CREATED, waits for a byte */
  OP_KEEPCAPS = 34,       /* ints: on */
  OP_CAP_BOUNDING = 35,   /* ints: keep_mask, last_cap */
  OP_CAPSET = 36,         /* ints: effective, permitted, inheritable (64-bit masks) */
  OP_CAP_AMBIENT = 37,    /* ints: mask */
  OP_NO_NEW_PRIVS = 38,
  OP_SECCOMP = 39,        /* ints: flags, listener_slot, state_index; strs: bpf program bytes */
  OP_UMASK = 40,          /* ints: mask */
  OP_CHDIR = 41,          /* strs: path */
  OP_CLOSE_FDS = 42,      /* ints: first fd to close-on-exec */
  OP_LOOKUP_EXEC = 43,    /* strs: file, PATH */
  OP_EXEC = 44,           /* ints: argc; strs: argv..., env... */
  OP_PERSONALITY = 45,    /* ints: persona */
  OP_DUP_SLOT = 46,       /* ints: slot, target fd */
  OP_CLOSE_SLOT = 47,     /* ints: slot */
  OP_SET_DUMPABLE = 48,   /* ints: on */
  OP_RESET_SIGNALS = 49,
  OP_OPEN_ROOT = 50,      /* ints: slot; strs: path (a directory, opened O_PATH) */
  OP_PIPE = 51,           /* ints: read_slot, write_slot */
  OP_LISTEN_UNIX = 52,    /* ints: slot, mode; strs: path (bound and listening) */
  OP_SUBREAPER = 53,      /* the helper adopts the container's orphans */
  OP_MONITOR = 54,        /* ints: stdout_slot, stderr_slot, stdin_slot, pty_slot, listen_slot,
                             log_max_size, log_max_files; strs: log_path, exit_file, exit command argv... */
  OP_MONITOR_HEALTH = 55, /* ints: interval_ms, start_interval_ms, start_period_ms; strs: check command argv
                             (the monitor runs it on that timer, steps/monitor-health.c) */
  OP_COPY_WINSIZE = 56,   /* ints: from_fd (a raw fd, not a slot), slot; nothing when from_fd is no terminal */
  OP_SPAWN_RUNTIME = 57,  /* ints: stdin_slot, stdout_slot, stderr_slot, console_listen_slot (-1: none),
                             pty_slot (receives the console's master), error_slot (read end of where
                             the runtime's stderr goes); strs: pid_file, argv... (steps/runtime-spawn.c) */
  OP_UNMOUNT_AT_EXIT = 58, /* strs: path the monitor unmounts (umount2, no flags) once the container has
                             exited, before it writes the exit file; a failure leaves it to the engine */
  OP_CGROUP_JOIN_SELF = 59, /* strs: a cgroup v1 `tasks` file; S1 writes "0" (itself) to it */
  OP_BPF_DEVICES = 60,    /* strs: cgroup v2 directory, program (struct bpf_insn[]), license */
};

enum berth_msg_type {
  MSG_PLAN = 1,      /* node -> H: the plan (payload) */
  MSG_PID = 2,       /* H -> node: int32 host pid of the init (or exec'd process) */
  MSG_HOOKS = 3,     /* S2 -> node: ready for the runtime-namespace hooks; step = phase */
  MSG_CONTINUE = 4,  /* node -> S2: payload = u32 count, then (u32 len, bytes) states */
  MSG_CREATED = 5,   /* S2 -> node: at the barrier */
  MSG_ERROR = 6,     /* any -> node: step, err = errno, payload = detail text */
  MSG_EXITED = 7,    /* H -> node: int32 wait status of the init */
  MSG_WARNING = 8,   /* any -> node: step, err, payload = detail */
};

struct berth_msg_hdr {
  uint32_t type;
  int32_t step;
  int32_t err;
  uint32_t len;
};

#endif
