import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNTIME, type Result } from './runtime-cli.ts';

export interface IdRange {
  start: number;
  count: number;
}

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  subuid?: IdRange;
  // $XDG_RUNTIME_DIR of the user: a 0700 directory it owns
  xdg: string;
  // berth-runtime as this user (setpriv), with XDG_RUNTIME_DIR set unless `env` says otherwise
  runtime(args: string[], opts?: { cwd?: string; env?: Record<string, string | undefined>; cgroupProcs?: string }): Result;
  remove(): void;
}

let counter = 0;

function dropLines(file: string, name: string): void {
  const text = readFileSync(file, 'utf8');
  const kept = text.split('\n').filter((l) => !l.startsWith(`${name}:`));
  if (kept.length !== text.split('\n').length) writeFileSync(file, kept.join('\n'));
}

// A throwaway user for rootless tests: made with useradd (without the subordinate ids useradd
// would allocate itself), given `range` in /etc/subuid and /etc/subgid when asked, and removed
// with its lines, group and runtime directory by remove(). The name carries the test process's
// pid so that a leftover names the run that made it.
export function createTestUser(range?: IdRange): TestUser {
  const name = `berth${process.pid}x${++counter}`;
  execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', '-K', 'SUB_UID_COUNT=0', '-K', 'SUB_GID_COUNT=0', '-K', 'UID_MIN=20000', '-K', 'GID_MIN=20000', '-U', name], { stdio: 'pipe' });
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  if (range) {
    for (const f of ['/etc/subuid', '/etc/subgid']) writeFileSync(f, `${name}:${range.start}:${range.count}\n`, { flag: 'a' });
  }
  const xdg = mkdtempSync(join(tmpdir(), 'berth-xdg-'));
  chownSync(xdg, uid, gid);
  return {
    name,
    uid,
    gid,
    ...(range ? { subuid: range } : {}),
    xdg,
    runtime(args, opts = {}) {
      const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', XDG_RUNTIME_DIR: xdg, HOME: '/nonexistent' };
      for (const [k, v] of Object.entries(opts.env ?? {})) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
      const dir = mkdtempSync(join(tmpdir(), 'berth-out-'));
      const out = openSync(join(dir, 'out'), 'w+');
      const err = openSync(join(dir, 'err'), 'w+');
      try {
        const drop = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), RUNTIME, ...args];
        // moved (as root) into a cgroup first: a delegated one, for the cgroup tests
        const argv = opts.cgroupProcs ? ['sh', '-c', 'echo $$ > "$0" && exec "$@"', opts.cgroupProcs, ...drop] : drop;
        const r = spawnSync(argv[0]!, argv.slice(1), { cwd: opts.cwd, stdio: ['ignore', out, err], timeout: 30_000 });
        if (r.error) throw r.error;
        return { code: r.status ?? 128, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') };
      } finally {
        closeSync(out);
        closeSync(err);
        rmSync(dir, { recursive: true, force: true });
      }
    },
    remove() {
      // userdel refuses while the user has processes; tests delete their containers first
      spawnSync('userdel', [name], { stdio: 'pipe' });
      for (const f of ['/etc/subuid', '/etc/subgid']) dropLines(f, name);
      rmSync(xdg, { recursive: true, force: true });
    },
  };
}
