/*
 * The per-container monitor (what conmon is for podman): the helper stays as the parent of the
 * container, copies its output into a log (CRI "k8s-file" lines, rotated by size), serves attach
 * clients over a unix socket, records the exit status in the exit file, then execs the exit
 * command, which is berth itself deciding what the exit means (cleanup, --rm, restart policy).
 *
 * Attach protocol, both directions: frames of {u8 type, u32 length (little-endian), data}.
 *   monitor -> client: 1 stdout, 2 stderr, 3 exit (data: int32 exit code)
 *   client -> monitor: 0 stdin data, 4 resize (u16 rows, u16 cols), 5 close stdin,
 *                      6 claim the cleanup (this client runs the exit command's work itself),
 *                      7 spawn a helper on this connection
 *   monitor -> client: 7 (the answer to 7) from here on the connection is a new helper's plan
 *                      channel; the monitor reads and writes no more of it
 *
 * 7 is how the engine's `exec -d` gets a parent that stays: the helper that runs the exec plan is
 * the monitor's child, and the exec'd process, orphaned when that helper leaves, comes to the
 * monitor (a subreaper), which reaps it. Without it the process would go to whatever subreaper is
 * above the short-lived `berth exec`, or to init.
 */
#include "../helper.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 16

enum { F_STDIN = 0, F_STDOUT = 1, F_STDERR = 2, F_EXIT = 3, F_RESIZE = 4, F_CLOSE_STDIN = 5, F_CLAIM_CLEANUP = 6, F_SPAWN_HELPER = 7 };

struct client {
  int fd;
  int claimed;
  unsigned char hdr[5];
  size_t hdr_got;
  uint32_t need;
  unsigned char *body;
  size_t body_got;
};

struct monitor {
  int out, err, in, pty, listen;
  long max_size;
  int max_files;
  const char *log_path;
  const char *exit_file;
  char **exit_argv;
  int log;
  long log_size;
  int partial[3]; /* the last line written for a stream had no newline yet */
  /* stdin for the container that its pipe (or the pty) did not take yet: the fd is non-blocking,
   * so a program that reads slowly gets all of it, later, while its output keeps flowing */
  unsigned char *inbuf;
  size_t inlen, incap;
  int close_in_pending; /* a client closed stdin: close it once inbuf is written */
  struct client clients[MAX_CLIENTS];
};

static struct monitor mon;
/* the container's rootfs mount, unmounted by the monitor when the container is over: the engine
 * would otherwise start a process just to make this one call (OP_UNMOUNT_AT_EXIT) */
static const char *unmount_at_exit;

