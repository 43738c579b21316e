// Runs the test suite with node:test: unit tests beside the code (src/**/*.test.ts) and the
// integration tests (test/**/*.test.ts), which use the real kernel, the helper in dist/ and, for
// images, a registry on 127.0.0.1. Usage: node scripts/test.ts [--unit] [file or dir ...]
//
// It runs under `tini -s` when tini is installed: containers created by `berth-runtime create`
// outlive the runtime process and are reparented to the nearest subreaper. Without one they go to
// PID 1, which on some machines (this project's CI among them) never reaps them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const targets = args.filter((a) => !a.startsWith('--'));

function findTests(dir: string, out: string[]): string[] {
  if (!existsSync(dir)) return out;
  if (statSync(dir).isFile()) {
    out.push(dir);
    return out;
  }
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) findTests(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const roots = targets.length > 0 ? targets.map((t) => resolve(t)) : unitOnly ? [join(repo, 'src')] : [join(repo, 'src'), join(repo, 'test')];
// The cgroup v2 guest's file takes ~4 minutes of mostly waiting on a user-mode kernel: started
// first, it runs beside the rest of the suite instead of after most of it.
const FIRST = ['test/runtime/cgroups-v2-vm.test.ts'];
const files = roots
  .flatMap((r) => findTests(r, []))
  .map((f) => relative(repo, f))
  .sort((a, b) => Number(FIRST.includes(b)) - Number(FIRST.includes(a)) || (a < b ? -1 : a > b ? 1 : 0));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

const nodeArgs = ['--test', '--test-concurrency=4', `--test-timeout=${10 * 60 * 1000}`, ...files];
const tini = ['/usr/bin/tini', '/bin/tini'].find((p) => existsSync(p));
const [cmd, cmdArgs] = tini ? [tini, ['-s', '--', process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
const r = spawnSync(cmd, cmdArgs, { cwd: repo, stdio: 'inherit', env: { ...process.env, BERTH_REPO: repo } });
process.exit(r.status ?? 1);
