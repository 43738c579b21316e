// berth-runtime against runc and crun: `run` of a busybox bundle whose program is `true`, on the
// same bundle and the same tmpfs state root, runs alternating so load affects all alike.
// Prints medians and ratios. Needs root. Usage: node bench/runtime-run.ts [--runs 40]
// The state root is a tmpfs the script mounts (and unmounts): /run is one on a systemd host, but
// not on every machine (this development VM's /run is on its disk, where berth-runtime's fsync of
// state.json costs ~2 ms that a real host does not pay). `node -e 0`, timed in the same loop, is
// the floor any Node program pays: Node's own start and exit.
// runc and crun come from Debian; this script installs them when they are missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBundle } from '../test/helpers/bundle.ts';
import { REPO } from '../test/helpers/busybox-rootfs.ts';
import { installMissing } from '../test/helpers/debian-tools.ts';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt < 0 ? 40 : Number(process.argv[runsAt + 1]);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a positive whole number, not ${process.argv[runsAt + 1]}`);
if (process.getuid?.() !== 0) throw new Error('the benchmark needs root');
installMissing(['runc', 'crun']);
const berth = join(REPO, 'dist', 'berth-runtime');
if (!existsSync(berth)) throw new Error('build first: node scripts/build.ts');

const bundle = makeBundle((s) => {
  s.process!.args = ['true'];
  // crun 1.8 (Debian 12) knows specs up to 1.1; the bundle uses nothing newer
  s.ociVersion = '1.0.2';
});
writeFileSync(join(bundle.dir, 'config.json'), JSON.stringify(bundle.spec));
const stateRoot = mkdtempSync(join('/run', 'berth-bench-'));
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'mode=0700', 'tmpfs', stateRoot]);
} catch (err) {
  rmSync(stateRoot, { recursive: true, force: true });
  throw err;
}
const tools = [
  { name: 'berth-runtime', bin: berth },
  { name: 'runc', bin: 'runc' },
  { name: 'crun', bin: 'crun' },
];
const version = (bin: string): string => execFileSync(bin, ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
const times = new Map<string, number[]>(tools.map((t) => [t.name, []]));
const nodeBin = process.execPath;
const nodeTimes: number[] = [];
function nodeOnce(): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(nodeBin, ['-e', '0'], { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node -e 0 failed (${r.status})`);
  return ms;
}

function once(t: (typeof tools)[number], i: number): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(t.bin, ['--root', join(stateRoot, t.name), 'run', `b${i}`], { cwd: bundle.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${t.name} run failed (${r.status}): ${r.stderr}`);
  return ms;
}

// The part of berth-runtime's run that is mostly not TypeScript's work: from just before Node
// forks the helper to the container's exit reaching Node (the fork and exec of the helper, the
// container's namespaces, mounts, exec of `true` and exit), from BERTH_TRACE=1 runs kept out of
// the comparison. Inside it are also a few ms of TypeScript (encoding the plan, reading the
// helper's messages, writing state.json) and the helper's own trace lines (a hundred small
// writes). With `node -e 0` it is the floor that the rest of berth-runtime's work (the CLI, the
// config's validation, cgroups, the plan, delete) adds to.
const helperSpans: number[] = [];
function tracedSpan(i: number): number {
  const r = spawnSync(berth, ['--root', join(stateRoot, 'berth-runtime'), 'run', `t${i}`], { cwd: bundle.dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BERTH_TRACE: '1' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`berth-runtime run (traced) failed (${r.status}): ${r.stderr}`);
  const at = (label: string): number => {
    const m = new RegExp(`^trace ([0-9.]+) ms ${label}$`, 'm').exec(r.stderr);
    if (!m) throw new Error(`no "${label}" in berth-runtime's trace:\n${r.stderr}`);
    return Number(m[1]);
  };
  return at('run: exited') - at('spawn: before');
}

// A runtime that cannot run here at all (crun 1.8 refuses hybrid cgroup hosts such as this
// development machine) is reported with its error and left out of the comparison.
const unavailable = new Map<string, string>();
try {
  for (const t of tools) {
    try {
      for (let w = 0; w < 3; w++) once(t, 1000 + w); // warm caches (page cache, V8 compile cache)
    } catch (err) {
      unavailable.set(t.name, (err as Error).message.trim());
    }
  }
  const usable = tools.filter((t) => !unavailable.has(t.name));
  for (let i = 0; i < runs; i++) {
    for (const t of usable) times.get(t.name)!.push(once(t, i));
    nodeTimes.push(nodeOnce());
  }
  for (let i = 0; i < Math.ceil(runs / 2); i++) helperSpans.push(tracedSpan(i));
} finally {
  bundle.remove();
  spawnSync('umount', [stateRoot]);
  rmSync(stateRoot, { recursive: true, force: true });
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (a: number[], p: number): number => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))]!;
console.log(`run of a busybox bundle running \`true\`, ${runs} alternating runs each, state on tmpfs (${new Date().toISOString()})`);
for (const t of tools) console.log(`  ${t.name.padEnd(14)} ${version(t.bin)}`);
for (const [name, why] of unavailable) console.log(`  ${name} cannot run on this host and is left out: ${why}`);
const base = tools.filter((t) => !unavailable.has(t.name) && t.name !== 'berth-runtime');
console.log(`  ${'runtime'.padEnd(14)} ${'median'.padStart(9)} ${'p10'.padStart(9)} ${'p90'.padStart(9)}${base.map((b) => `   vs ${b.name}`).join('')}`);
for (const t of tools.filter((x) => !unavailable.has(x.name))) {
  const a = times.get(t.name)!;
  const m = median(a);
  const ratios = base.map((b) => `   ${(m / median(times.get(b.name)!)).toFixed(2).padStart(5)}x`).join('');
  console.log(`  ${t.name.padEnd(14)} ${m.toFixed(1).padStart(7)}ms ${pct(a, 10).toFixed(1).padStart(7)}ms ${pct(a, 90).toFixed(1).padStart(7)}ms${ratios}`);
}
const runcMedian = unavailable.has('runc') ? undefined : median(times.get('runc')!);
const nodeMedian = median(nodeTimes);
console.log(
  `  ${'node -e 0'.padEnd(14)} ${nodeMedian.toFixed(1).padStart(7)}ms ${pct(nodeTimes, 10).toFixed(1).padStart(7)}ms ${pct(nodeTimes, 90).toFixed(1).padStart(7)}ms` +
    `   (Node's own start and exit, ${nodeBin}: the floor of any call of berth-runtime` +
    `${runcMedian === undefined ? '' : `, ${((nodeMedian / runcMedian) * 100).toFixed(0)}% of runc's whole run`})`,
);
if (helperSpans.length > 0) {
  const span = median(helperSpans);
  console.log(
    `  ${'helper span'.padEnd(14)} ${span.toFixed(1).padStart(7)}ms ${pct(helperSpans, 10).toFixed(1).padStart(7)}ms ${pct(helperSpans, 90).toFixed(1).padStart(7)}ms` +
      `   (BERTH_TRACE=1, ${helperSpans.length} runs: from Node's fork of the helper to the container's exit)`,
  );
  if (runcMedian !== undefined) {
    console.log(
      `  floor: node -e 0 + helper span = ${(nodeMedian + span).toFixed(1)} ms, ${((nodeMedian + span) / runcMedian).toFixed(2)}x runc, ` +
        `before the CLI, the config's validation, cgroups, the plan and delete`,
    );
  }
}
