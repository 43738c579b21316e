/*
 * Tries syscalls and prints what the kernel answered, one `name=RESULT` per argument, where
 * RESULT is OK or the errno's name. Built static so that it runs inside a busybox rootfs too:
 * the seccomp tests run it under berth's filter, under runc and under crun, and compare.
 *
 *   probe unshare-user clone3 socket:38 mount nr:1000 getpid personality
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case EPERM: return "EPERM";
  case ENOSYS: return "ENOSYS";
  case EINVAL: return "EINVAL";
  case EFAULT: return "EFAULT";
  case EACCES: return "EACCES";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
  case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
  case ENOENT: return "ENOENT";
  case EBUSY: return "EBUSY";
  case ENOTDIR: return "ENOTDIR";
  case EBADF: return "EBADF";
  default: return "OTHER";
  }
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    long r;
    errno = 0;
    if (!strcmp(a, "unshare-user")) r = syscall(SYS_unshare, CLONE_NEWUSER);
    else if (!strcmp(a, "unshare-ns")) r = syscall(SYS_unshare, CLONE_NEWNS);
    else if (!strcmp(a, "clone3")) r = syscall(435, NULL, 0);
    else if (!strncmp(a, "socket:", 7)) {
      r = syscall(SYS_socket, atol(a + 7), SOCK_STREAM, 0);
      if (r >= 0) close((int)r);
    } else if (!strcmp(a, "mount")) r = syscall(SYS_mount, "none", "/nonexistent-berth-probe", "tmpfs", 0, NULL);
    else if (!strncmp(a, "nr:", 3)) r = syscall(atol(a + 3), 0, 0, 0, 0, 0, 0);
    else if (!strcmp(a, "getpid")) r = syscall(SYS_getpid);
    else if (!strcmp(a, "personality")) r = syscall(SYS_personality, 0xffffffffUL);
    else if (!strcmp(a, "keyctl")) r = syscall(SYS_keyctl, 0, 0, 0, 0, 0);
    else {
      printf("%s=UNKNOWN-PROBE\n", a);
      continue;
    }
    if (r < 0) printf("%s=%s\n", a, errname(errno));
    else printf("%s=OK\n", a);
  }
  return 0;
}
