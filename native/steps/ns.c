/* Namespace, fd and parent-side steps: opening the things the container will join, writing
 * id maps and cgroup membership of the child, joining and creating namespaces. */
#include "../helper.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void write_child_proc(struct ctx *c, const struct step *s) {
  const char *name = arg_str(c, s, 0);
  const char *content = arg_str(c, s, 1);
  char path[128];
  snprintf(path, sizeof path, "/proc/%d/%s", c->child, name);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(c, errno, "open %s", path);
  if (write_full(fd, content, s->lens[1]) < 0) fail(c, errno, "write %s", path);
  close(fd);
}

static void cgroup_enter(struct ctx *c, const struct step *s) {
  const char *path = arg_str(c, s, 0);
  if (s->nint > 0 && s->ints[0] && c->born_in_cgroup) return;
  char pid[32];
  int n = snprintf(pid, sizeof pid, "%d", c->child);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(c, errno, "open %s", path);
  if (write_full(fd, pid, (size_t)n) < 0) fail(c, errno, "write pid %s to %s", pid, path);
  close(fd);
}

/* S1 moves itself: "0" in a cgroup v1 hierarchy's `tasks` file migrates the calling thread,
 * which the kernel does without the global threadgroup lock that a move by pid through
 * cgroup.procs takes, and whose first write lock waits out an RCU grace period (10-19 ms on a
 * hybrid host, for every container). S1 is single-threaded (a clone of this single-threaded
 * helper), so its one thread is the whole process; the init is cloned from it afterwards. */
static void cgroup_join_self(struct ctx *c, const struct step *s) {
  const char *path = arg_str(c, s, 0);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(c, errno, "open %s", path);
  if (write_full(fd, "0", 1) < 0) fail(c, errno, "write 0 (this process) to %s", path);
  close(fd);
}

/* A helper program such as newuidmap, whose arguments TypeScript chose; "{pid}" is the child.
 * Its stderr is kept: on failure its own words go into the report (newuidmap says which range
 * it refused). */
static void run_tool(struct ctx *c, const struct step *s) {
  char pid[32];
  snprintf(pid, sizeof pid, "%d", c->child);
  char **argv = calloc(s->nstr + 1u, sizeof(char *));
  if (!argv) fail(c, ENOMEM, "allocating arguments");
  for (unsigned i = 0; i < s->nstr; i++) argv[i] = strcmp(s->strs[i], "{pid}") == 0 ? pid : s->strs[i];
  int errp[2];
  if (pipe2(errp, O_CLOEXEC) < 0) fail(c, errno, "pipe for %s", argv[0]);
  pid_t p = fork();
  if (p < 0) fail(c, errno, "fork for %s", argv[0]);
  if (p == 0) {
    dup2(errp[1], 2);
    execv(argv[0], argv);
    dprintf(2, "exec %s: %s", argv[0], strerror(errno));
    _exit(127);
  }
  close(errp[1]);
  char out[512];
  size_t len = 0;
  ssize_t n;
  while ((n = read(errp[0], out + len, sizeof out - 1 - len)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    len += (size_t)n;
    if (len == sizeof out - 1) break;
  }
  out[len] = '\0';
  close(errp[0]);
  while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' ')) out[--len] = '\0';
  for (char *q = out; *q; q++)
    if (*q == '\n') *q = ' ';
  int st;
  while (waitpid(p, &st, 0) < 0)
    if (errno != EINTR) fail(c, errno, "waiting for %s", argv[0]);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    fail(c, 0, "%s exited with %s %d%s%s", argv[0], WIFEXITED(st) ? "status" : "signal",
         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), len ? ": " : "", out);
  free(argv);
}

/* A socket's address. sun_path holds 107 bytes, less than a runroot under /tmp or /run/user needs
 * for <runroot>/containers/<64 hex>/attach.sock; a longer path is reached through its directory,
 * opened here, as "/proc/self/fd/<dirfd>/<name>" (conmon's way). Returns that fd (the caller closes
 * it after bind or connect) or -1. */
