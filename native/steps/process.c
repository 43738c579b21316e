/* Process steps: identity, capabilities, limits, seccomp, working directory, fds, exec. The
 * order they run in is the plan's; the comments in src/runtime/plan/process-steps.ts say why. */
#include "../helper.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif


static void capset_masks(struct ctx *c, uint64_t eff, uint64_t perm, uint64_t inh) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  d[0].effective = (uint32_t)eff;
  d[1].effective = (uint32_t)(eff >> 32);
  d[0].permitted = (uint32_t)perm;
  d[1].permitted = (uint32_t)(perm >> 32);
  d[0].inheritable = (uint32_t)inh;
  d[1].inheritable = (uint32_t)(inh >> 32);
  if (syscall(SYS_capset, &h, d) < 0) fail(c, errno, "capset");
}

static int setgroups_denied(void) {
  char buf[16] = "";
  int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n > 0 && strncmp(buf, "deny", 4) == 0;
}

/* execvp's search, done before the create barrier so a missing program is a create error. */
static void lookup_exec(struct ctx *c, const char *file, const char *path) {
  struct stat st;
  if (strchr(file, '/')) {
    if (stat(file, &st) < 0) fail(c, errno, "executable \"%s\"", file);
    if (S_ISDIR(st.st_mode) || access(file, X_OK) < 0) fail(c, EACCES, "executable \"%s\"", file);
    c->exec_path = strdup(file);
    return;
  }
  int denied = 0;
  const char *p = path;
  for (;;) {
    const char *end = strchr(p, ':');
    size_t dlen = end ? (size_t)(end - p) : strlen(p);
    char cand[4096];
    int n = dlen ? snprintf(cand, sizeof cand, "%.*s/%s", (int)dlen, p, file) : snprintf(cand, sizeof cand, "%s", file);
    if (n > 0 && (size_t)n < sizeof cand && stat(cand, &st) == 0) {
      if (!S_ISDIR(st.st_mode) && access(cand, X_OK) == 0) {
        c->exec_path = strdup(cand);
        return;
      }
      denied = 1;
    }
    if (!end) break;
    p = end + 1;
  }
  fail(c, denied ? EACCES : ENOENT, "executable \"%s\" in $PATH", file);
}

static void do_exec(struct ctx *c, const struct step *s) {
  int64_t argc = arg_int(c, s, 0);
  int code_enoent = (int)arg_int(c, s, 1), code_other = (int)arg_int(c, s, 2);
  if (argc < 1 || argc > s->nstr) fail(c, EINVAL, "internal error: bad argc %lld", (long long)argc);
  char **argv = calloc((size_t)argc + 1, sizeof(char *));
  char **envp = calloc((size_t)(s->nstr - argc) + 1, sizeof(char *));
  if (!argv || !envp) fail(c, ENOMEM, "allocating arguments");
  for (int64_t i = 0; i < argc; i++) argv[i] = s->strs[i];
  for (int64_t i = argc; i < s->nstr; i++) envp[i - argc] = s->strs[i];
  const char *path = c->exec_path ? c->exec_path : argv[0];
  execve(path, argv, envp);
  int err = errno;
  if (c->sync_fd >= 0) fail(c, err, "exec \"%s\"", path);
  dprintf(2, "berth-runtime: exec \"%s\": %s\n", path, strerror(err));
  _exit(err == ENOENT ? code_enoent : code_other);
}

static void do_chdir(struct ctx *c, const struct step *s) {
  const char *path = arg_str(c, s, 0);
  int mode = (int)arg_int(c, s, 0);
  if (mode == 2 && !c->chdir_deferred) return;
  if (chdir(path) == 0) {
    c->chdir_deferred = 0;
    return;
  }
  /* the runtime's user may be denied a directory the container's user may enter: try again
   * after the identity change */
  if (mode == 1 && (errno == EACCES || errno == EPERM)) {
    c->chdir_deferred = 1;
    return;
  }
  fail(c, errno, "chdir to \"%s\"", path);
}

static void do_seccomp(struct ctx *c, const struct step *s) {
  unsigned flags = (unsigned)arg_int(c, s, 0);
  int64_t listener_slot = arg_int(c, s, 1);
  int64_t state_index = s->nint > 2 ? s->ints[2] : -1;
  struct sock_fprog prog = {(unsigned short)(s->lens[0] / sizeof(struct sock_filter)), (struct sock_filter *)s->strs[0]};
  if (s->lens[0] % sizeof(struct sock_filter)) fail(c, EINVAL, "internal error: seccomp program length %u", s->lens[0]);
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (r < 0) fail(c, errno, "loading the seccomp filter");
  if (listener_slot >= 0) {
    /* the listener gets the filter's fd with the container process state (config-linux.md) */
    const char *state = state_index >= 0 && (uint64_t)state_index < c->nhook_states ? c->hook_states[state_index] : "";
    send_fd_to(c, slot_fd(c, listener_slot), (int)r, state, strlen(state));
    close((int)r);
    close(slot_fd(c, listener_slot));
    set_slot(c, listener_slot, -1);
  }
}

