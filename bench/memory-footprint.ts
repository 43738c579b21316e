// The runtime's own memory inside the container's cgroup: a container with a memory limit whose
// program prints the peak usage of its own memory cgroup (everything the runtime did in there
// before exec, plus a busybox cat). And whether a container runs under a 512 KiB limit at all
// (crun's README: crun can, runc cannot). berth-runtime against runc (and crun where it can run
// on this host) on the same bundle. Needs root. Usage: node bench/memory-footprint.ts [--runs 10]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBundle } from '../test/helpers/bundle.ts';
import { REPO } from '../test/helpers/busybox-rootfs.ts';
import { installMissing } from '../test/helpers/debian-tools.ts';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 10);
if (process.getuid?.() !== 0) throw new Error('the benchmark needs root');
installMissing(['runc', 'crun']);
const tools = [
  { name: 'berth-runtime', bin: join(REPO, 'dist', 'berth-runtime') },
  { name: 'runc', bin: 'runc' },
  { name: 'crun', bin: 'crun' },
];
const stateRoot = mkdtempSync('/run/berth-membench-');
const PEAK = 'cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.peak';

function run(bin: string, limit: number, args: string[], i: number): { ok: boolean; out: string; err: string } {
  const b = makeBundle((s) => {
    s.ociVersion = '1.0.2';
    s.process!.args = args;
    // no seccomp profile: it is the same for every runtime and not what is measured here
    delete s.linux!.seccomp;
    s.linux!.resources = { memory: { limit, swap: limit } };
  });
  writeFileSync(join(b.dir, 'config.json'), JSON.stringify(b.spec));
  try {
    const r = spawnSync(bin, ['--root', join(stateRoot, bin.replaceAll('/', '_')), 'run', `m${i}`], { cwd: b.dir, encoding: 'utf8', timeout: 60_000 });
    return { ok: r.status === 0, out: r.stdout ?? '', err: (r.stderr ?? '').trim() };
  } finally {
    b.remove();
  }
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
try {
  console.log(`memory footprint inside the container's cgroup, ${runs} runs each (${new Date().toISOString()})`);
  console.log(`  ${'runtime'.padEnd(14)} ${'runs at 512k'.padEnd(14)} peak usage of the cgroup (median, KiB), program: busybox cat`);
  for (const t of tools) {
    const small = run(t.bin, 512 * 1024, ['true'], 0);
    const peaks: number[] = [];
    let failure = '';
    for (let i = 1; i <= runs; i++) {
      const r = run(t.bin, 64 * 1024 * 1024, ['sh', '-c', PEAK], i);
      if (!r.ok) {
        failure = r.err.split('\n').pop() ?? 'failed';
        break;
      }
      peaks.push(Number(r.out.trim()));
    }
    const peak = peaks.length ? `${(median(peaks) / 1024).toFixed(0)} KiB` : `cannot run here: ${failure}`;
    console.log(`  ${t.name.padEnd(14)} ${(small.ok ? 'yes' : `no (${small.err.split('\n').pop()?.slice(0, 60)})`).padEnd(14)} ${peak}`);
  }
} finally {
  rmSync(stateRoot, { recursive: true, force: true });
}
