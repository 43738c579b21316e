import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUSYBOX, REPO } from './busybox-rootfs.ts';

const NODE = join(REPO, 'node_modules', '.bin', 'node');

// A berth store with busybox:latest in it, seeded once per build of berth and busybox binary
// into .cache (a seed takes a second and a half; the command tests copy it, in milliseconds);
// a change to either seeds again and older stores are removed. Shared by berth-cli.ts and
// berth-sandbox.ts.
export function seededStore(): string {
  const st = statSync(BUSYBOX);
  const key = createHash('sha256').update(readFileSync(join(REPO, 'dist', 'berth.cjs'))).update(`${st.size}:${st.mtimeMs}`).digest('hex').slice(0, 16);
  const cache = join(REPO, '.cache');
  const dir = join(cache, `berth-cli-store-${key}`);
  if (existsSync(dir)) return dir;
  mkdirSync(cache, { recursive: true });
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync(NODE, [join(REPO, 'scripts', 'seed-busybox-image.ts'), '--root', tmp], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seeding busybox: ${r.stderr}`);
  try {
    renameSync(tmp, dir);
  } catch {
    // another test file finished first; theirs is as good
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const old of readdirSync(cache)) {
    const stale = (old.startsWith('berth-cli-store-') && !old.startsWith(`berth-cli-store-${key}`)) || old.startsWith('berth-sandbox-store-');
    if (stale && !old.endsWith('.tmp')) rmSync(join(cache, old), { recursive: true, force: true });
  }
  return dir;
}
