/*
 * Filesystem steps: mounts, device nodes, symlinks, masks, pivot_root. Paths inside the
 * container are resolved against an O_PATH fd of the rootfs with openat2(RESOLVE_IN_ROOT), so a
 * symlink in the image cannot send a mount outside the rootfs; the mount is then made through
 * /proc/self/fd/N, the resolved object, never through a path that could change underneath.
 */
#include "../helper.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

enum { MKDIR_NONE = 0, MKDIR_DIR = 1, MKDIR_FILE = 2 };
#define SRC_SELF (-2)

static int openat2_in_root(int rootfd, const char *path, int flags, mode_t mode) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  while (*path == '/') path++;
  if (*path == '\0') path = ".";
  int fd;
  do fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
  while (fd < 0 && (errno == EAGAIN || errno == EINTR));
  return fd;
}

/* Creates the missing components of `path` inside the root, one at a time, each relative to an
 * fd of its parent that was itself resolved inside the root. A component that is a dangling
 * symlink (an image's `/var/run -> /run` before /run exists) is followed: its target is created,
 * inside the root, as runc's MkdirAllInRoot does. */
static int create_in_root_depth(int rootfd, const char *path, int kind, int depth);

static int create_component(int rootfd, char *prefix, int last, int kind, int depth) {
  char *name = strrchr(prefix, '/');
  int parent;
  char parent_path[4096];
  if (name) {
    *name = '\0';
    snprintf(parent_path, sizeof parent_path, "%s", prefix);
    parent = openat2_in_root(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
    *name = '/';
    name++;
  } else {
    parent_path[0] = '\0';
    parent = openat2_in_root(rootfd, ".", O_PATH | O_DIRECTORY, 0);
    name = prefix;
  }
  if (parent < 0) return -1;
  struct stat st;
  if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    char target[4096], next[8192];
    ssize_t n = readlinkat(parent, name, target, sizeof target - 1);
    close(parent);
    if (n < 0) return -1;
    target[n] = '\0';
    if (target[0] == '/') snprintf(next, sizeof next, "%s", target);
    else snprintf(next, sizeof next, "%s/%s", parent_path, target);
    return create_in_root_depth(rootfd, next, last ? kind : MKDIR_DIR, depth + 1);
  }
  int r;
  if (last && kind == MKDIR_FILE) {
    r = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (r >= 0) close(r);
  } else {
    r = mkdirat(parent, name, 0755);
  }
  int saved = errno;
  close(parent);
  if (r < 0 && saved != EEXIST) {
    errno = saved;
    return -1;
  }
  return 0;
}

