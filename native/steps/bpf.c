/* OP_BPF_DEVICES: the cgroup v2 devices "controller". Loads a BPF_PROG_TYPE_CGROUP_DEVICE
 * program compiled in TypeScript (src/runtime/cgroups/v2/device-program.ts) and attaches it to
 * the container's cgroup, replacing the program berth attached there before (an update).
 *
 * Order, as runc's: the new program is attached with BPF_F_ALLOW_MULTI first and the old ones
 * are detached after, so there is never a moment without a device policy. Only programs
 * attached to this very cgroup are listed (no BPF_F_QUERY_EFFECTIVE): a parent's policy,
 * systemd's say, stays and still applies on top of the container's. */
#include "../helper.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_OLD_PROGS 64

static int sys_bpf(int cmd, union bpf_attr *attr) {
  return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static uint64_t ptr(const void *p) {
  return (uint64_t)(uintptr_t)p;
}

/* The verifier's verdict is the last line of its log before the "processed N insns" summary. */
static const char *verifier_reason(char *log) {
  for (;;) {
    size_t n = strlen(log);
    while (n > 0 && (log[n - 1] == '\n' || log[n - 1] == ' ')) log[--n] = '\0';
    char *nl = strrchr(log, '\n');
    char *last = nl ? nl + 1 : log;
    if (strncmp(last, "processed ", 10) != 0 || last == log) return last;
    *last = '\0';
  }
}

static int load_program(struct ctx *c, const struct step *s, const char *license) {
  uint32_t len = s->lens[1];
  if (len == 0 || len % sizeof(struct bpf_insn) != 0) fail(c, EINVAL, "internal error: device program of %u bytes", len);
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = ptr(s->strs[1]);
  a.insn_cnt = len / sizeof(struct bpf_insn);
  a.license = ptr(license);
  int prog = sys_bpf(BPF_PROG_LOAD, &a);
  if (prog >= 0) return prog;
  int err = errno;
  if (err == EINVAL || err == EACCES) {
    /* a program the verifier refused: load again with its log to say why */
    static char log[16384];
    log[0] = '\0';
    a.log_buf = ptr(log);
    a.log_size = sizeof log;
    a.log_level = 1;
    if (sys_bpf(BPF_PROG_LOAD, &a) < 0 && log[0]) fail(c, err, "loading the device program (%u instructions): %s", a.insn_cnt, verifier_reason(log));
  }
  fail(c, err, "loading the device program (%u instructions)", a.insn_cnt);
}

void step_bpf_devices(struct ctx *c, const struct step *s) {
  const char *path = arg_str(c, s, 0);
  const char *license = arg_str(c, s, 2);
  int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) fail(c, errno, "opening cgroup \"%s\"", path);

  uint32_t old[MAX_OLD_PROGS];
  union bpf_attr q;
  memset(&q, 0, sizeof q);
  q.query.target_fd = (uint32_t)dir;
  q.query.attach_type = BPF_CGROUP_DEVICE;
  q.query.prog_ids = ptr(old);
  q.query.prog_cnt = MAX_OLD_PROGS;
  if (sys_bpf(BPF_PROG_QUERY, &q) < 0) fail(c, errno, "listing the device programs of \"%s\"", path);
  uint32_t nold = q.query.prog_cnt;

  int prog = load_program(c, s, license);
  union bpf_attr at;
  memset(&at, 0, sizeof at);
  at.target_fd = (uint32_t)dir;
  at.attach_bpf_fd = (uint32_t)prog;
  at.attach_type = BPF_CGROUP_DEVICE;
  at.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &at) < 0) fail(c, errno, "attaching the device program to \"%s\"", path);

  for (uint32_t i = 0; i < nold; i++) {
    union bpf_attr g;
    memset(&g, 0, sizeof g);
    g.prog_id = old[i];
    int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &g);
    if (fd < 0) {
      if (errno == ENOENT) continue; /* detached and freed meanwhile */
      fail(c, errno, "opening the previous device program %u of \"%s\"", old[i], path);
    }
    union bpf_attr d;
    memset(&d, 0, sizeof d);
    d.target_fd = (uint32_t)dir;
    d.attach_bpf_fd = (uint32_t)fd;
    d.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &d) < 0 && errno != ENOENT) fail(c, errno, "detaching the previous device program %u from \"%s\"", old[i], path);
    close(fd);
  }
  close(prog);
  close(dir);
}
