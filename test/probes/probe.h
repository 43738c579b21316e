/*
 * Shared by the breakout probes (test/security/breakout.test.ts builds each with `cc -static`
 * and copies it into the container). Every attack prints one line:
 *
 *   <attack>\t<outcome>\t<errno name or ->\t<detail>
 *
 * outcome is "blocked" (the kernel refused), "contained" (it worked, but reached only the
 * container's own things), "absent" (the target does not exist on this kernel) or "ESCAPED"
 * (the attack worked). The test decides which outcomes each attack may have.
 */
#ifndef BERTH_PROBE_H
#define BERTH_PROBE_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((unused)) static void report(const char *attack, const char *outcome, int err, const char *fmt, ...) {
  char detail[512] = "";
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
  }
  for (char *p = detail; *p; p++)
    if (*p == '\t' || *p == '\n') *p = ' ';
  const char *name = err ? strerrorname_np(err) : NULL;
  printf("%s\t%s\t%s\t%s\n", attack, outcome, name ? name : "-", detail);
  fflush(stdout);
}

/* The permission checks these attacks meet answer EPERM or EACCES (capabilities, the devices
 * cgroup), EROFS (read-only mounts) or ENOSYS (seccomp's answer to clone3). Any other errno means
 * the permission check was passed and the call failed later, on purpose-built bad arguments. */
__attribute__((unused)) static int is_denial(int err) { return err == EPERM || err == EACCES || err == EROFS || err == ENOSYS; }

/* For calls whose arguments are chosen to fail after the permission check: a denial is a block,
 * anything else (success, or a later EINVAL) means the capability was there. */
__attribute__((unused)) static void report_call(const char *attack, long rc, int err, const char *what) {
  if (rc < 0 && is_denial(err)) report(attack, "blocked", err, "%s", what);
  else report(attack, "ESCAPED", rc < 0 ? err : 0, "%s passed the permission check (rc %ld)", what, rc);
}

/* Walks ".." from a directory until it stops moving. A directory inside the caller's root ends
 * at that root (".." of a process's root is the root itself); one outside it ends elsewhere. */
__attribute__((unused)) static int is_outside_root(int dirfd) {
  struct stat root, cur, up;
  if (stat("/", &root) < 0 || fstat(dirfd, &cur) < 0) return 0;
  int fd = dup(dirfd);
  for (int i = 0; i < 256; i++) {
    int next = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (next < 0) break;
    fstat(next, &up);
    close(fd);
    fd = next;
    if (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino) break;
    cur = up;
  }
  close(fd);
  return !(cur.st_dev == root.st_dev && cur.st_ino == root.st_ino);
}

#endif
