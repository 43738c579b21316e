/* Terminal steps: the pty is opened from the container's own devpts, its master handed to
 * whoever asked (a --console-socket, or the helper itself when it proxies `run -t`). */
#include "../helper.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

void send_fd_to(struct ctx *c, int sock, int fd, const char *name, size_t namelen) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  memset(cbuf, 0, sizeof cbuf);
  struct iovec iov = {(void *)(namelen ? name : "x"), namelen ? namelen : 1};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &fd, sizeof(int));
  if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) fail(c, errno, "sending the terminal to the console socket");
}

/* One fd sent by SCM_RIGHTS, or -1: errno says why (EPROTO for a message without one). */
int recv_one_fd(int sock) {
  char data[256];
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {data, sizeof data};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;
  ssize_t n;
  do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  if (!cm || cm->cmsg_type != SCM_RIGHTS) {
    errno = n == 0 ? EPIPE : EPROTO;
    return -1;
  }
  int fd;
  memcpy(&fd, CMSG_DATA(cm), sizeof fd);
  return fd;
}

static int recv_fd(struct ctx *c, int sock) {
  int fd = recv_one_fd(sock);
  if (fd >= 0) return fd;
  if (errno != EPROTO) _exit(1); /* the container side failed and reported why */
  fail(c, EPROTO, "internal error: no fd in the terminal message");
}

void step_tty(struct ctx *c, const struct step *s) {
  switch (s->op) {
  case OP_PTY_PEER: {
    int master = slot_fd(c, arg_int(c, s, 0));
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail(c, errno, "unlocking the pty");
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) fail(c, errno, "opening the pty peer");
    set_slot(c, arg_int(c, s, 1), slave);
    break;
  }
  case OP_SET_WINSIZE: {
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    ws.ws_row = (unsigned short)arg_int(c, s, 1);
    ws.ws_col = (unsigned short)arg_int(c, s, 2);
    if (ioctl(slot_fd(c, arg_int(c, s, 0)), TIOCSWINSZ, &ws) < 0) fail(c, errno, "setting the console size");
    break;
  }
  case OP_COPY_WINSIZE: {
    struct winsize ws;
    if (!isatty(arg_int(c, s, 0)) || ioctl(arg_int(c, s, 0), TIOCGWINSZ, &ws) < 0) break;
    if (ioctl(slot_fd(c, arg_int(c, s, 1)), TIOCSWINSZ, &ws) < 0) fail(c, errno, "setting the console size");
    break;
  }
  case OP_SEND_FD:
    send_fd_to(c, slot_fd(c, arg_int(c, s, 0)), slot_fd(c, arg_int(c, s, 1)), s->nstr ? s->strs[0] : "",
            s->nstr ? s->lens[0] : 0);
    break;
  case OP_RECV_FD:
    set_slot(c, arg_int(c, s, 1), recv_fd(c, slot_fd(c, arg_int(c, s, 0))));
    break;
  case OP_SETSID:
    if (setsid() < 0) fail(c, errno, "setsid");
    break;
  case OP_SET_CTTY:
    if (ioctl(slot_fd(c, arg_int(c, s, 0)), TIOCSCTTY, 0) < 0) fail(c, errno, "making the pty the controlling terminal");
    break;
  case OP_DUP_STDIO: {
    int fd = slot_fd(c, arg_int(c, s, 0));
    for (int i = 0; i < 3; i++)
      if (dup2(fd, i) < 0) fail(c, errno, "dup2 of the terminal to fd %d", i);
    break;
  }
  }
}

static int copy_once(int from, int to) {
  char buf[16384];
  ssize_t n = read(from, buf, sizeof buf);
  if (n <= 0) return -1;
  return write_full(to, buf, (size_t)n);
}

/* `run -t` without a console socket: the helper holds the master, copies it to and from its own
 * stdio, keeps the window size in step, and returns the child's wait status. */
void proxy_tty(struct ctx *c, int master, pid_t child, int *status) {
  struct termios saved;
  int raw = isatty(0) && tcgetattr(0, &saved) == 0;
  int stdin_open = 1, master_open = 1;
  /* Complete lines the terminal holds are read before it goes raw: a canonical-mode EOF (^D)
   * waiting there (script(1) sends one as soon as its own stdin ends) would otherwise reach the
   * container as a NUL byte. A read of 0 here is that EOF. */
  if (raw && (saved.c_lflag & ICANON)) {
    struct pollfd p = {0, POLLIN, 0};
    while (stdin_open && poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
      if (copy_once(0, master) < 0) stdin_open = 0;
    }
  }
  if (raw) {
    struct termios t = saved;
    cfmakeraw(&t);
    tcsetattr(0, TCSANOW, &t);
    struct winsize ws;
    if (ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
  }
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGWINCH);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  for (;;) {
    /* checked every round: a SIGCHLD sent before signalfd existed is otherwise lost */
    if (waitpid(child, status, WNOHANG) == child) break;
    struct pollfd p[3] = {{master_open ? master : -1, POLLIN, 0}, {sfd, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      fail(c, errno, "waiting on the terminal");
    }
    if (p[0].revents & POLLIN) {
      if (copy_once(master, 1) < 0) master_open = 0;
    } else if (p[0].revents & (POLLHUP | POLLERR)) {
      master_open = 0; /* no slave open any more; the exit will come through SIGCHLD */
    }
    if (p[2].revents & (POLLIN | POLLHUP)) {
      if (copy_once(0, master) < 0) stdin_open = 0;
    }
    if (p[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) == sizeof si && si.ssi_signo == SIGWINCH && raw) {
        struct winsize ws;
        if (ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
      }
    }
  }
  /* drain what the container wrote before it exited */
  struct pollfd p = {master, POLLIN, 0};
  while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN) && copy_once(master, 1) == 0) {
  }
  if (raw) tcsetattr(0, TCSANOW, &saved);
}