void step_process(struct ctx *c, const struct step *s) {
  switch (s->op) {
  case OP_SETRESGID: {
    gid_t g = (gid_t)arg_int(c, s, 0);
    if (setresgid(g, g, g) < 0) fail(c, errno, "setresgid %u", g);
    break;
  }
  case OP_SETRESUID: {
    uid_t u = (uid_t)arg_int(c, s, 0);
    if (setresuid(u, u, u) < 0) fail(c, errno, "setresuid %u", u);
    break;
  }
  case OP_SETGROUPS: {
    gid_t *g = calloc(s->nint ? s->nint : 1, sizeof(gid_t));
    if (!g) fail(c, ENOMEM, "allocating groups");
    for (unsigned i = 0; i < s->nint; i++) g[i] = (gid_t)s->ints[i];
    if (setgroups(s->nint, g) < 0) {
      /* A rootless user namespace whose gid_map its owner wrote has setgroups denied: with no
       * groups asked for there is nothing to do (the runtime user's groups stay, unmapped). */
      if (!(errno == EPERM && s->nint == 0 && setgroups_denied())) fail(c, errno, "setgroups");
    }
    free(g);
    break;
  }
  case OP_SETRLIMIT: {
    struct rlimit rl = {(rlim_t)arg_int(c, s, 1), (rlim_t)arg_int(c, s, 2)};
    if (prlimit(0, (int)arg_int(c, s, 0), &rl, NULL) < 0) fail(c, errno, "setrlimit");
    break;
  }
  case OP_KEEPCAPS:
    if (prctl(PR_SET_KEEPCAPS, (unsigned long)arg_int(c, s, 0), 0, 0, 0) < 0) fail(c, errno, "prctl(PR_SET_KEEPCAPS)");
    break;
  case OP_CAP_BOUNDING: {
    uint64_t keep = (uint64_t)arg_int(c, s, 0);
    int last = (int)arg_int(c, s, 1);
    for (int cap = 0; cap <= last && cap < 64; cap++) {
      if (keep & (1ULL << cap)) continue;
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) fail(c, errno, "dropping capability %d from the bounding set", cap);
    }
    break;
  }
  case OP_CAPSET:
    capset_masks(c, (uint64_t)arg_int(c, s, 0), (uint64_t)arg_int(c, s, 1), (uint64_t)arg_int(c, s, 2));
    break;
  case OP_CAP_AMBIENT: {
    uint64_t mask = (uint64_t)arg_int(c, s, 0);
    for (int cap = 0; cap < 64; cap++) {
      if (!(mask & (1ULL << cap))) continue;
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) fail(c, errno, "raising ambient capability %d", cap);
    }
    break;
  }
  case OP_NO_NEW_PRIVS:
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail(c, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    break;
  case OP_SECCOMP:
    do_seccomp(c, s);
    break;
  case OP_UMASK:
    umask((mode_t)arg_int(c, s, 0));
    break;
  case OP_CHDIR:
    do_chdir(c, s);
    break;
  case OP_CLOSE_FDS: {
    unsigned from = (unsigned)arg_int(c, s, 0);
    if (syscall(SYS_close_range, from, ~0U, CLOSE_RANGE_CLOEXEC) == 0) break;
    /* kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: walk /proc/self/fd instead */
    DIR *d = opendir("/proc/self/fd");
    if (!d) fail(c, errno, "listing /proc/self/fd to mark fds from %u close-on-exec", from);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      int fd = atoi(e->d_name);
      if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd < (int)from || fd == dirfd(d)) continue;
      if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF) fail(c, errno, "marking fd %d close-on-exec", fd);
    }
    closedir(d);
    break;
  }
  case OP_LOOKUP_EXEC:
    lookup_exec(c, arg_str(c, s, 0), arg_str(c, s, 1));
    break;
  case OP_EXEC:
    do_exec(c, s);
    break;
  case OP_PERSONALITY:
    if (personality((unsigned long)arg_int(c, s, 0)) < 0) fail(c, errno, "personality");
    break;
  case OP_SET_DUMPABLE:
    if (prctl(PR_SET_DUMPABLE, (unsigned long)arg_int(c, s, 0), 0, 0, 0) < 0) fail(c, errno, "prctl(PR_SET_DUMPABLE)");
    break;
  case OP_RESET_SIGNALS: {
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int sig = 1; sig < NSIG; sig++) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      signal(sig, SIG_DFL);
    }
    break;
  }
  }
}
