// The benchmark image: real files from this machine in four layers (Perl's library and modules,
// the time zone database, esbuild's package), gzip-compressed, pushed with skopeo to a
// docker-registry on 127.0.0.1. Shared by bench/pull.ts and bench/push.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildLayoutFromTars, skopeoPush } from '../test/helpers/oci-image.ts';
import { REPO } from '../test/helpers/busybox-rootfs.ts';
import { installMissing } from '../test/helpers/debian-tools.ts';

export const LAYER_DIRS = ['/usr/share/perl', '/usr/lib/x86_64-linux-gnu/perl', '/usr/share/zoneinfo', join(REPO, 'node_modules', 'esbuild')];

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function timeIt(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: env ?? process.env });
}

export function has(cmd: string): boolean {
  return ['/usr/bin', '/bin', '/usr/local/bin'].some((d) => existsSync(join(d, cmd)));
}

// The peers come from Debian (podman 4.3, skopeo 1.9); installed when missing.
export function ensurePeers(): void {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root');
  if (!existsSync(join(REPO, 'dist', 'berth'))) throw new Error('build first: node scripts/build.ts');
  installMissing(['podman', 'skopeo', 'docker-registry']);
}

// Builds the layout once; returns its path and total sizes.
export function buildBenchLayout(): { layout: string; tarBytes: number; cleanup: () => void } {
  const tars = LAYER_DIRS.filter((d) => existsSync(d) && statSync(d).isDirectory()).map((d) =>
    execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@1700000000', '-C', '/', '-cf', '-', d.replace(/^\//, '')], { maxBuffer: 1 << 30 }),
  );
  const { layout, cleanup } = buildLayoutFromTars('bench', tars);
  return { layout, tarBytes: tars.reduce((n, t) => n + t.length, 0), cleanup };
}

export async function pushLayout(layout: string, dest: string): Promise<void> {
  await skopeoPush(layout, 'bench', dest);
}

// Where the stores live. Default: a tmpfs mounted for the run, so that the figures measure the
// tools rather than the disk: on a shared ext4 the inode allocator crawls for minutes after many
// files were deleted (ext4's recently_deleted scan), which makes unpacking several times slower
// and noisy for every tool alike. BENCH_DIR=/var/tmp (or any directory) measures on that disk.
export const BENCH_DIR = process.env['BENCH_DIR'] ?? mountBenchTmpfs();

function mountBenchTmpfs(): string {
  const dir = mkdtempSync('/run/berth-bench-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8g,mode=0700', 'berth-bench', dir]);
  // Ctrl-C or a timeout still unmounts it
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
  process.on('exit', () => {
    try {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // a store still mounted inside: left for the operator, never forced
    }
  });
  return dir;
}

export function benchPlace(): string {
  return process.env['BENCH_DIR'] ? `${BENCH_DIR} (disk)` : 'tmpfs';
}

export function freshDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(BENCH_DIR, prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