static int create_in_root_depth(int rootfd, const char *path, int kind, int depth) {
  char buf[4096];
  if (depth > 40) {
    errno = ELOOP;
    return -1;
  }
  if (strlen(path) >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(buf, path);
  char *p = buf;
  while (*p == '/') p++;
  size_t n = strlen(p);
  while (n > 0 && p[n - 1] == '/') p[--n] = '\0';
  if (n == 0) return 0;
  char *cursor = p;
  for (;;) {
    char *slash = strchr(cursor, '/');
    int last = slash == NULL;
    if (!last) *slash = '\0';
    int fd = openat2_in_root(rootfd, p, O_PATH, 0);
    if (fd >= 0) {
      close(fd);
    } else if (errno == ENOENT) {
      if (create_component(rootfd, p, last, kind, depth) < 0) return -1;
    } else {
      return -1;
    }
    if (last) return 0;
    *slash = '/';
    cursor = slash + 1;
  }
}

static int create_in_root(int rootfd, const char *path, int kind) { return create_in_root_depth(rootfd, path, kind, 0); }

static int resolve_target(struct ctx *c, int64_t root_slot, const char *path, int kind, int flags) {
  if (root_slot < 0) {
    if (kind != MKDIR_NONE) {
      int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      int r = create_in_root(rootfd, path, kind);
      int saved = errno;
      close(rootfd);
      if (r < 0) {
        errno = saved;
        return -1;
      }
    }
    return open(path, flags | O_CLOEXEC);
  }
  int rootfd = slot_fd(c, root_slot);
  int fd = openat2_in_root(rootfd, path, flags, 0);
  if (fd < 0 && errno == ENOENT && kind != MKDIR_NONE) {
    if (create_in_root(rootfd, path, kind) < 0) return -1;
    fd = openat2_in_root(rootfd, path, flags, 0);
  }
  return fd;
}

static unsigned long existing_mount_flags(int fd) {
  struct statvfs sv;
  unsigned long f = 0;
  if (fstatvfs(fd, &sv) < 0) return 0;
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
  if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

static const char *or_null(const char *s) { return (s && *s) ? s : NULL; }

static void do_mount(struct ctx *c, const struct step *s) {
  unsigned long flags = (unsigned long)arg_int(c, s, 0);
  int64_t root_slot = arg_int(c, s, 1);
  int kind = (int)arg_int(c, s, 2);
  int keep_locked = (int)arg_int(c, s, 3);
  int64_t src_slot = arg_int(c, s, 4);
  int ignore_enoent = (int)arg_int(c, s, 5);
  const char *source = arg_str(c, s, 0);
  const char *target = arg_str(c, s, 1);
  const char *fstype = arg_str(c, s, 2);
  const char *data = arg_str(c, s, 3);

  char srcbuf[64];
  if (src_slot >= 0) {
    snprintf(srcbuf, sizeof srcbuf, "/proc/self/fd/%d", slot_fd(c, src_slot));
    source = srcbuf;
  }
  int fd = resolve_target(c, root_slot, target, kind, O_PATH);
  if (fd < 0) {
    if (errno == ENOENT && ignore_enoent) return;
    fail(c, errno, "resolving mount target \"%s\"", target);
  }
  if (keep_locked == 2 && (flags & MS_REMOUNT)) flags |= existing_mount_flags(fd);
  char tgt[64];
  snprintf(tgt, sizeof tgt, "/proc/self/fd/%d", fd);
  if (src_slot == SRC_SELF) source = tgt; /* bind a path onto itself (read-only paths) */
  int r = mount(or_null(source), tgt, or_null(fstype), flags, or_null(data));
  if (r < 0 && errno == EPERM && keep_locked == 1 && (flags & MS_REMOUNT)) {
    /* In a user namespace the flags the host set on the source are locked: keep them. */
    r = mount(or_null(source), tgt, or_null(fstype), flags | existing_mount_flags(fd), or_null(data));
  }
  int saved = errno;
  close(fd);
  if (r < 0) fail(c, saved, "mount \"%s\" on \"%s\" (type \"%s\")", source, target, fstype);
}

static int open_parent(struct ctx *c, int64_t root_slot, const char *path, char *namebuf, size_t namelen) {
  char dir[4096];
  if (strlen(path) >= sizeof dir) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(dir, path);
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') dir[--n] = '\0';
  char *slash = strrchr(dir, '/');
  const char *name = slash ? slash + 1 : dir;
  if (strlen(name) >= namelen || !*name) {
    errno = EINVAL;
    return -1;
  }
  strcpy(namebuf, name);
  if (slash == dir) dir[1] = '\0';
  else if (slash) *slash = '\0';
  else strcpy(dir, ".");
  return resolve_target(c, root_slot, dir, MKDIR_DIR, O_PATH | O_DIRECTORY);
}

static void do_mknod(struct ctx *c, const struct step *s) {
  int64_t root_slot = arg_int(c, s, 0);
  mode_t mode = (mode_t)arg_int(c, s, 1);
  unsigned major = (unsigned)arg_int(c, s, 2), minor = (unsigned)arg_int(c, s, 3);
  uid_t uid = (uid_t)arg_int(c, s, 4);
  gid_t gid = (gid_t)arg_int(c, s, 5);
  int ignore_exist = (int)arg_int(c, s, 6);
  const char *path = arg_str(c, s, 0);
  char name[256];
  int dir = open_parent(c, root_slot, path, name, sizeof name);
  if (dir < 0) fail(c, errno, "resolving the directory of device \"%s\"", path);
  if (mknodat(dir, name, mode, makedev(major, minor)) < 0) {
    if (errno == EEXIST && ignore_exist) {
      close(dir);
      return;
    }
    fail(c, errno, "mknod \"%s\"", path);
  }
  /* mknod honours the umask; the mode in the config is the mode wanted */
  if (fchmodat(dir, name, mode & 07777, 0) < 0) fail(c, errno, "chmod of device \"%s\"", path);
  if (fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) fail(c, errno, "chown of device \"%s\"", path);
  close(dir);
}

static void do_symlink(struct ctx *c, const struct step *s) {
  int64_t root_slot = arg_int(c, s, 0);
  int ignore_exist = (int)arg_int(c, s, 1);
  const char *target = arg_str(c, s, 0);
  const char *link = arg_str(c, s, 1);
  char name[256];
  int dir = open_parent(c, root_slot, link, name, sizeof name);
  if (dir < 0) fail(c, errno, "resolving the directory of symlink \"%s\"", link);
  if (symlinkat(target, dir, name) < 0 && !(errno == EEXIST && ignore_exist))
    fail(c, errno, "symlink \"%s\" -> \"%s\"", link, target);
  close(dir);
}

static void do_mask(struct ctx *c, const struct step *s) {
  int64_t root_slot = arg_int(c, s, 0);
  unsigned long dir_flags = (unsigned long)arg_int(c, s, 1);
  const char *path = arg_str(c, s, 0);
  const char *file_source = arg_str(c, s, 1);
  const char *dir_fstype = arg_str(c, s, 2);
  const char *dir_data = arg_str(c, s, 3);
  int fd = resolve_target(c, root_slot, path, MKDIR_NONE, O_PATH);
  if (fd < 0) {
    if (errno == ENOENT) return; /* nothing there to mask */
    fail(c, errno, "resolving masked path \"%s\"", path);
  }
  struct stat st;
  if (fstat(fd, &st) < 0) fail(c, errno, "stat of masked path \"%s\"", path);
  char tgt[64];
  snprintf(tgt, sizeof tgt, "/proc/self/fd/%d", fd);
  int r;
  if (S_ISDIR(st.st_mode)) r = mount(dir_fstype, tgt, dir_fstype, dir_flags, or_null(dir_data));
  else r = mount(file_source, tgt, NULL, MS_BIND, NULL);
  if (r < 0) fail(c, errno, "masking \"%s\"", path);
  close(fd);
}

static void do_pivot_root(struct ctx *c, const char *rootfs) {
  int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0) fail(c, errno, "open of the old root");
  int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0) fail(c, errno, "open of the rootfs \"%s\"", rootfs);
  if (fchdir(newroot) < 0) fail(c, errno, "chdir to the rootfs \"%s\"", rootfs);
  /* pivot_root(".", ".") stacks the old root under the new one; no put_old directory needed,
   * so a read-only rootfs works too. */
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail(c, errno, "pivot_root to \"%s\"", rootfs);
  if (fchdir(oldroot) < 0) fail(c, errno, "chdir to the old root");
  /* The unmount must not propagate back to the host's mounts. */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) fail(c, errno, "making the old root a slave");
  if (umount2(".", MNT_DETACH) < 0) fail(c, errno, "unmounting the old root");
  if (chdir("/") < 0) fail(c, errno, "chdir to the new root");
  close(oldroot);
  close(newroot);
}

