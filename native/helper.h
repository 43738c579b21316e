/* Shared declarations of the helper: the decoded plan, the execution context, reporting. */
#ifndef BERTH_HELPER_H
#define BERTH_HELPER_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>
#include "protocol.h"

struct step {
  uint16_t op;
  uint8_t stage;
  uint16_t nint;
  uint16_t nstr;
  int64_t *ints;
  char **strs;
  uint32_t *lens;
};

struct plan {
  uint32_t flags;
  uint32_t clone_flags;
  uint32_t wait_mode;
  int32_t tty_proxy_slot;
  int32_t cgroup_slot; /* an fd of the child's cgroup v2 directory for clone3(CLONE_INTO_CGROUP), or -1 */
  uint32_t nsteps;
  struct step *steps;
};

struct ctx {
  struct plan plan;
  int sync_fd;
  int slots[BERTH_MAX_SLOTS];
  pid_t child;         /* the process PARENT_* steps act on */
  int step;            /* index of the step being executed, for reports */
  char *exec_path;     /* result of OP_LOOKUP_EXEC */
  int chdir_deferred;  /* OP_CHDIR mode 1 hit EACCES: retry in mode 2 */
  int born_in_cgroup;  /* S1 was cloned into its cgroup v2 directory */
  char **hook_states;
  uint32_t nhook_states;
};

/* report.c */
void send_msg(struct ctx *c, uint32_t type, int32_t step, int32_t err, const void *payload, uint32_t len);
__attribute__((noreturn, format(printf, 3, 4))) void fail(struct ctx *c, int err, const char *fmt, ...);
__attribute__((format(printf, 3, 4))) void warn_msg(struct ctx *c, int err, const char *fmt, ...);
int read_full(int fd, void *buf, size_t len);
int write_full(int fd, const void *buf, size_t len);

/* plan.c */
int decode_plan(const uint8_t *buf, size_t len, struct plan *out);
int64_t arg_int(struct ctx *c, const struct step *s, unsigned i);
const char *arg_str(struct ctx *c, const struct step *s, unsigned i);
int slot_fd(struct ctx *c, int64_t slot);
void set_slot(struct ctx *c, int64_t slot, int fd);

/* steps: each returns only on success; failures go through fail(). */
int run_step(struct ctx *c, const struct step *s);
void step_fs(struct ctx *c, const struct step *s);
void step_ns(struct ctx *c, const struct step *s);
void step_process(struct ctx *c, const struct step *s);
void step_tty(struct ctx *c, const struct step *s);
void step_hooks(struct ctx *c, const struct step *s);
void step_bpf_devices(struct ctx *c, const struct step *s);
void proxy_tty(struct ctx *c, int master, pid_t child, int *status);
void step_monitor_config(struct ctx *c, const struct step *s);
void step_subreaper(struct ctx *c, const struct step *s);
/* steps/monitor-health.c: the health-check timer inside the monitor's loop */
void step_monitor_health(struct ctx *c, const struct step *s);
void step_monitor_unmount(struct ctx *c, const struct step *s);
void health_start(void);
int health_poll_timeout(void);
void health_tick(const sigset_t *blocked);
int health_reaped(pid_t p);
void health_stop(void);
__attribute__((noreturn)) void run_monitor(struct ctx *c, pid_t child);
void send_fd_to(struct ctx *c, int sock, int fd, const char *name, size_t namelen);
int recv_one_fd(int sock);
/* steps/runtime-spawn.c: an external OCI runtime's create, the helper staying as the monitor */
void step_spawn_runtime(struct ctx *c, const struct step *s);

#endif
