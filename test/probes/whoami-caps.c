/*
 * Prints the identity and capabilities the process ended up with, as one line:
 *   ids\t<ruid> <euid> <suid>\tcaps\t<CapPrm> <CapEff>\tnnp\t<0|1>
 * The breakout test installs it setuid root (and with file capabilities) and runs it as a
 * non-root user: under no-new-privileges the euid must stay the user's and no capability appear.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void field(const char *name, char *out, size_t len) {
  char line[256];
  size_t n = strlen(name);
  out[0] = '\0';
  FILE *f = fopen("/proc/self/status", "re");
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, name, n) == 0 && line[n] == ':') {
      char *v = line + n + 1;
      while (*v == ' ' || *v == '\t') v++;
      v[strcspn(v, "\n")] = '\0';
      snprintf(out, len, "%s", v);
    }
  }
  fclose(f);
}

int main(void) {
  uid_t r, e, s;
  getresuid(&r, &e, &s);
  char prm[32], eff[32];
  field("CapPrm", prm, sizeof prm);
  field("CapEff", eff, sizeof eff);
  printf("ids\t%u %u %u\tcaps\t%s %s\tnnp\t%d\n", r, e, s, prm, eff, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  return 0;
}
