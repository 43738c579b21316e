// Health checks: --health-* and the image's HEALTHCHECK, run by the container's monitor on its
// timer (no berth command running), State.Health as docker keeps it, ps's "(healthy)".
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { sandbox, sleep, waitFor } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

interface Health {
  Status: string;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

const health = async (name: string): Promise<Health | null> => JSON.parse(await sb.field(name, '{{json .State.Health}}')) as Health | null;
const psStatus = async (name: string): Promise<string> => (await sb.run(0, 'ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Status}}')).stdout.trim();

test('every second: starting, failing while the file is missing, healthy once it is there', async () => {
  // the check fails until /tmp/ready exists (made after about 2.5 s), with output each time
  await sb.run(0, 'run', '-d', '--name', 'h1', '--health-cmd', 'echo probing; test -f /tmp/ready', '--health-interval', '1s', '--health-retries', '5', 'busybox', 'sh', '-c', 'sleep 2.5; touch /tmp/ready; sleep 1000');
  const first = await health('h1');
  assert.deepEqual(first, { Status: 'starting', FailingStreak: 0, Log: [] });
  assert.match(await psStatus('h1'), /^Up .* \(health: starting\)$/);
  // failures come first, each a second or so apart, and count in the streak
  const failing = await waitFor(async () => {
    const h = await health('h1');
    return h && h.FailingStreak >= 1 ? h : undefined;
  }, { timeoutMs: 5000, what: 'a failed check' });
  assert.equal(failing.Status, 'starting', 'fewer failures than --health-retries');
  assert.equal(failing.Log[0]!.ExitCode, 1);
  assert.equal(failing.Log[0]!.Output, 'probing\n');
  const healthy = await waitFor(async () => {
    const h = await health('h1');
    return h?.Status === 'healthy' ? h : undefined;
  }, { timeoutMs: 10_000, what: 'healthy' });
  assert.equal(healthy.FailingStreak, 0);
  const last = healthy.Log[healthy.Log.length - 1]!;
  assert.equal(last.ExitCode, 0);
  assert.ok(healthy.Log.some((l) => l.ExitCode === 1), 'the failures are in the log');
  // the checks are about a second apart (interval from the end of one to the start of the next)
  const starts = healthy.Log.map((l) => Date.parse(l.Start));
  for (let i = 1; i < starts.length; i++) {
    const gap = starts[i]! - starts[i - 1]!;
    assert.ok(gap >= 1000 && gap < 3000, `checks ${gap} ms apart`);
  }
  assert.match(await psStatus('h1'), /^Up .* \(healthy\)$/);
  // the log keeps the last five
  await waitFor(async () => ((await health('h1'))?.Log.length ?? 0) >= 5, { timeoutMs: 10_000 });
  await sleep(1500);
  assert.equal((await health('h1'))!.Log.length, 5);
});

test('unhealthy after --health-retries failures in a row; a success makes it healthy again', async () => {
  await sb.run(0, 'run', '-d', '--name', 'h2', '--health-cmd', 'test ! -f /tmp/broken', '--health-interval', '1s', '--health-retries', '2', 'busybox', 'sh', '-c', 'touch /tmp/broken; sleep 1000');
  const h = await waitFor(async () => {
    const x = await health('h2');
    return x?.Status === 'unhealthy' ? x : undefined;
  }, { timeoutMs: 10_000, what: 'unhealthy' });
  assert.ok(h.FailingStreak >= 2);
  assert.match(await psStatus('h2'), /\(unhealthy\)$/);
  const filtered = await sb.run(0, 'ps', '--format', '{{.Names}}', '--filter', 'health=unhealthy');
  assert.equal(filtered.stdout, 'h2\n');
  const none = await sb.run(0, 'ps', '-a', '--format', '{{.Names}}', '--filter', 'health=none', '--filter', 'name=h2');
  assert.equal(none.stdout, '');
  await sb.run(0, 'exec', 'h2', 'rm', '/tmp/broken');
  await waitFor(async () => (await health('h2'))?.Status === 'healthy', { timeoutMs: 10_000, what: 'healthy again' });
  assert.equal((await health('h2'))!.FailingStreak, 0);
});

test('a check that runs past its timeout is killed and counts as -1 with docker\'s message', async () => {
  await sb.run(0, 'run', '-d', '--name', 'h3', '--health-cmd', 'echo slow; sleep 30', '--health-interval', '1s', '--health-timeout', '500ms', '--health-retries', '1', 'busybox', 'sleep', '1000');
  const h = await waitFor(async () => {
    const x = await health('h3');
    return x?.Status === 'unhealthy' ? x : undefined;
  }, { timeoutMs: 10_000, what: 'unhealthy by timeout' });
  assert.equal(h.Log[0]!.ExitCode, -1);
  assert.equal(h.Log[0]!.Output, 'Health check exceeded timeout (500ms): slow\n');
  const took = Date.parse(h.Log[0]!.End) - Date.parse(h.Log[0]!.Start);
  assert.ok(took < 5000, `the check was stopped after ${took} ms`);
  // the killed check's sleep is not left running in the container past a few checks
  const top = await sb.run(0, 'top', 'h3', '-o', 'pid,args');
  assert.ok(top.stdout.split('\n').filter((l) => l.includes('sleep 30')).length <= 2, top.stdout);
});

test('failures inside --health-start-period do not count', async () => {
  await sb.run(0, 'run', '-d', '--name', 'h4', '--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1', '--health-start-period', '60s', 'busybox', 'sleep', '1000');
  // during the start period the checks come every start interval (docker's default 5 s)
  await waitFor(async () => ((await health('h4'))?.Log.length ?? 0) >= 1, { timeoutMs: 20_000, what: 'a check' });
  const h = (await health('h4'))!;
  assert.equal(h.Status, 'starting');
  assert.equal(h.FailingStreak, 0);
});

test('--health-start-interval: checks every start interval during the start period, not every interval', async () => {
  // with a 60 s interval the first check would come after a minute; the start interval brings
  // it within a second or two, and a success in the start period makes the container healthy
  await sb.run(0, 'run', '-d', '--name', 'h-si', '--health-cmd', 'test -f /tmp/ready', '--health-interval', '60s', '--health-start-period', '30s', '--health-start-interval', '500ms', 'busybox', 'sh', '-c', 'sleep 1; touch /tmp/ready; sleep 1000');
  assert.equal(await sb.field('h-si', '{{.Config.Healthcheck.StartInterval}}'), '500000000');
  const healthy = await waitFor(async () => {
    const h = await health('h-si');
    return h?.Status === 'healthy' ? h : undefined;
  }, { timeoutMs: 4000, what: 'healthy within the start period (the default start interval, 5 s, would be later)' });
  assert.equal(healthy.Log[healthy.Log.length - 1]!.ExitCode, 0);
  await sb.run(125, 'run', '-d', '--health-cmd', 'true', '--health-start-interval', 'soon', 'busybox', 'true');
  // its checks (every 500 ms for 30 s) would otherwise still run during the later tests
  await sb.run(0, 'rm', '-f', 'h-si');
});

test('the image\'s HEALTHCHECK is used, merged with the flags; --no-healthcheck turns it off', async () => {
  // an image with a HEALTHCHECK: committed from a container that has one
  await sb.run(0, 'create', '--name', 'h-src', '--health-cmd', 'exit 0', '--health-interval', '30s', 'busybox', 'sleep', '1000');
  await sb.run(0, 'commit', 'h-src', 'healthy-image:1');
  const cfg = await sb.run(0, 'image', 'inspect', '-f', '{{json .Config.Healthcheck}}', 'healthy-image:1');
  assert.deepEqual(JSON.parse(cfg.stdout), { Test: ['CMD-SHELL', 'exit 0'], Interval: 30e9 });
  await sb.run(0, 'run', '-d', '--name', 'h5', '--health-interval', '1s', 'healthy-image:1');
  assert.deepEqual(JSON.parse(await sb.field('h5', '{{json .Config.Healthcheck}}')), { Test: ['CMD-SHELL', 'exit 0'], Interval: 1e9 });
  await waitFor(async () => (await health('h5'))?.Status === 'healthy', { timeoutMs: 10_000, what: 'healthy from the image\'s check' });
  await sb.run(0, 'run', '-d', '--name', 'h6', '--no-healthcheck', 'healthy-image:1');
  assert.equal(await sb.field('h6', '{{json .State.Health}}'), 'null');
  assert.match(await psStatus('h6'), /^Up [^(]*$/);
  await sb.run(0, 'rm', '-f', 'h5', 'h6', 'h-src');
});

test('a paused container is not checked; stop ends the checks and leaves no process', async () => {
  await sb.run(0, 'pause', 'h1');
  const before = (await health('h1'))!.Log.map((l) => l.Start).join();
  await sleep(2500);
  assert.equal((await health('h1'))!.Log.map((l) => l.Start).join(), before, 'no check while paused');
  await sb.run(0, 'unpause', 'h1');
  const ids = await Promise.all(['h1', 'h2', 'h3', 'h4'].map((n) => sb.field(n, '{{.Id}}')));
  await sb.run(0, 'stop', '-t', '1', 'h1', 'h2', 'h3', 'h4');
  // a check started just before the stop is killed by its monitor at the exit; on a loaded
  // machine that can take a moment, so the processes are awaited (10 s at most), not sampled once
  const checks = (): string[] =>
    readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return cmd.includes(`${sb.root}\0--runroot`) && cmd.includes('healthcheck') && ids.some((id) => cmd.includes(id));
      } catch {
        return false;
      }
    });
  await waitFor(async () => checks().length === 0, { timeoutMs: 10_000, what: `no health check process left (${checks().join(', ')})` }).catch(() => undefined);
  // what a leftover is, if one is ever seen: its state, parent and command line
  const describe = (p: string): string => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return `${p} state ${state} ppid ${ppid}: ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ')}`;
    } catch {
      return `${p} (gone)`;
    }
  };
  assert.deepEqual(checks().map(describe), []);
  assert.equal(await sb.field('h1', '{{.State.Status}}'), 'exited');
});

test('container healthcheck runs one check by hand and says how it went', async () => {
  await sb.run(0, 'run', '-d', '--name', 'h7', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '1h', 'busybox', 'sleep', '1000');
  const bad = await sb.run(1, 'container', 'healthcheck', 'h7');
  assert.equal(bad.stdout, 'starting\n');
  await sb.run(0, 'exec', 'h7', 'touch', '/tmp/ok');
  const good = await sb.run(0, 'container', 'healthcheck', 'h7');
  assert.equal(good.stdout, 'healthy\n');
  const none = await sb.run(0, 'run', '-d', '--name', 'h8', 'busybox', 'sleep', '1000');
  void none;
  const r = await sb.run(1, 'container', 'healthcheck', 'h8');
  assert.equal(r.stdout, 'none\n');
});