static void open_log(void) {
  mon.log = open(mon.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  struct stat st;
  mon.log_size = (mon.log >= 0 && fstat(mon.log, &st) == 0) ? st.st_size : 0;
}

/* log -> log.1 -> log.2 ...; the oldest beyond max_files is dropped. */
static void rotate_log(void) {
  char from[4096], to[4096];
  if (mon.log >= 0) close(mon.log);
  for (int i = mon.max_files - 1; i >= 1; i--) {
    snprintf(from, sizeof from, i == 1 ? "%s" : "%s.%d", mon.log_path, i - 1);
    snprintf(to, sizeof to, "%s.%d", mon.log_path, i);
    rename(from, to);
  }
  if (mon.max_files <= 1) unlink(mon.log_path);
  open_log();
}

static void timestamp(char *buf, size_t len) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

/* One CRI log line per line of output: "<time> <stream> <F|P> <text>\n". A chunk that does not
 * end in a newline is written as a partial ("P") line, as the kubelet's format has it. */
static void log_output(int stream, const char *data, size_t len) {
  if (mon.log < 0) return;
  const char *name = stream == F_STDOUT ? "stdout" : "stderr";
  while (len > 0) {
    const char *nl = memchr(data, '\n', len);
    size_t line = nl ? (size_t)(nl - data) : len;
    char ts[64];
    timestamp(ts, sizeof ts);
    char head[96];
    int hn = snprintf(head, sizeof head, "%s %s %c ", ts, name, nl ? 'F' : 'P');
    if (mon.max_size > 0 && mon.log_size + hn + (long)line + 1 > mon.max_size && mon.log_size > 0) rotate_log();
    if (mon.log < 0) return;
    (void)write_full(mon.log, head, (size_t)hn);
    (void)write_full(mon.log, data, line);
    (void)write_full(mon.log, "\n", 1);
    mon.log_size += hn + (long)line + 1;
    if (!nl) return;
    data = nl + 1;
    len -= line + 1;
  }
}

static void send_frame(int fd, int type, const void *data, uint32_t len) {
  unsigned char hdr[5] = {(unsigned char)type, (unsigned char)len, (unsigned char)(len >> 8), (unsigned char)(len >> 16),
                          (unsigned char)(len >> 24)};
  if (write_full(fd, hdr, 5) < 0 || (len && write_full(fd, data, len) < 0)) shutdown(fd, SHUT_RDWR);
}

static void broadcast(int type, const void *data, uint32_t len) {
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (mon.clients[i].fd >= 0) send_frame(mon.clients[i].fd, type, data, len);
}

static void drop_client(struct client *cl) {
  close(cl->fd);
  free(cl->body);
  memset(cl, 0, sizeof *cl);
  cl->fd = -1;
}

/* Past this much stdin waiting for the container, clients are not read (the socket pushes back
 * on them) until it drains. */
#define INBUF_HIGH (1u << 20)

static int stdin_target(void) { return mon.pty >= 0 ? mon.pty : mon.in; }

static void close_stdin(void) {
  if (mon.in >= 0) close(mon.in);
  mon.in = -1;
  mon.inlen = 0;
  mon.close_in_pending = 0;
}

/* Writes what the fd takes now; returns how much, or -1 when it will take nothing more (the
 * reader is gone). */
static ssize_t write_some(int fd, const unsigned char *d, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, d + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) break;
    if (w <= 0) return -1;
    done += (size_t)w;
  }
  return (ssize_t)done;
}

static void flush_stdin(void) {
  int fd = stdin_target();
  if (fd >= 0 && mon.inlen > 0) {
    ssize_t w = write_some(fd, mon.inbuf, mon.inlen);
    if (w < 0) {
      /* the program closed its stdin or exited: what it did not read is dropped */
      mon.inlen = 0;
      if (fd == mon.in) close_stdin();
    } else {
      memmove(mon.inbuf, mon.inbuf + w, mon.inlen - (size_t)w);
      mon.inlen -= (size_t)w;
    }
  }
  if (mon.inlen == 0 && mon.close_in_pending) close_stdin();
}

static void queue_stdin(const unsigned char *d, size_t n) {
  int fd = stdin_target();
  if (fd < 0 || n == 0) return;
  if (mon.inlen == 0) {
    ssize_t w = write_some(fd, d, n);
    if (w < 0) {
      if (fd == mon.in) close_stdin();
      return;
    }
    d += w;
    n -= (size_t)w;
    if (n == 0) return;
  }
  if (mon.inlen + n > mon.incap) {
    size_t cap = mon.incap ? mon.incap : 65536;
    while (cap < mon.inlen + n) cap *= 2;
    unsigned char *b = realloc(mon.inbuf, cap);
    if (!b) return;
    mon.inbuf = b;
    mon.incap = cap;
  }
  memcpy(mon.inbuf + mon.inlen, d, n);
  mon.inlen += n;
}

/* The connection becomes fd 3 of a new helper (this same sealed binary), which reads its plan from
 * it; stdio is /dev/null. The monitor forgets the client: it has been handed over. A fork that
 * fails drops the connection, which the client sees as the end of the stream. */
static void spawn_helper(struct client *cl) {
  send_frame(cl->fd, F_SPAWN_HELPER, NULL, 0);
  pid_t p = fork();
  if (p == 0) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int chan = fcntl(cl->fd, F_DUPFD_CLOEXEC, 10);
    if (null < 0 || chan < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 || dup2(chan, 3) < 0) _exit(127);
    /* what the monitor set for itself must not reach the helper (an ignored SIGPIPE survives exec) */
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    char *argv[] = {"berth-helper", "3", NULL};
    extern char **environ;
    execve("/proc/self/exe", argv, environ);
    _exit(127);
  }
  drop_client(cl);
}

