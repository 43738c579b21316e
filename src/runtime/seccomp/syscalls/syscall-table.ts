// name -> syscall number for one arch. A Map, not an object literal, so that a profile naming
// "constructor" or "__proto__" finds nothing instead of Object.prototype's members.
export type SyscallTable = ReadonlyMap<string, number>;