static int socket_address(struct ctx *c, const char *path, struct sockaddr_un *addr) {
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if (strlen(path) < sizeof addr->sun_path) {
    strcpy(addr->sun_path, path);
    return -1;
  }
  const char *slash = strrchr(path, '/');
  if (!slash || strlen(slash + 1) + 32 >= sizeof addr->sun_path) fail(c, ENAMETOOLONG, "socket path \"%s\"", path);
  char dir[4096];
  size_t dlen = slash == path ? 1 : (size_t)(slash - path);
  if (dlen >= sizeof dir) fail(c, ENAMETOOLONG, "socket path \"%s\"", path);
  memcpy(dir, path, dlen);
  dir[dlen] = '\0';
  int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) fail(c, errno, "open directory \"%s\" of socket \"%s\"", dir, path);
  snprintf(addr->sun_path, sizeof addr->sun_path, "/proc/self/fd/%d/%s", dfd, slash + 1);
  return dfd;
}

static void connect_unix(struct ctx *c, const struct step *s) {
  const char *path = arg_str(c, s, 0);
  struct sockaddr_un addr;
  int dfd = socket_address(c, path, &addr);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(c, errno, "socket for \"%s\"", path);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) fail(c, errno, "connect to \"%s\"", path);
  if (dfd >= 0) close(dfd);
  set_slot(c, arg_int(c, s, 0), fd);
}

void step_ns(struct ctx *c, const struct step *s) {
  switch (s->op) {
  case OP_OPEN: {
    const char *path = arg_str(c, s, 0);
    int fd = open(path, (int)arg_int(c, s, 1) | O_CLOEXEC, (mode_t)arg_int(c, s, 2));
    if (fd < 0) fail(c, errno, "open \"%s\"", path);
    set_slot(c, arg_int(c, s, 0), fd);
    break;
  }
  case OP_CONNECT_UNIX:
    connect_unix(c, s);
    break;
  case OP_PIPE: {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) fail(c, errno, "pipe");
    set_slot(c, arg_int(c, s, 0), p[0]);
    set_slot(c, arg_int(c, s, 1), p[1]);
    break;
  }
  case OP_LISTEN_UNIX: {
    const char *path = arg_str(c, s, 0);
    struct sockaddr_un addr;
    int dfd = socket_address(c, path, &addr);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(c, errno, "socket for \"%s\"", path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) fail(c, errno, "bind \"%s\"", path);
    if (dfd >= 0) close(dfd);
    if (chmod(path, (mode_t)arg_int(c, s, 1)) < 0) fail(c, errno, "chmod \"%s\"", path);
    if (listen(fd, 16) < 0) fail(c, errno, "listen on \"%s\"", path);
    set_slot(c, arg_int(c, s, 0), fd);
    break;
  }
  case OP_SOCKETPAIR: {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) fail(c, errno, "socketpair");
    set_slot(c, arg_int(c, s, 0), sv[0]);
    set_slot(c, arg_int(c, s, 1), sv[1]);
    break;
  }
  case OP_WRITE_CHILD_PROC:
    write_child_proc(c, s);
    break;
  case OP_RUN_TOOL:
    run_tool(c, s);
    break;
  case OP_CGROUP_ENTER:
    cgroup_enter(c, s);
    break;
  case OP_CGROUP_JOIN_SELF:
    cgroup_join_self(c, s);
    break;
  case OP_SETNS:
    if (setns(slot_fd(c, arg_int(c, s, 0)), (int)arg_int(c, s, 1)) < 0) fail(c, errno, "setns");
    break;
  case OP_UNSHARE:
    if (unshare((int)arg_int(c, s, 0)) < 0) fail(c, errno, "unshare with flags 0x%llx", (unsigned long long)arg_int(c, s, 0));
    break;
  case OP_SETHOSTNAME: {
    const char *name = arg_str(c, s, 0);
    if (sethostname(name, s->lens[0]) < 0) fail(c, errno, "sethostname \"%s\"", name);
    break;
  }
  case OP_SETDOMAINNAME: {
    const char *name = arg_str(c, s, 0);
    if (setdomainname(name, s->lens[0]) < 0) fail(c, errno, "setdomainname \"%s\"", name);
    break;
  }
  case OP_DUP_SLOT: {
    int fd = slot_fd(c, arg_int(c, s, 0));
    int target = (int)arg_int(c, s, 1);
    if (fd != target && dup2(fd, target) < 0) fail(c, errno, "dup2 to fd %d", target);
    break;
  }
  case OP_CLOSE_SLOT: {
    int64_t slot = arg_int(c, s, 0);
    close(slot_fd(c, slot));
    set_slot(c, slot, -1);
    break;
  }
  }
}
