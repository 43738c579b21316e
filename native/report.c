/* Messages to the TypeScript side over the sync socket. When the socket is closed (after the
 * create barrier, the runtime that asked is gone) errors go to stderr, which is the container's. */
#include "helper.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int write_full(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int read_full(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len > 0) {
    ssize_t n = read(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) {
      errno = EPIPE;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

void send_msg(struct ctx *c, uint32_t type, int32_t step, int32_t err, const void *payload, uint32_t len) {
  if (c->sync_fd < 0) return;
  char buf[sizeof(struct berth_msg_hdr) + 4096];
  struct berth_msg_hdr h = {type, step, err, len};
  if (len > 4096) len = h.len = 4096;
  memcpy(buf, &h, sizeof h);
  if (len) memcpy(buf + sizeof h, payload, len);
  /* One write per message: the only thing that keeps messages whole on a shared socket. */
  (void)write_full(c->sync_fd, buf, sizeof h + len);
}

void fail(struct ctx *c, int err, const char *fmt, ...) {
  char detail[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  if (c->sync_fd >= 0) {
    send_msg(c, MSG_ERROR, c->step, err, detail, (uint32_t)strlen(detail));
  } else {
    dprintf(2, "berth-runtime: %s: %s\n", detail, strerror(err));
  }
  _exit(1);
}

void warn_msg(struct ctx *c, int err, const char *fmt, ...) {
  char detail[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  if (c->sync_fd >= 0) {
    send_msg(c, MSG_WARNING, c->step, err, detail, (uint32_t)strlen(detail));
  } else {
    dprintf(2, "berth-runtime: warning: %s\n", detail);
  }
}
