import type { Hash } from 'node:crypto';

// node:crypto is loaded on first use: loading it costs ~6 ms, which commands that hash nothing
// (run, ps, stop) should not pay just because a module they load can hash.
export function newSha256(): Hash {
  return process.getBuiltinModule('node:crypto').createHash('sha256');
}
