// The OCI runtime-tools validation suite (opencontainers/runtime-tools, validation/) run against
// berth-runtime and runc side by side: the issue's yardstick for conformance is "what runc
// passes on this machine". Needs root and a runtime-tools checkout, whose source is in neither
// Debian nor npm (Debian's golang-github-opencontainers-runtime-tools-dev leaves validation/ and
// cmd/runtimetest out), so this is not part of `npm test`.
//
// Usage: node scripts/conformance.ts <runtime-tools checkout> [--only name,name] [--runtime path]
// Builds the suite with Debian's Go when its binaries are missing (runtime-tools vendors its
// dependencies; Debian 12's Go 1.19 builds commits up to late 2023), then runs every
// validation/<name>/<name>.t with RUNTIME set to each runtime, and prints each test's TAP counts
// for both and the tests where berth-runtime does worse than runc. Exits 1 when there is one.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO } from '../test/helpers/busybox-rootfs.ts';
import { installMissing } from '../test/helpers/debian-tools.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const checkout = args[0] && !args[0].startsWith('--') ? resolve(args[0]) : undefined;
if (!checkout) throw new Error('usage: node scripts/conformance.ts <runtime-tools checkout> [--only name,name] [--runtime path]');
if (!existsSync(join(checkout, 'validation')) || !existsSync(join(checkout, 'Makefile'))) {
  throw new Error(`${checkout}: not a runtime-tools checkout (no validation/ or Makefile)`);
}
if (process.getuid?.() !== 0) throw new Error('the validation suite needs root');
const berth = resolve(flag('--runtime') ?? join(REPO, 'dist', 'berth-runtime'));
if (!existsSync(berth)) throw new Error(`${berth} does not exist: build first (node scripts/build.ts)`);
const only = flag('--only')?.split(',');

installMissing(['runc']);

let names = readdirSync(join(checkout, 'validation'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(checkout, 'validation', e.name, `${e.name}.go`)))
  .map((e) => e.name)
  .sort();
if (only) {
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new Error(`--only: no validation test named ${unknown.join(', ')}`);
  names = names.filter((n) => only.includes(n));
}
const binary = (name: string): string => join(checkout, 'validation', name, `${name}.t`);
if (!existsSync(join(checkout, 'runtimetest')) || names.some((n) => !existsSync(binary(n)))) {
  installMissing([['go', 'golang-go']]);
  console.log('building runtimetest and the validation tests (make runtimetest validation-executables)');
  execFileSync('make', ['-C', checkout, 'runtimetest', 'validation-executables'], {
    stdio: 'inherit',
    env: { ...process.env, GOFLAGS: '-mod=vendor', GO111MODULE: 'on' },
  });
}

interface Result {
  status: number | null;
  ok: number;
  notOk: number;
}
// TAP from the test: "ok N - ..." and "not ok N - ..." lines; a test that cannot set itself up
// (a cgroup controller this host lacks) exits non-zero and may print neither
function runTest(name: string, runtime: string): Result {
  const r = spawnSync(binary(name), [], { cwd: checkout, env: { ...process.env, RUNTIME: runtime }, encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  return { status: r.status, ok: (out.match(/^ok /gm) ?? []).length, notOk: (out.match(/^not ok /gm) ?? []).length };
}

const runtimes = [
  { name: 'berth-runtime', bin: berth },
  { name: 'runc', bin: 'runc' },
];
const show = (r: Result): string => `${String(r.ok).padStart(4)} ${String(r.notOk).padStart(4)} ${String(r.status).padStart(3)}`;
console.log(`OCI runtime-tools validation (${checkout}), ${new Date().toISOString()}`);
for (const t of runtimes) console.log(`  ${t.name.padEnd(14)} ${execFileSync(t.bin, ['--version'], { encoding: 'utf8' }).split('\n')[0]}`);
console.log(`  ${'test'.padEnd(34)} ${'berth-runtime'.padEnd(13)}   ${'runc'.padEnd(13)}`);
console.log(`  ${''.padEnd(34)}   ok  not  rc     ok  not  rc`);
// A test passes when it exits 0 with no "not ok". The count of "ok" lines is no measure: a
// *_fail test that wants the config refused prints nothing when the runtime refuses it, and the
// whole inside check (300-odd oks) when the runtime wrongly runs it.
const passed = (r: Result): boolean => r.status === 0 && r.notOk === 0;
// where berth-runtime differs from runc on purpose (README, "refused on purpose"): reported, and
// not counted against it in the exit status
const onPurpose = new Map([['linux_ns_itype', 'a config without a mount namespace is refused: runc would mount /proc and the rest onto the host']]);
const worse: string[] = [];
const passes = new Map(runtimes.map((t) => [t.name, 0]));
for (const name of names) {
  const [b, r] = runtimes.map((t) => runTest(name, t.bin)) as [Result, Result];
  if (passed(b)) passes.set('berth-runtime', passes.get('berth-runtime')! + 1);
  if (passed(r)) passes.set('runc', passes.get('runc')! + 1);
  // worse: a test runc passes and berth-runtime does not, or more failed checks than runc's
  const isWorse = (passed(r) && !passed(b)) || b.notOk > r.notOk;
  const why = isWorse ? onPurpose.get(name) : undefined;
  if (isWorse && why === undefined) worse.push(name);
  console.log(`  ${name.padEnd(34)} ${show(b)}    ${show(r)}${why ? `   <- on purpose: ${why}` : isWorse ? '   <- berth-runtime worse' : ''}`);
}
for (const [name, n] of passes) console.log(`  ${name}: passes ${n} of ${names.length} tests`);
// What the runs left behind, reported and not removed (the host may have had its own). The
// tests' cgroupsPath is "testdir/cgrouptest", relative ones below this process's own cgroup in
// each hierarchy (the memory one is deeper on some hosts). runc 1.1.5 leaves both directories
// after the relative tests.
for (const t of runtimes) {
  const left = execFileSync(t.bin, ['list', '-q'], { encoding: 'utf8' }).trim();
  if (left) console.log(`  ${t.name} still lists containers: ${left.split('\n').join(', ')}`);
}
function findTestCgroups(dir: string, depth: number, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    if (e.name === 'testdir') out.push(join(dir, e.name));
    else if (depth > 1) findTestCgroups(join(dir, e.name), depth - 1, out);
  }
  return out;
}
const testCgroups = findTestCgroups('/sys/fs/cgroup', 5, []);
if (testCgroups.length > 0) console.log(`  cgroups left by the runs (or there before): ${testCgroups.join(' ')}`);
console.log(worse.length === 0 ? 'berth-runtime does no worse than runc on any test, but where it differs on purpose' : `berth-runtime does worse than runc on: ${worse.join(', ')}`);
process.exitCode = worse.length === 0 ? 0 : 1;
