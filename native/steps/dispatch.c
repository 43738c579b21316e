/* One plan step -> the family that executes it. */
#include "../helper.h"
#include <errno.h>

int run_step(struct ctx *c, const struct step *s) {
  switch (s->op) {
  case OP_MOUNT:
  case OP_MKNOD:
  case OP_SYMLINK:
  case OP_MASK_PATH:
  case OP_OPEN_IN_ROOT:
  case OP_OPEN_ROOT:
  case OP_PIVOT_ROOT:
  case OP_MOVE_ROOT:
  case OP_CHROOT:
  case OP_WRITE_FILE:
    step_fs(c, s);
    return 0;
  case OP_OPEN:
  case OP_CONNECT_UNIX:
  case OP_SOCKETPAIR:
  case OP_WRITE_CHILD_PROC:
  case OP_RUN_TOOL:
  case OP_CGROUP_ENTER:
  case OP_SETNS:
  case OP_UNSHARE:
  case OP_SETHOSTNAME:
  case OP_SETDOMAINNAME:
  case OP_DUP_SLOT:
  case OP_CLOSE_SLOT:
  case OP_PIPE:
  case OP_LISTEN_UNIX:
    step_ns(c, s);
    return 0;
  case OP_SUBREAPER:
    step_subreaper(c, s);
    return 0;
  case OP_MONITOR:
    step_monitor_config(c, s);
    return 0;
  case OP_SPAWN_RUNTIME:
    step_spawn_runtime(c, s);
    return 0;
  case OP_MONITOR_HEALTH:
    step_monitor_health(c, s);
    return 0;
  case OP_PTY_PEER:
  case OP_SET_WINSIZE:
  case OP_COPY_WINSIZE:
  case OP_SEND_FD:
  case OP_RECV_FD:
  case OP_SETSID:
  case OP_SET_CTTY:
  case OP_DUP_STDIO:
    step_tty(c, s);
    return 0;
  case OP_HOOK_SYNC:
  case OP_RUN_HOOK:
  case OP_BARRIER:
    step_hooks(c, s);
    return 0;
  case OP_SETRESGID:
  case OP_SETRESUID:
  case OP_SETGROUPS:
  case OP_SETRLIMIT:
  case OP_KEEPCAPS:
  case OP_CAP_BOUNDING:
  case OP_CAPSET:
  case OP_CAP_AMBIENT:
  case OP_NO_NEW_PRIVS:
  case OP_SECCOMP:
  case OP_UMASK:
  case OP_CHDIR:
  case OP_CLOSE_FDS:
  case OP_LOOKUP_EXEC:
  case OP_EXEC:
  case OP_PERSONALITY:
  case OP_SET_DUMPABLE:
  case OP_RESET_SIGNALS:
    step_process(c, s);
    return 0;
  case OP_BPF_DEVICES:
    step_bpf_devices(c, s);
    return 0;
  default:
    fail(c, EINVAL, "internal error: unknown step op %u", s->op);
  }
}
