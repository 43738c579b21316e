/*
 * The monitor's health-check timer: every interval it runs one command (berth's `container
 * healthcheck <id>`, which does the check and records the result) and reaps it. Nothing else:
 * what a check is, its timeout, retries and the container's health are TypeScript's business.
 *
 * The next run is due an interval after the previous one ended (docker's rule), so runs never
 * overlap; during the start period the start interval is used. A run still going when the
 * container exits is killed with its process group before the monitor moves on.
 */
#include "../helper.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct {
  int on;
  long interval_ms, start_interval_ms, start_period_ms;
  char **argv;
  long started_ms, next_due_ms;
  pid_t pid;
} health;

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long delay_ms(long now) {
  if (health.start_interval_ms > 0 && now - health.started_ms < health.start_period_ms) return health.start_interval_ms;
  return health.interval_ms;
}

/* ints: interval_ms, start_interval_ms, start_period_ms; strs: argv of the check command */
void step_monitor_health(struct ctx *c, const struct step *s) {
  health.interval_ms = (long)arg_int(c, s, 0);
  health.start_interval_ms = (long)arg_int(c, s, 1);
  health.start_period_ms = (long)arg_int(c, s, 2);
  health.argv = s->nstr > 0 ? s->strs : NULL;
  health.on = health.argv != NULL && health.interval_ms > 0;
  health.pid = 0;
}

void health_start(void) {
  if (!health.on) return;
  health.started_ms = now_ms();
  health.next_due_ms = health.started_ms + delay_ms(health.started_ms);
}

/* How long poll() may sleep before the next run is due: -1 when none is. */
int health_poll_timeout(void) {
  if (!health.on || health.pid > 0) return -1;
  long left = health.next_due_ms - now_ms();
  return left < 0 ? 0 : (int)(left > 1 << 30 ? 1 << 30 : left);
}

void health_tick(const sigset_t *blocked) {
  if (!health.on || health.pid > 0 || now_ms() < health.next_due_ms) return;
  pid_t p = fork();
  if (p < 0) {
    health.next_due_ms = now_ms() + delay_ms(now_ms());
    return;
  }
  if (p == 0) {
    /* its own process group, so that it can be killed with whatever it started */
    setpgid(0, 0);
    sigprocmask(SIG_UNBLOCK, blocked, NULL);
    signal(SIGPIPE, SIG_DFL);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
    }
    /* none of the container's stdio, the log or the attach socket */
    syscall(SYS_close_range, 3U, ~0U, 0U);
    extern char **environ;
    execve(health.argv[0], health.argv, environ);
    _exit(127);
  }
  health.pid = p;
}

/* Called for every process the monitor reaps; returns 1 if it was the check. */
int health_reaped(pid_t p) {
  if (!health.on || p != health.pid || p <= 0) return 0;
  health.pid = 0;
  long now = now_ms();
  health.next_due_ms = now + delay_ms(now);
  return 1;
}

void health_stop(void) {
  if (health.pid > 0) {
    kill(-health.pid, SIGKILL);
    kill(health.pid, SIGKILL);
    waitpid(health.pid, NULL, 0);
  }
  health.pid = 0;
  health.on = 0;
}
