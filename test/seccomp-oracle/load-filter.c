/*
 * Loads a seccomp BPF program from a file and execs a command under it, the way berth's helper
 * does at the end of a container's init (OP_SECCOMP): no_new_privs, then
 * seccomp(SECCOMP_SET_MODE_FILTER, flags, prog). A test tool: the kernel's own checker
 * (seccomp_check_filter) is the judge of whether a compiled program is valid.
 *
 *   load-filter FILTER.bpf FLAGS COMMAND [ARG...]
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: load-filter FILTER.bpf FLAGS COMMAND [ARG...]\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  static struct sock_filter insns[4096 + 1];
  size_t n = fread(insns, sizeof insns[0], sizeof insns / sizeof insns[0], f);
  fclose(f);
  struct sock_fprog prog = {(unsigned short)n, insns};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
    perror("prctl(PR_SET_NO_NEW_PRIVS)");
    return 2;
  }
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)strtoul(argv[2], NULL, 0), &prog) < 0) {
    fprintf(stderr, "seccomp: %s\n", strerror(errno));
    return 3;
  }
  execvp(argv[3], argv + 3);
  fprintf(stderr, "exec %s: %s\n", argv[3], strerror(errno));
  return 127;
}
