/*
 * An external OCI runtime (runc, crun) makes the container; this helper stays as its monitor, as
 * conmon does for podman. The helper is already the subreaper (OP_SUBREAPER): it runs
 * `<runtime> create` as its child with the container's stdio (pipes it owns) as the runtime's,
 * which runc and crun hand on to the container's init; with a terminal it listens on the
 * --console-socket and receives the pty's master. When `create` exits its init is orphaned and
 * reparented to us, so from then on it is watched exactly as berth's own init is (monitor.c).
 *
 * The argv, the pid file and every fd are the plan's; a failure is reported with what the
 * runtime wrote on its stderr (the message the user needs), or as (step, errno) for our calls.
 */
#include "../helper.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* dup2 leaves FD_CLOEXEC on when from == to: the runtime would lose that fd at exec. */
static int move_to(int from, int to) {
  if (from == to) return fcntl(to, F_SETFD, 0);
  return dup2(from, to) < 0 ? -1 : 0;
}

static __attribute__((noreturn)) void exec_runtime(int in, int out, int err, int report, char **argv) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* fds 0-2 may already be where another of the three must go: lift them above first */
  int fds[3] = {fcntl(in, F_DUPFD_CLOEXEC, 3), fcntl(out, F_DUPFD_CLOEXEC, 3), fcntl(err, F_DUPFD_CLOEXEC, 3)};
  for (int i = 0; i < 3; i++) {
    if (fds[i] < 0 || move_to(fds[i], i) < 0) {
      int e = errno;
      (void)!write(report, &e, sizeof e);
      _exit(127);
    }
  }
  extern char **environ;
  execve(argv[0], argv, environ);
  int e = errno;
  (void)!write(report, &e, sizeof e);
  _exit(127);
}

/* What the runtime said before failing, without the trailing newline. */
static void read_error_text(int fd, char *buf, size_t len) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  size_t got = 0;
  while (got + 1 < len) {
    ssize_t n = read(fd, buf + got, len - 1 - got);
    if (n <= 0) break;
    got += (size_t)n;
  }
  while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' ')) got--;
  buf[got] = '\0';
}

/* Waits for the runtime's `create`; with a console socket, takes the pty master it sends
 * meanwhile (runc sends it before `create` returns). Returns the wait status. */
static int wait_runtime(struct ctx *c, pid_t rt, int listen_fd, int64_t pty_slot) {
  int status = 0;
  for (;;) {
    if (listen_fd >= 0 && c->slots[pty_slot] < 0) {
      struct pollfd p = {listen_fd, POLLIN, 0};
      if (poll(&p, 1, 20) > 0) {
        int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (conn >= 0) {
          int master = recv_one_fd(conn);
          close(conn);
          if (master >= 0) set_slot(c, pty_slot, master);
        }
      }
    }
    pid_t p = waitpid(rt, &status, listen_fd >= 0 && c->slots[pty_slot] < 0 ? WNOHANG : 0);
    if (p == rt) return status;
    if (p < 0 && errno != EINTR) fail(c, errno, "waiting for the runtime");
  }
}

static pid_t read_pid_file(struct ctx *c, const char *path) {
  char buf[32];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(c, errno, "reading the runtime's pid file \"%s\"", path);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) fail(c, EPROTO, "the runtime's pid file \"%s\" is empty", path);
  buf[n] = '\0';
  char *end;
  long pid = strtol(buf, &end, 10);
  if (pid <= 0 || (*end != '\0' && *end != '\n')) fail(c, EPROTO, "the runtime's pid file \"%s\" holds no pid", path);
  return (pid_t)pid;
}

void step_spawn_runtime(struct ctx *c, const struct step *s) {
  int in = slot_fd(c, arg_int(c, s, 0)), out = slot_fd(c, arg_int(c, s, 1)), err = slot_fd(c, arg_int(c, s, 2));
  int64_t listen_slot = arg_int(c, s, 3), pty_slot = arg_int(c, s, 4);
  int listen_fd = listen_slot >= 0 ? slot_fd(c, listen_slot) : -1;
  int error_fd = slot_fd(c, arg_int(c, s, 5));
  const char *pid_file = arg_str(c, s, 0);
  if (s->nstr < 2) fail(c, EINVAL, "internal error: no runtime command");
  char **argv = &s->strs[1];
  int report[2];
  if (pipe2(report, O_CLOEXEC) < 0) fail(c, errno, "pipe");
  pid_t rt = fork();
  if (rt < 0) fail(c, errno, "fork");
  if (rt == 0) exec_runtime(in, out, err, report[1], argv);
  close(report[1]);
  int exec_errno = 0;
  ssize_t n;
  do n = read(report[0], &exec_errno, sizeof exec_errno);
  while (n < 0 && errno == EINTR);
  close(report[0]);
  int status = wait_runtime(c, rt, n == sizeof exec_errno ? -1 : listen_fd, pty_slot);
  if (n == sizeof exec_errno) fail(c, exec_errno, "executing \"%s\"", argv[0]);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char text[2048];
    read_error_text(error_fd, text, sizeof text);
    if (text[0]) fail(c, 0, "%s", text);
    if (WIFSIGNALED(status)) fail(c, 0, "killed by signal %d", WTERMSIG(status));
    fail(c, 0, "exit status %d", WEXITSTATUS(status));
  }
  if (listen_fd >= 0 && c->slots[pty_slot] < 0) fail(c, EPROTO, "the runtime sent no terminal on its console socket");
  c->child = read_pid_file(c, pid_file);
}
