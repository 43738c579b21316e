/*
 * Test oracle for berth's seccomp compiler: builds the same profile with libseccomp (Debian's
 * libseccomp-dev) and exports the BPF program, so a test can run both programs through the
 * interpreter and compare their decisions. Not part of berth: only the tests build it.
 *
 *   oracle OUT.bpf < profile.txt > report.txt
 *
 * Input, one item a line (numbers in decimal):
 *   default ACTION            the default action, a SECCOMP_RET_* value
 *   badarch ACTION            the action for arches outside the filter
 *   arch NAME                 x86_64 | x86 | x32 | aarch64 | arm (the first line of these
 *                             replaces the native arch; later ones are added)
 *   rule ACTION NAME N [INDEX OP DATUM_A DATUM_B]*N
 *                             OP is libseccomp's enum scmp_compare (1 NE .. 7 MASKED_EQ)
 * Report on stdout:
 *   resolve ARCH NAME NUMBER  what libseccomp resolves NAME to on ARCH (negative: not there)
 *   ruleerror NAME ERRNO      seccomp_rule_add_array refused a rule
 */
#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t arch_token(const char *name) {
  if (!strcmp(name, "x86_64")) return SCMP_ARCH_X86_64;
  if (!strcmp(name, "x86")) return SCMP_ARCH_X86;
  if (!strcmp(name, "x32")) return SCMP_ARCH_X32;
  if (!strcmp(name, "aarch64")) return SCMP_ARCH_AARCH64;
  if (!strcmp(name, "arm")) return SCMP_ARCH_ARM;
  fprintf(stderr, "unknown arch %s\n", name);
  exit(2);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: oracle OUT.bpf < profile\n");
    return 2;
  }
  char line[65536];
  scmp_filter_ctx ctx = NULL;
  uint32_t badarch = SCMP_ACT_KILL_PROCESS;
  char arch_names[8][16];
  int narch = 0;
  while (fgets(line, sizeof line, stdin)) {
    char *save = NULL;
    char *word = strtok_r(line, " \n", &save);
    if (!word) continue;
    if (!strcmp(word, "default")) {
      uint32_t act = (uint32_t)strtoul(strtok_r(NULL, " \n", &save), NULL, 10);
      ctx = seccomp_init(act);
      if (!ctx) {
        fprintf(stderr, "seccomp_init failed\n");
        return 1;
      }
      seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    } else if (!strcmp(word, "badarch")) {
      badarch = (uint32_t)strtoul(strtok_r(NULL, " \n", &save), NULL, 10);
      int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, badarch);
      if (rc) {
        fprintf(stderr, "setting the bad arch action: %d\n", rc);
        return 1;
      }
    } else if (!strcmp(word, "arch")) {
      const char *name = strtok_r(NULL, " \n", &save);
      uint32_t token = arch_token(name);
      if (narch == 0 && token != seccomp_arch_native()) {
        seccomp_arch_add(ctx, token);
        seccomp_arch_remove(ctx, seccomp_arch_native());
      } else if (seccomp_arch_exist(ctx, token) != 0) {
        int rc = seccomp_arch_add(ctx, token);
        if (rc) {
          fprintf(stderr, "adding arch %s: %d\n", name, rc);
          return 1;
        }
      }
      snprintf(arch_names[narch++], sizeof arch_names[0], "%s", name);
    } else if (!strcmp(word, "rule")) {
      uint32_t act = (uint32_t)strtoul(strtok_r(NULL, " \n", &save), NULL, 10);
      const char *name = strtok_r(NULL, " \n", &save);
      unsigned n = (unsigned)strtoul(strtok_r(NULL, " \n", &save), NULL, 10);
      struct scmp_arg_cmp cmps[6];
      for (unsigned i = 0; i < n && i < 6; i++) {
        cmps[i].arg = (unsigned)strtoul(strtok_r(NULL, " \n", &save), NULL, 10);
        cmps[i].op = (enum scmp_compare)strtoul(strtok_r(NULL, " \n", &save), NULL, 10);
        cmps[i].datum_a = strtoull(strtok_r(NULL, " \n", &save), NULL, 10);
        cmps[i].datum_b = strtoull(strtok_r(NULL, " \n", &save), NULL, 10);
      }
      for (int a = 0; a < narch; a++) {
        printf("resolve %s %s %d\n", arch_names[a], name, seccomp_syscall_resolve_name_arch(arch_token(arch_names[a]), name));
      }
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR) continue;
      int rc = seccomp_rule_add_array(ctx, act, nr, n, cmps);
      if (rc) printf("ruleerror %s %d\n", name, -rc);
    } else {
      fprintf(stderr, "unknown line %s\n", word);
      return 2;
    }
  }
  FILE *out = fopen(argv[1], "wb");
  if (!out) {
    perror(argv[1]);
    return 1;
  }
  int rc = seccomp_export_bpf(ctx, fileno(out));
  fclose(out);
  if (rc) {
    fprintf(stderr, "seccomp_export_bpf: %d\n", rc);
    return 1;
  }
  seccomp_release(ctx);
  return 0;
}
