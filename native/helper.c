/*
 * berth-helper: executes a plan computed by berth's TypeScript runtime and, when asked, stays
 * as the parent of the container process. It decides nothing about containers: every path,
 * flag, id and order comes from the plan (see protocol.h for the sequence).
 *
 * Usage: berth-helper <sync-fd>
 *        berth-helper mount <source> <target> <fstype> <flags> <data>
 *        berth-helper umount <target> <flags>
 */
#include "helper.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

/*
 * CVE-2019-5736: a container process can open /proc/<pid>/exe of a runtime process that has
 * entered its namespaces and, once that process is gone, write through it to the binary on the
 * host. We run from a sealed, in-memory copy instead, so there is no host file to reach.
 */
static void ensure_sealed_copy(char **argv) {
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) return; /* no /proc: nothing to protect from either */
  int seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & F_SEAL_WRITE)) {
    close(self);
    return;
  }
  int mfd = memfd_create("berth-helper", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  struct stat st;
  if (mfd < 0 || fstat(self, &st) < 0) {
    dprintf(2, "berth-helper: cannot make a sealed copy of itself: %s\n", strerror(errno));
    _exit(1);
  }
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = sendfile(mfd, self, &off, (size_t)(st.st_size - off));
    if (n <= 0) {
      dprintf(2, "berth-helper: copying itself to a memfd: %s\n", strerror(n < 0 ? errno : EIO));
      _exit(1);
    }
  }
  close(self);
  if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
    dprintf(2, "berth-helper: sealing its copy: %s\n", strerror(errno));
    _exit(1);
  }
  extern char **environ;
  fexecve(mfd, argv, environ);
  dprintf(2, "berth-helper: executing its sealed copy: %s\n", strerror(errno));
  _exit(1);
}

static int tracing;

/* BERTH_TRACE=1: each step's duration on stderr, to find where start-up time goes. */
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void run_stage(struct ctx *c, uint8_t stage) {
  for (uint32_t i = 0; i < c->plan.nsteps; i++) {
    const struct step *s = &c->plan.steps[i];
    if (s->stage != stage) continue;
    c->step = (int)i;
    double t0 = tracing ? now_ms() : 0;
    run_step(c, s);
    if (tracing) dprintf(2, "helper trace: stage %u step %u op %u: %.3f ms\n", stage, i, s->op, now_ms() - t0);
  }
  c->step = -1;
}