/* Returns 0 once the client is no longer ours (handed to a helper). */
static int client_message(struct client *cl, int type) {
  if (type == F_SPAWN_HELPER) {
    spawn_helper(cl);
    return 0;
  }
  if (type == F_STDIN) {
    queue_stdin(cl->body, cl->need);
  } else if (type == F_RESIZE && mon.pty >= 0 && cl->need >= 4) {
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    ws.ws_row = (unsigned short)(cl->body[0] | cl->body[1] << 8);
    ws.ws_col = (unsigned short)(cl->body[2] | cl->body[3] << 8);
    ioctl(mon.pty, TIOCSWINSZ, &ws);
  } else if (type == F_CLAIM_CLEANUP) {
    cl->claimed = 1;
  } else if (type == F_CLOSE_STDIN && mon.in >= 0) {
    if (mon.inlen > 0) mon.close_in_pending = 1;
    else close_stdin();
  }
  return 1;
}

static void read_client(struct client *cl) {
  unsigned char buf[8192];
  ssize_t n = read(cl->fd, buf, sizeof buf);
  if (n <= 0) {
    drop_client(cl);
    return;
  }
  for (ssize_t i = 0; i < n;) {
    if (cl->hdr_got < 5) {
      cl->hdr[cl->hdr_got++] = buf[i++];
      if (cl->hdr_got == 5) {
        cl->need = (uint32_t)cl->hdr[1] | (uint32_t)cl->hdr[2] << 8 | (uint32_t)cl->hdr[3] << 16 | (uint32_t)cl->hdr[4] << 24;
        if (cl->need > (1u << 20)) {
          drop_client(cl);
          return;
        }
        free(cl->body);
        cl->body = malloc(cl->need ? cl->need : 1);
        cl->body_got = 0;
      }
    }
    if (cl->hdr_got == 5) {
      size_t take = (size_t)(n - i) < cl->need - cl->body_got ? (size_t)(n - i) : cl->need - cl->body_got;
      memcpy(cl->body + cl->body_got, buf + i, take);
      cl->body_got += take;
      i += (ssize_t)take;
      if (cl->body_got == cl->need) {
        if (!client_message(cl, cl->hdr[0])) return;
        cl->hdr_got = 0;
      }
    }
  }
}

/* Returns 0 when no connection was waiting. */
static int accept_client(void) {
  int fd = accept4(mon.listen, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return 0;
  for (int i = 0; i < MAX_CLIENTS; i++) {
    if (mon.clients[i].fd < 0) {
      mon.clients[i].fd = fd;
      return 1;
    }
  }
  close(fd);
  return 1;
}

/* A client that connected (or sent a claim) just before a short-lived container exited must
 * still get the exit code and have its frames seen: take every waiting connection and byte. */
static void take_pending_clients(void) {
  if (mon.listen >= 0) {
    fcntl(mon.listen, F_SETFL, fcntl(mon.listen, F_GETFL) | O_NONBLOCK);
    while (accept_client()) {
    }
  }
  for (int i = 0; i < MAX_CLIENTS; i++) {
    while (mon.clients[i].fd >= 0) {
      struct pollfd p = {mon.clients[i].fd, POLLIN, 0};
      if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP))) break;
      read_client(&mon.clients[i]);
    }
  }
}

/* The end, for clients: EOF after the exit frame, then their own EOF awaited (at most 1 s) with
 * whatever they still send read and dropped. Closing a unix socket with unread data resets the
 * connection, and a client whose write (a resize, stdin) meets a closed socket gets EPIPE: either
 * way it would lose the output and the exit code still queued for it. */
