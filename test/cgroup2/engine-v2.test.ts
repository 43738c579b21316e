import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostCgroupLayout } from '../../src/runtime/cgroups/detect.ts';
import { findRuntimeBinary } from '../../src/engine/runtime-driver/runtime-binaries.ts';
import { berthEnv, cliSkipReason, inspectField, leakCheck, runBerth, safeName, waitFor } from '../helpers/berth-cli.ts';

// berth's engine (the `berth` command, not only its runtime) on a cgroup v2-only kernel: the
// guest of scripts/in-cgroup2-vm.sh, which test/runtime/cgroups-v2-vm.test.ts boots with /tmp on
// a tmpfs (overlay refuses an upper directory on the guest's overlay root). docker's resource
// flags must land in the v2 files, stats/update/pause/OOM must read and write them, and
// `--runtime runc|crun` must make the same container: crun runs here, where it refuses the hybrid
// development host. On a host with v1 hierarchies this file registers one skipped test; inside
// the guest nothing may skip, so a missing runc or crun (install.sh installs both) fails.

const layout = hostCgroupLayout();
const skip = cliSkipReason();

if (layout.mode !== 'v2') {
  test('berth on a cgroup v2-only host', (t) => t.skip('needs a cgroup v2-only host: test/runtime/cgroups-v2-vm.test.ts runs this in a guest'));
} else {
  const env = skip ? undefined : berthEnv({}, { busybox: true });
  after(() => env?.cleanup());
  const root = layout.hierarchies[0]!.mountPoint;

  // the container's own cgroup, as the host sees it
  const cgroupOf = async (name: string): Promise<string> => {
    const pid = await inspectField(name, '{{.State.Pid}}');
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim();
    assert.match(line, /^0::\//, 'a v2-only process has one cgroup line');
    return join(root, line.slice(3));
  };
  const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8').trim();

  test('docker\'s resource flags land in the container\'s v2 files, seen from inside', { skip }, async () => {
    const script = 'cd /sys/fs/cgroup; for f in memory.max memory.low cpu.max cpu.weight pids.max; do echo "$f $(cat $f)"; done; cat /proc/self/cgroup';
    const r = await runBerth(0, 'run', '--rm', '-m', '64m', '--memory-reservation', '32m', '--cpus', '0.5', '--cpu-shares', '512', '--pids-limit', '20', 'busybox', 'sh', '-c', script);
    const lines = r.stdout.trim().split('\n');
    const v = Object.fromEntries(lines.slice(0, 5).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
    // cpu.weight 59: 512 shares by the quadratic conversion of current runc and crun
    // (src/runtime/cgroups/cpu-shares-to-weight.ts)
    assert.deepEqual(v, { 'memory.max': '67108864', 'memory.low': '33554432', 'cpu.max': '50000 100000', 'cpu.weight': '59', 'pids.max': '20' });
    // docker's private cgroup namespace on v2: the container sees itself at the root
    assert.equal(lines[5], '0::/');
  });

  test('stats, update, pause and unpause work on the v2 files; rm -f removes the cgroup', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, '-m', '64m', '--pids-limit', '30', 'busybox', 'sleep', '1000');
    const cg = await cgroupOf(name);
    assert.equal(read(cg, 'memory.max'), '67108864');

    const stats = (await runBerth(0, 'stats', '--no-stream', '--format', '{{.MemUsage}}|{{.PIDs}}', name)).stdout.trim();
    assert.match(stats, /^[\d.]+[KMG]?i?B \/ 64MiB\|1$/, stats);

    await runBerth(0, 'update', '-m', '128m', '--memory-swap', '256m', '--pids-limit', '40', name);
    assert.equal(read(cg, 'memory.max'), '134217728');
    assert.equal(read(cg, 'pids.max'), '40');
    assert.equal(await inspectField(name, '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}'), '134217728 40');

    await runBerth(0, 'pause', name);
    assert.equal(read(cg, 'cgroup.freeze'), '1');
    await waitFor(async () => /frozen 1/.test(read(cg, 'cgroup.events')), { what: 'the v2 freezer to report frozen' });
    assert.equal(await inspectField(name, '{{.State.Status}}'), 'paused');
    await runBerth(0, 'unpause', name);
    assert.equal(read(cg, 'cgroup.freeze'), '0');
    assert.equal((await runBerth(0, 'exec', name, 'echo', 'thawed')).stdout, 'thawed\n');

    await runBerth(0, 'rm', '-f', name);
    assert.equal(existsSync(cg), false, `${cg} left behind`);
  });

  test('an OOM kill: exit 137 and OOMKilled, from memory.events', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(137, 'run', '--name', name, '-m', '8m', '--memory-swap', '8m', 'busybox', 'sh', '-c', 'x=$(head -c 40000000 /dev/zero | tr "\\0" a); echo survived');
    assert.equal(await inspectField(name, '{{.State.OOMKilled}} {{.State.ExitCode}}'), 'true 137');
    await runBerth(0, 'rm', name);
  });

  for (const runtime of ['runc', 'crun']) {
    test(`--runtime ${runtime}: the same limits, exec, stop and rm`, { skip }, async (t) => {
      assert.ok(findRuntimeBinary(runtime), `${runtime} is not in PATH (install.sh installs it)`);
      const once = await runBerth(0, 'run', '--rm', '--runtime', runtime, '-m', '32m', '--pids-limit', '10', 'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max');
      assert.equal(once.stdout, '33554432\n10\n');

      const name = safeName(t);
      await runBerth(0, 'run', '-d', '--name', name, '--runtime', runtime, 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.1; done');
      assert.equal(await inspectField(name, '{{.HostConfig.Runtime}}'), runtime);
      const cg = await cgroupOf(name);
      // each berth command costs seconds in this guest: pause and the rest are tested with runc on
      // the development host (test/cli/runtime-flag.test.ts)
      assert.equal((await runBerth(4, 'exec', name, 'sh', '-c', 'echo in; exit 4')).stdout, 'in\n');
      await runBerth(0, 'stop', name);
      assert.equal(await inspectField(name, '{{.State.Status}} {{.State.ExitCode}}'), 'exited 0');
      assert.equal(existsSync(cg), false, `${runtime} left ${cg}`);
      await runBerth(0, 'rm', name);
    });
  }

  test('leaves nothing behind', { skip }, () => leakCheck());
}
