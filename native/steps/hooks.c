/* Hooks that run in the container's namespaces (createContainer, startContainer) and the create
 * barrier. Which hooks, their states and timeouts come from TypeScript; this runs them. */
#include "../helper.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void hook_sync(struct ctx *c, const struct step *s) {
  send_msg(c, MSG_HOOKS, (int32_t)arg_int(c, s, 0), 0, NULL, 0);
  struct berth_msg_hdr h;
  if (read_full(c->sync_fd, &h, sizeof h) < 0) _exit(1); /* the runtime gave up: it reports why */
  if (h.type != MSG_CONTINUE || h.len > (16u << 20)) fail(c, EPROTO, "internal error: expected CONTINUE, got message %u", h.type);
  char *buf = malloc(h.len + 1u);
  if (!buf || read_full(c->sync_fd, buf, h.len) < 0) fail(c, errno, "reading the hook states");
  uint32_t count, off = 4;
  if (h.len < 4) fail(c, EPROTO, "internal error: short CONTINUE");
  memcpy(&count, buf, 4);
  c->hook_states = calloc(count + 1u, sizeof(char *));
  if (!c->hook_states) fail(c, ENOMEM, "allocating hook states");
  for (uint32_t i = 0; i < count; i++) {
    uint32_t n;
    if (off + 4 > h.len) fail(c, EPROTO, "internal error: truncated CONTINUE");
    memcpy(&n, buf + off, 4);
    off += 4;
    if (off + n > h.len) fail(c, EPROTO, "internal error: truncated CONTINUE");
    c->hook_states[i] = strndup(buf + off, n);
    off += n;
  }
  c->nhook_states = count;
  free(buf);
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void run_hook(struct ctx *c, const struct step *s) {
  int64_t timeout = arg_int(c, s, 0);
  int64_t state_index = arg_int(c, s, 1);
  int64_t argc = arg_int(c, s, 2);
  const char *path = arg_str(c, s, 0);
  if (argc < 0 || argc + 1 > s->nstr) fail(c, EINVAL, "internal error: bad hook argc");
  char **argv = calloc((size_t)argc + 2, sizeof(char *));
  char **envp = calloc((size_t)(s->nstr - 1 - argc) + 1, sizeof(char *));
  if (!argv || !envp) fail(c, ENOMEM, "allocating hook arguments");
  for (int64_t i = 0; i < argc; i++) argv[i] = s->strs[1 + i];
  if (argc == 0) argv[0] = (char *)path;
  for (int64_t i = 1 + argc; i < s->nstr; i++) envp[i - 1 - argc] = s->strs[i];
  const char *state = (state_index >= 0 && (uint64_t)state_index < c->nhook_states) ? c->hook_states[state_index] : "";

  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) fail(c, errno, "pipes for hook \"%s\"", path);
  pid_t pid = fork();
  if (pid < 0) fail(c, errno, "fork for hook \"%s\"", path);
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    execve(path, argv, envp);
    dprintf(2, "exec: %s\n", strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  void (*old)(int) = signal(SIGPIPE, SIG_IGN); /* a hook need not read its stdin */
  (void)write_full(in[1], state, strlen(state));
  close(in[1]);
  signal(SIGPIPE, old);

  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) fail(c, errno, "pidfd_open for hook \"%s\"", path);
  char output[2048];
  size_t got = 0;
  long deadline = timeout > 0 ? now_ms() + timeout * 1000L : -1;
  int out_open = 1, exited = 0;
  while (!exited) {
    int wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
    if (deadline >= 0 && wait <= 0) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      fail(c, 0, "timed out after %lld s", (long long)timeout);
    }
    struct pollfd p[2] = {{pidfd, POLLIN, 0}, {out_open ? out[0] : -1, POLLIN, 0}};
    if (poll(p, 2, wait) < 0 && errno != EINTR) fail(c, errno, "waiting for hook \"%s\"", path);
    if (p[1].revents & (POLLIN | POLLHUP)) {
      char buf[1024];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) out_open = 0;
      else if (got < sizeof output - 1) {
        size_t take = (size_t)n < sizeof output - 1 - got ? (size_t)n : sizeof output - 1 - got;
        memcpy(output + got, buf, take);
        got += take;
      }
    }
    if (p[0].revents & POLLIN) exited = 1;
  }
  output[got] = '\0';
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) fail(c, errno, "collecting hook \"%s\"", path);
  close(pidfd);
  close(out[0]);
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return;
  while (got > 0 && (output[got - 1] == '\n' || output[got - 1] == ' ')) output[--got] = '\0';
  if (WIFEXITED(st)) fail(c, 0, "exited with status %d%s%s", WEXITSTATUS(st), got ? ": " : "", output);
  fail(c, 0, "killed by signal %d%s%s", WTERMSIG(st), got ? ": " : "", output);
}

static void exit_on_signal(int sig) { _exit(128 + sig); }

static void barrier(struct ctx *c, const struct step *s) {
  int64_t fifo_slot = arg_int(c, s, 0);
  /* As the init of a new pid namespace, a signal without a handler is ignored; `kill` of a
   * created container must still end it. RESET_SIGNALS restores the defaults before exec. */
  int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], exit_on_signal);
  int close_sync = (int)arg_int(c, s, 1);
  int fifo = slot_fd(c, fifo_slot);
  send_msg(c, MSG_CREATED, -1, 0, NULL, 0);
  if (close_sync) {
    close(c->sync_fd);
    c->sync_fd = -1;
  }
  char b;
  ssize_t n;
  do n = read(fifo, &b, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) fail(c, n < 0 ? errno : EPIPE, "waiting for the start signal");
  close(fifo);
  set_slot(c, fifo_slot, -1);
}

void step_hooks(struct ctx *c, const struct step *s) {
  switch (s->op) {
  case OP_HOOK_SYNC:
    hook_sync(c, s);
    break;
  case OP_RUN_HOOK:
    run_hook(c, s);
    break;
  case OP_BARRIER:
    barrier(c, s);
    break;
  }
}
