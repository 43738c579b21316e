import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinuxSeccomp } from '../../oci/runtime-spec.ts';
import type { CompiledSeccomp } from './compile.ts';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';

// Bump when the compiler's output for a given profile changes.
const COMPILER_VERSION = 1;

// Compiled filters by profile (crun keeps the same cache): loading the syscall tables and
// compiling docker's profile costs more than the rest of a container's start, and the same
// profile comes back on every run. The cache lives in the runtime's own state directory.
//
// The file name is a cheap hash of the profile, and each entry holds the profile it was compiled
// from: a filter is used only for exactly that profile, so a collision costs a compile, never a
// wrong filter. Not sha256: loading node:crypto alone costs ~6 ms, a tenth of a `run`.
export async function compileSeccompCached(profile: LinuxSeccomp, cacheDir: string): Promise<CompiledSeccomp> {
  const source = `${COMPILER_VERSION}\0${process.arch}\0${JSON.stringify(profile)}`;
  const file = join(cacheDir, cheapHash(source));
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Omit<CompiledSeccomp, 'program'> & { program: string; source: string };
    if (c.source === source) {
      const { source: _, program, ...rest } = c;
      return { ...rest, program: Buffer.from(program, 'base64') };
    }
  } catch {
    // not cached yet (or unreadable): compile
  }
  const { compileSeccomp } = await import('./compile.ts');
  const compiled = compileSeccomp(profile);
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(file, JSON.stringify({ ...compiled, program: Buffer.from(compiled.program).toString('base64'), source }), 0o600);
  } catch {
    // a cache that cannot be written only costs time
  }
  return compiled;
}

// Two 32-bit FNV-1a lanes with different offsets: 64 bits spread well enough to name files.
function cheapHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
