// On 32-bit x86 the socket and SysV IPC calls have two entry points: their own syscall numbers
// (since Linux 4.3 for sockets) and the old multiplexers socketcall(call, args) and
// ipc(call, ...), which glibc still uses on older kernels and which any program can call. A rule
// on `socket` that left socketcall(SYS_SOCKET) open would be bypassed, so, as libseccomp does,
// a rule on one of these names also applies to the multiplexer with arg0 == the call number.
// The rule's comparisons on the first argument give way to the call-number test; the others are
// kept as they are, on the multiplexer's own arguments, exactly as libseccomp does so that a
// profile decides the same under runc. (socketcall packs the real arguments behind a pointer
// that no filter can read, so those kept comparisons see other values than the rule's author
// meant: a profile that must hold on x86 should not rely on arguments of these calls.)

// <linux/net.h> SYS_*
export const SOCKETCALL_CALLS: ReadonlyMap<string, number> = new Map([
  ['socket', 1], ['bind', 2], ['connect', 3], ['listen', 4], ['accept', 5], ['getsockname', 6],
  ['getpeername', 7], ['socketpair', 8], ['send', 9], ['recv', 10], ['sendto', 11], ['recvfrom', 12],
  ['shutdown', 13], ['setsockopt', 14], ['getsockopt', 15], ['sendmsg', 16], ['recvmsg', 17],
  ['accept4', 18], ['recvmmsg', 19], ['sendmmsg', 20],
]);

// <linux/ipc.h> call numbers of ipc(2)
export const IPC_CALLS: ReadonlyMap<string, number> = new Map([
  ['semop', 1], ['semget', 2], ['semctl', 3], ['semtimedop', 4], ['msgsnd', 11], ['msgrcv', 12],
  ['msgget', 13], ['msgctl', 14], ['shmat', 21], ['shmdt', 22], ['shmget', 23], ['shmctl', 24],
]);

// x86 syscall numbers of the multiplexers.
export const X86_SOCKETCALL_NR = 102;
export const X86_IPC_NR = 117;

// The multiplexer number and call number a name also goes through on x86, if any.
export function x86Multiplexed(name: string): { nr: number; call: number } | undefined {
  const s = SOCKETCALL_CALLS.get(name);
  if (s !== undefined) return { nr: X86_SOCKETCALL_NR, call: s };
  const i = IPC_CALLS.get(name);
  if (i !== undefined) return { nr: X86_IPC_NR, call: i };
  return undefined;
}