static void close_clients(void) {
  struct timespec t0, now;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (mon.clients[i].fd >= 0) shutdown(mon.clients[i].fd, SHUT_WR);
  for (;;) {
    struct pollfd pf[MAX_CLIENTS];
    int open_clients = 0;
    for (int i = 0; i < MAX_CLIENTS; i++) {
      pf[i] = (struct pollfd){mon.clients[i].fd, POLLIN, 0};
      if (mon.clients[i].fd >= 0) open_clients++;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    long left = 1000 - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
    if (open_clients == 0 || left <= 0) break;
    if (poll(pf, MAX_CLIENTS, (int)left) < 0 && errno != EINTR) break;
    for (int i = 0; i < MAX_CLIENTS; i++) {
      if (mon.clients[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      ssize_t n = read(mon.clients[i].fd, buf, sizeof buf);
      if (n <= 0 && !(n < 0 && errno == EINTR)) drop_client(&mon.clients[i]);
    }
  }
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (mon.clients[i].fd >= 0) drop_client(&mon.clients[i]);
}

/* Returns 0 at end of file. */
static int pump(int fd, int stream) {
  char buf[65536];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) return n < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : 0;
  log_output(stream, buf, (size_t)n);
  broadcast(stream, buf, (uint32_t)n);
  return 1;
}

static void write_exit_file(int status) {
  char tmp[4096], ts[64], body[256];
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  timestamp(ts, sizeof ts);
  int n = snprintf(body, sizeof body, "{\"exitCode\":%d,\"signal\":%d,\"finishedAt\":\"%s\"}\n", code, sig, ts);
  snprintf(tmp, sizeof tmp, "%s.tmp", mon.exit_file);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  (void)write_full(fd, body, (size_t)n);
  fsync(fd);
  close(fd);
  rename(tmp, mon.exit_file);
}

void step_monitor_config(struct ctx *c, const struct step *s) {
  memset(&mon, 0, sizeof mon);
  mon.out = s->ints[0] >= 0 ? slot_fd(c, s->ints[0]) : -1;
  mon.err = s->ints[1] >= 0 ? slot_fd(c, s->ints[1]) : -1;
  mon.in = s->ints[2] >= 0 ? slot_fd(c, s->ints[2]) : -1;
  mon.pty = s->ints[3] >= 0 ? slot_fd(c, s->ints[3]) : -1;
  mon.listen = s->ints[4] >= 0 ? slot_fd(c, s->ints[4]) : -1;
  mon.max_size = (long)arg_int(c, s, 5);
  mon.max_files = (int)arg_int(c, s, 6);
  mon.log_path = arg_str(c, s, 0);
  mon.exit_file = arg_str(c, s, 1);
  mon.exit_argv = s->nstr > 2 ? &s->strs[2] : NULL;
  for (int i = 0; i < MAX_CLIENTS; i++) mon.clients[i].fd = -1;
}

void step_monitor_unmount(struct ctx *c, const struct step *s) {
  unmount_at_exit = arg_str(c, s, 0);
}

/* Before the exit file and the exit frame, which everyone who acts on the exit waits for: no
 * start of the same container can mount its rootfs again before this. EINVAL (not mounted) and
 * ENOENT (removed) are fine; anything else (EBUSY: a host process is inside) is left to the
 * engine's cleanup, which unmounts whatever is still mounted. */
static void unmount_rootfs(void) {
  if (!unmount_at_exit || umount2(unmount_at_exit, 0) == 0 || errno == EINVAL || errno == ENOENT) return;
  dprintf(2, "berth-helper: umount2 \"%s\": %s (left to the engine's cleanup)\n", unmount_at_exit, strerror(errno));
}

void step_subreaper(struct ctx *c, const struct step *s) {
  (void)s;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) fail(c, errno, "prctl(PR_SET_CHILD_SUBREAPER)");
}

/* Runs until the container's process has exited and its output is drained; never returns. */
void run_monitor(struct ctx *c, pid_t child) {
  signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (mon.in >= 0) fcntl(mon.in, F_SETFL, fcntl(mon.in, F_GETFL) | O_NONBLOCK);
  if (mon.pty >= 0) fcntl(mon.pty, F_SETFL, fcntl(mon.pty, F_GETFL) | O_NONBLOCK);
  open_log();
  health_start();
  int status = 0, exited = 0;
  long drain_deadline = 0;
  for (;;) {
    pid_t p;
    /* reap the container and any orphan it left us (we are their subreaper) */
    while ((p = waitpid(-1, exited ? NULL : &status, WNOHANG)) > 0) {
      if (p == child) {
        exited = 1;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        /* a daemon the container left behind may hold its stdout forever: give up after 1 s */
        drain_deadline = ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1000;
      } else {
        health_reaped(p);
      }
    }
    int streams_open = mon.out >= 0 || mon.err >= 0 || mon.pty >= 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long now_ms = now.tv_sec * 1000 + now.tv_nsec / 1000000;
    if (exited && (!streams_open || now_ms >= drain_deadline)) break;

    struct pollfd pf[6 + MAX_CLIENTS];
    int n = 0;
    int pending = mon.inlen > 0;
    pf[n++] = (struct pollfd){sfd, POLLIN, 0};
    pf[n++] = (struct pollfd){mon.out, POLLIN, 0};
    pf[n++] = (struct pollfd){mon.err, POLLIN, 0};
    pf[n++] = (struct pollfd){mon.pty, (short)(POLLIN | (pending ? POLLOUT : 0)), 0};
    /* still accepted after the exit, while the output drains: a client that connected before
     * the start (run's attach) may not have been accepted yet when a short-lived program is gone */
    pf[n++] = (struct pollfd){mon.listen, POLLIN, 0};
    pf[n++] = (struct pollfd){pending && mon.pty < 0 ? mon.in : -1, POLLOUT, 0};
    int held = mon.inlen >= INBUF_HIGH;
    for (int i = 0; i < MAX_CLIENTS; i++) pf[n++] = (struct pollfd){held ? -1 : mon.clients[i].fd, POLLIN, 0};
    int timeout = exited ? (int)(drain_deadline - now_ms) : health_poll_timeout();
    if (poll(pf, (nfds_t)n, timeout < 0 ? -1 : timeout) < 0) {
      if (errno == EINTR) continue;
      fail(c, errno, "monitor poll");
    }
    if (pf[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      (void)!read(sfd, &si, sizeof si);
    }
    /* a client connected before the container started (run's attach) is accepted before any
     * output is copied: both may be ready in one poll, and the client must get all of it */
    if (pf[4].revents & POLLIN) accept_client();
    if ((pf[1].revents & (POLLIN | POLLHUP)) && !pump(mon.out, F_STDOUT)) {
      close(mon.out);
      mon.out = -1;
    }
    if ((pf[2].revents & (POLLIN | POLLHUP)) && !pump(mon.err, F_STDERR)) {
      close(mon.err);
      mon.err = -1;
    }
    if ((pf[3].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(mon.pty, F_STDOUT)) {
      close(mon.pty);
      mon.pty = -1;
    }
    if ((pf[3].revents & POLLOUT) || (pf[5].revents & (POLLOUT | POLLERR | POLLHUP))) flush_stdin();
    for (int i = 0; i < MAX_CLIENTS; i++)
      if (mon.clients[i].fd >= 0 && (pf[6 + i].revents & (POLLIN | POLLHUP))) read_client(&mon.clients[i]);
    if (!exited) health_tick(&mask);
  }
  health_stop();
  unmount_rootfs();
  write_exit_file(status);
  /* clients still in the backlog get the exit code too, and their frames (a claim) are read */
  take_pending_clients();
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int32_t code32 = code;
  /* an attached `run` that claimed the cleanup does it in its own process, sooner than a new one */
  int claimed = 0;
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (mon.clients[i].fd >= 0 && mon.clients[i].claimed) claimed = 1;
  broadcast(F_EXIT, &code32, sizeof code32);
  close_clients();
  if (mon.log >= 0) close(mon.log);
  if (mon.listen >= 0) close(mon.listen);
  if (!claimed && mon.exit_argv && mon.exit_argv[0]) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
    }
    sigprocmask(SIG_UNBLOCK, &mask, NULL);
    extern char **environ;
    execve(mon.exit_argv[0], mon.exit_argv, environ);
    dprintf(2, "berth-helper: exec of the exit command %s: %s\n", mon.exit_argv[0], strerror(errno));
    _exit(1);
  }
  _exit(0);
}