/* clone(2) without a new stack behaves like fork but takes namespace flags; glibc's fork cannot. */
static pid_t clone_like_fork(unsigned long flags) {
  return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
struct clone_args_v2 {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* Born in its cgroup v2 directory: no migration afterwards, and so no wait for the RCU grace
 * period that moving a process between cgroups costs (10-15 ms here). Kernels without clone3
 * or CLONE_INTO_CGROUP fall back to clone + writing cgroup.procs. */
static pid_t clone_into_cgroup(struct ctx *c, unsigned long flags) {
  if (c->plan.cgroup_slot >= 0) {
    struct clone_args_v2 args;
    memset(&args, 0, sizeof args);
    args.flags = flags | CLONE_INTO_CGROUP;
    args.exit_signal = SIGCHLD;
    args.cgroup = (uint64_t)slot_fd(c, c->plan.cgroup_slot);
    pid_t p = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (p >= 0) {
      c->born_in_cgroup = 1;
      return p;
    }
    if (errno != ENOSYS && errno != E2BIG && errno != EINVAL) return -1;
  }
  return clone_like_fork(flags);
}

static void read_plan(struct ctx *c) {
  struct berth_msg_hdr h;
  if (read_full(c->sync_fd, &h, sizeof h) < 0) fail(c, errno, "reading the plan header");
  if (h.type != MSG_PLAN || h.len > (64u << 20)) fail(c, EPROTO, "internal error: expected a plan message, got type %u", h.type);
  uint8_t *buf = malloc(h.len ? h.len : 1);
  if (!buf) fail(c, ENOMEM, "allocating the plan");
  if (read_full(c->sync_fd, buf, h.len) < 0) fail(c, errno, "reading the plan");
  if (decode_plan(buf, h.len, &c->plan) < 0) fail(c, EPROTO, "internal error: the plan could not be decoded");
}

static void wait_byte(struct ctx *c, int fd, const char *what) {
  char b;
  ssize_t n;
  do n = read(fd, &b, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) _exit(1); /* the other side failed and has reported why */
  (void)c;
  (void)what;
}

static void send_byte(struct ctx *c, int fd, const char *what) {
  char b = 'g';
  if (write_full(fd, &b, 1) < 0) fail(c, errno, "internal error: signalling %s", what);
}

/*
 * mount(2) and umount2(2) for the storage layer (a container's overlay rootfs): `berth run`
 * then loads no FFI library (koffi costs ~8 ms to load) for two system calls. Empty strings are
 * NULL; flags are numbers (strtoul base 0); relative paths are from the caller's working
 * directory. Exit status 0, or the errno of the failed call (all are below 255), or 255 for a
 * malformed command line. Not run from the sealed copy: this process never enters a container's
 * namespaces, so no container can reach its /proc/<pid>/exe, and it exits once the call returns.
 */
static int host_mount_mode(int argc, char **argv) {
  char *end;
  if (strcmp(argv[1], "mount") == 0 && argc == 7) {
    unsigned long flags = strtoul(argv[5], &end, 0);
    if (*argv[5] == '\0' || *end != '\0') return 255;
    const char *src = *argv[2] ? argv[2] : NULL, *fstype = *argv[4] ? argv[4] : NULL, *data = *argv[6] ? argv[6] : NULL;
    return mount(src, argv[3], fstype, flags, data) < 0 ? errno : 0;
  }
  if (strcmp(argv[1], "umount") == 0 && argc == 4) {
    unsigned long flags = strtoul(argv[3], &end, 0);
    if (*argv[3] == '\0' || *end != '\0') return 255;
    return umount2(argv[2], (int)flags) < 0 ? errno : 0;
  }
  dprintf(2, "usage: berth-helper mount <source> <target> <fstype> <flags> <data> | umount <target> <flags>\n");
  return 255;
}

int main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "mount") == 0 || strcmp(argv[1], "umount") == 0)) return host_mount_mode(argc, argv);
  struct ctx c;
  memset(&c, 0, sizeof c);
  c.sync_fd = -1;
  c.step = -1;
  for (int i = 0; i < BERTH_MAX_SLOTS; i++) c.slots[i] = -1;
  if (argc != 2) {
    dprintf(2, "usage: berth-helper <sync-fd>\n");
    return 2;
  }
  ensure_sealed_copy(argv);
  tracing = getenv("BERTH_TRACE") != NULL;
  c.sync_fd = atoi(argv[1]);
  if (fcntl(c.sync_fd, F_SETFD, FD_CLOEXEC) < 0) {
    dprintf(2, "berth-helper: sync fd %s: %s\n", argv[1], strerror(errno));
    return 2;
  }
  /* The runtime passes fds 0..sync_fd; anything above came from whoever started the runtime
   * (a shell's lock fd, a harness's pipe) and must not live on in a monitor that outlives them
   * all (conmon closes them too). */
  if (syscall(SYS_close_range, c.sync_fd + 1, ~0U, 0) < 0) {
    for (int fd = c.sync_fd + 1; fd < 1024; fd++) close(fd);
  }
  read_plan(&c);

  run_stage(&c, STAGE_PARENT_PRE);
  if (c.plan.flags & PLAN_FLAG_NO_PROCESS) _exit(0);
  if (c.plan.flags & PLAN_FLAG_EXTERNAL_RUNTIME) {
    /* the runtime's create ran among the PARENT_PRE steps and left us its init's pid */
    int32_t pid32 = c.child;
    send_msg(&c, MSG_PID, -1, 0, &pid32, sizeof pid32);
    run_stage(&c, STAGE_PARENT_POST);
    send_msg(&c, MSG_CREATED, -1, 0, NULL, 0);
    close(c.sync_fd);
    c.sync_fd = -1;
    run_monitor(&c, c.child);
  }

  /* H <-> S1: S1 waits for its maps and cgroups; S1 answers with the pid of S2.
   * H -> S2: S2 waits until H has announced its pid, so MSG_PID is the first thing node reads. */
  int to_s1[2], from_s1[2], to_s2[2];
  if (pipe2(to_s1, O_CLOEXEC) < 0 || pipe2(from_s1, O_CLOEXEC) < 0 || pipe2(to_s2, O_CLOEXEC) < 0)
    fail(&c, errno, "creating internal pipes");

  pid_t s1 = clone_into_cgroup(&c, c.plan.clone_flags);
  if (s1 < 0) fail(&c, errno, "clone with namespace flags 0x%x", c.plan.clone_flags);
  if (s1 == 0) {
    close(to_s1[1]);
    close(from_s1[0]);
    close(to_s2[1]);
    wait_byte(&c, to_s1[0], "maps");
    run_stage(&c, STAGE_CHILD);
    pid_t s2 = clone_like_fork(CLONE_PARENT);
    if (s2 < 0) fail(&c, errno, "clone of the container process");
    if (s2 == 0) {
      close(from_s1[1]);
      close(to_s1[0]);
      wait_byte(&c, to_s2[0], "start of init");
      close(to_s2[0]);
      run_stage(&c, STAGE_INIT);
      _exit(0);
    }
    if (write_full(from_s1[1], &s2, sizeof s2) < 0) fail(&c, errno, "internal error: reporting the init pid");
    _exit(0);
  }
  close(to_s1[0]);
  close(from_s1[1]);
  close(to_s2[0]);

  c.child = s1;
  run_stage(&c, STAGE_PARENT_MAP);
  send_byte(&c, to_s1[1], "the namespace stage");
  close(to_s1[1]);

  pid_t s2 = -1;
  int st;
  if (read_full(from_s1[0], &s2, sizeof s2) < 0) {
    /* S1 failed and reported why; collect it so it does not linger as a zombie */
    waitpid(s1, &st, 0);
    _exit(1);
  }
  close(from_s1[0]);
  waitpid(s1, &st, 0);

  c.child = s2;
  int32_t pid32 = s2;
  send_msg(&c, MSG_PID, -1, 0, &pid32, sizeof pid32);
  send_byte(&c, to_s2[1], "the init");
  close(to_s2[1]);
  run_stage(&c, STAGE_PARENT_POST);

  if (c.plan.wait_mode == WAIT_DETACH) _exit(0);
  if (c.plan.wait_mode == WAIT_MONITOR) {
    /* the engine command that started us leaves once the container is created */
    close(c.sync_fd);
    c.sync_fd = -1;
    run_monitor(&c, s2);
  }

  /* The container's signals are forwarded by the runtime, which sends them to the container
   * directly; H only must not die of the terminal's. */
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  int status = 0;
  if (c.plan.tty_proxy_slot >= 0) {
    proxy_tty(&c, slot_fd(&c, c.plan.tty_proxy_slot), s2, &status);
  } else {
    while (waitpid(s2, &status, 0) < 0) {
      if (errno != EINTR) fail(&c, errno, "waiting for the container process");
    }
  }
  int32_t st32 = status;
  send_msg(&c, MSG_EXITED, -1, 0, &st32, sizeof st32);
  _exit(0);
}
