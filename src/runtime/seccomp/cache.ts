import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinuxSeccomp } from '../../oci/runtime-spec.ts';
import type { CompiledSeccomp } from './compile.ts';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';

// Bump when the compiler's output for a given profile changes.
const COMPILER_VERSION = 1;

// Compiled filters by checksum of the profile (crun keeps the same cache): loading the syscall
// tables and compiling docker's profile costs more than the rest of a container's start, and the
// same profile comes back on every run. The cache lives in the runtime's own state directory.
export async function compileSeccompCached(profile: LinuxSeccomp, cacheDir: string): Promise<CompiledSeccomp> {
  const key = createHash('sha256').update(`${COMPILER_VERSION}\0${process.arch}\0${JSON.stringify(profile)}`).digest('hex');
  const file = join(cacheDir, key);
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Omit<CompiledSeccomp, 'program'> & { program: string };
    return { ...c, program: Buffer.from(c.program, 'base64') };
  } catch {
    // not cached yet (or unreadable): compile
  }
  const { compileSeccomp } = await import('./compile.ts');
  const compiled = compileSeccomp(profile);
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(file, JSON.stringify({ ...compiled, program: Buffer.from(compiled.program).toString('base64') }), 0o600);
  } catch {
    // a cache that cannot be written only costs time
  }
  return compiled;
}
