// Builds the C test tools beside this file (probe.c, load-filter.c) into a temporary directory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface NativeTools {
  dir: string;
  probe: string; // static: it also runs inside a busybox rootfs
  loadFilter: string;
  dispose(): void;
}

export function buildNativeTools(): NativeTools | { skip: string } {
  if (spawnSync('cc', ['--version']).status !== 0) return { skip: 'no C compiler (cc) on this machine' };
  if (!existsSync('/usr/include/linux/seccomp.h')) return { skip: 'no kernel headers (linux-libc-dev)' };
  const dir = mkdtempSync(join(tmpdir(), 'berth-seccomp-tools-'));
  const probe = join(dir, 'probe');
  const loadFilter = join(dir, 'load-filter');
  for (const [out, src, extra] of [[probe, 'probe.c', ['-static']], [loadFilter, 'load-filter.c', []]] as const) {
    const r = spawnSync('cc', ['-O1', ...extra, '-o', out, join(HERE, src)], { encoding: 'utf8' });
    if (r.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      return { skip: `cannot build ${src} (static glibc from libc6-dev needed): ${r.stderr.trim()}` };
    }
  }
  return { dir, probe, loadFilter, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export function parseProbeOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
