/* Decoding of the flat plan written by src/runtime/helper/plan-encoding.ts. All integers are
 * little-endian; strings are length-prefixed and copied with a terminating NUL so steps can use
 * them as C strings (binary payloads such as BPF use the recorded length). */
#include "helper.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct reader {
  const uint8_t *p;
  size_t left;
};

static int take(struct reader *r, void *out, size_t n) {
  if (r->left < n) return -1;
  memcpy(out, r->p, n);
  r->p += n;
  r->left -= n;
  return 0;
}

int decode_plan(const uint8_t *buf, size_t len, struct plan *out) {
  struct reader r = {buf, len};
  uint32_t magic, version;
  if (take(&r, &magic, 4) || take(&r, &version, 4)) return -1;
  if (magic != BERTH_PLAN_MAGIC || version != BERTH_PLAN_VERSION) return -1;
  if (take(&r, &out->nsteps, 4) || take(&r, &out->flags, 4) || take(&r, &out->clone_flags, 4) ||
      take(&r, &out->wait_mode, 4) || take(&r, &out->tty_proxy_slot, 4) || take(&r, &out->cgroup_slot, 4))
    return -1;
  if (out->nsteps > 100000) return -1;
  out->steps = calloc(out->nsteps ? out->nsteps : 1, sizeof(struct step));
  if (!out->steps) return -1;
  for (uint32_t i = 0; i < out->nsteps; i++) {
    struct step *s = &out->steps[i];
    uint8_t pad;
    if (take(&r, &s->op, 2) || take(&r, &s->stage, 1) || take(&r, &pad, 1) || take(&r, &s->nint, 2) ||
        take(&r, &s->nstr, 2))
      return -1;
    s->ints = calloc(s->nint ? s->nint : 1, sizeof(int64_t));
    s->strs = calloc(s->nstr + 1u, sizeof(char *));
    s->lens = calloc(s->nstr ? s->nstr : 1, sizeof(uint32_t));
    if (!s->ints || !s->strs || !s->lens) return -1;
    for (unsigned j = 0; j < s->nint; j++)
      if (take(&r, &s->ints[j], 8)) return -1;
    for (unsigned j = 0; j < s->nstr; j++) {
      uint32_t n;
      if (take(&r, &n, 4) || n > r.left) return -1;
      s->strs[j] = malloc(n + 1u);
      if (!s->strs[j]) return -1;
      take(&r, s->strs[j], n);
      s->strs[j][n] = '\0';
      s->lens[j] = n;
    }
  }
  return r.left == 0 ? 0 : -1;
}

int64_t arg_int(struct ctx *c, const struct step *s, unsigned i) {
  if (i >= s->nint) fail(c, EINVAL, "internal error: step op %u has no integer argument %u", s->op, i);
  return s->ints[i];
}

const char *arg_str(struct ctx *c, const struct step *s, unsigned i) {
  if (i >= s->nstr) fail(c, EINVAL, "internal error: step op %u has no string argument %u", s->op, i);
  return s->strs[i];
}

int slot_fd(struct ctx *c, int64_t slot) {
  if (slot < 0 || slot >= BERTH_MAX_SLOTS || c->slots[slot] < 0)
    fail(c, EBADF, "internal error: slot %lld is not open", (long long)slot);
  return c->slots[slot];
}

void set_slot(struct ctx *c, int64_t slot, int fd) {
  if (slot < 0 || slot >= BERTH_MAX_SLOTS) fail(c, EINVAL, "internal error: slot %lld out of range", (long long)slot);
  c->slots[slot] = fd;
}
