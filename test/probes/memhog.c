/* Allocates and touches memory a page at a time: argv[1] MiB. Page faults, not a syscall's
 * copy, so the memory cgroup's OOM killer (not an ENOMEM return) answers the limit. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 64;
  long page = sysconf(_SC_PAGESIZE);
  for (long i = 0; i < mib; i++) {
    char *p = malloc(1 << 20);
    if (!p) {
      printf("malloc failed at %ld MiB\n", i);
      return 2;
    }
    for (long off = 0; off < (1 << 20); off += page) p[off] = 1;
  }
  printf("allocated %ld MiB\n", mib);
  return 0;
}