static void do_move_root(struct ctx *c, const char *rootfs) {
  if (chdir(rootfs) < 0) fail(c, errno, "chdir to the rootfs \"%s\"", rootfs);
  if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0) fail(c, errno, "moving the rootfs \"%s\" onto /", rootfs);
  if (chroot(".") < 0) fail(c, errno, "chroot to the rootfs \"%s\"", rootfs);
  if (chdir("/") < 0) fail(c, errno, "chdir to the new root");
}

static void do_write_file(struct ctx *c, const struct step *s) {
  int64_t root_slot = arg_int(c, s, 0);
  const char *path = arg_str(c, s, 0);
  const char *content = arg_str(c, s, 1);
  int fd = resolve_target(c, root_slot, path, MKDIR_NONE, O_WRONLY | O_TRUNC);
  if (fd < 0) fail(c, errno, "open \"%s\" for writing", path);
  if (write_full(fd, content, s->lens[1]) < 0) fail(c, errno, "write \"%s\" to \"%s\"", content, path);
  close(fd);
}

void step_fs(struct ctx *c, const struct step *s) {
  switch (s->op) {
  case OP_MOUNT:
    do_mount(c, s);
    break;
  case OP_MKNOD:
    do_mknod(c, s);
    break;
  case OP_SYMLINK:
    do_symlink(c, s);
    break;
  case OP_MASK_PATH:
    do_mask(c, s);
    break;
  case OP_OPEN_ROOT: {
    const char *path = arg_str(c, s, 0);
    int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail(c, errno, "open of the rootfs \"%s\"", path);
    set_slot(c, arg_int(c, s, 0), fd);
    break;
  }
  case OP_OPEN_IN_ROOT: {
    const char *path = arg_str(c, s, 0);
    int fd = resolve_target(c, arg_int(c, s, 0), path, MKDIR_NONE, (int)arg_int(c, s, 2));
    if (fd < 0) fail(c, errno, "open \"%s\"", path);
    set_slot(c, arg_int(c, s, 1), fd);
    break;
  }
  case OP_PIVOT_ROOT:
    do_pivot_root(c, arg_str(c, s, 0));
    break;
  case OP_MOVE_ROOT:
    do_move_root(c, arg_str(c, s, 0));
    break;
  case OP_CHROOT: {
    int64_t slot = s->nint > 0 ? s->ints[0] : -1;
    const char *path = arg_str(c, s, 0);
    if (slot >= 0) {
      if (fchdir(slot_fd(c, slot)) < 0) fail(c, errno, "chdir to the container's root");
      path = ".";
    }
    if (chroot(path) < 0) fail(c, errno, "chroot to \"%s\"", path);
    if (chdir("/") < 0) fail(c, errno, "chdir to / after chroot");
    break;
  }
  case OP_WRITE_FILE:
    do_write_file(c, s);
    break;
  }
}
