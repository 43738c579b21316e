// The namespace flags of berth run: --network none|host|container:NAME, --pid host|container:NAME,
// --ipc private|host|container:NAME, --uts host. A namespace is told by its /proc/*/ns link.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { berthEnv, cliSkipReason, leakCheck, runBerth, safeName } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

const host = (ns: string): string => readlinkSync(`/proc/self/ns/${ns}`);

async function nsOf(args: string[], ns: string): Promise<string> {
  return (await runBerth(0, 'run', '--rm', ...args, 'busybox', 'readlink', `/proc/self/ns/${ns}`)).stdout.trim();
}

// A long-running container to join; returns its name and its namespace links.
async function target(t: { name: string }): Promise<{ name: string; ns: (n: string) => Promise<string> }> {
  const name = safeName(t, 'target');
  await runBerth(0, 'run', '-d', '--name', name, '--ipc', 'shareable', 'busybox', 'sleep', '60');
  return { name, ns: async (n) => (await runBerth(0, 'exec', name, 'readlink', `/proc/self/ns/${n}`)).stdout.trim() };
}

describe('namespaces', { concurrency: 3 }, () => {
  test('--network none (the default): only lo, a namespace of its own', { skip }, async () => {
    const r = await runBerth(0, 'run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net; readlink /proc/self/ns/net');
    const ifaces = r.stdout.trim().split('\n');
    const ns = ifaces.pop();
    assert.deepEqual(ifaces, ['lo']);
    assert.notEqual(ns, host('net'));
    assert.notEqual(await nsOf([], 'net'), host('net'));
    assert.match((await runBerth(125, 'run', '--rm', '--network', 'nosuchnet', 'busybox', 'true')).stderr, /nosuchnet/);
  });

  test('--network host: the host\'s namespace and host name', { skip }, async () => {
    assert.equal(await nsOf(['--network', 'host'], 'net'), host('net'));
    assert.equal((await runBerth(0, 'run', '--rm', '--network', 'host', 'busybox', 'hostname')).stdout.trim(), hostname());
  });

  test('--network, --pid, --ipc container:NAME join that container\'s namespaces', { skip }, async (t) => {
    const tg = await target(t);
    const [net, pid, ipc] = [await tg.ns('net'), await tg.ns('pid'), await tg.ns('ipc')];
    assert.equal(await nsOf(['--network', `container:${tg.name}`], 'net'), net);
    assert.equal(await nsOf(['--pid', `container:${tg.name}`], 'pid'), pid);
    assert.equal(await nsOf(['--ipc', `container:${tg.name}`], 'ipc'), ipc);
    // in its pid namespace the target's sleep is PID 1
    const ps = await runBerth(0, 'run', '--rm', '--pid', `container:${tg.name}`, 'busybox', 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline');
    assert.equal(ps.stdout.trim(), 'sleep 60');
    // by id prefix as well as by name
    const id = (await runBerth(0, 'inspect', '-f', '{{.Id}}', tg.name)).stdout.trim();
    assert.equal(await nsOf(['--network', `container:${id.slice(0, 12)}`], 'net'), net);
    await runBerth(0, 'rm', '-f', tg.name);
    assert.match((await runBerth(125, 'run', '--rm', '--network', `container:${tg.name}`, 'busybox', 'true')).stderr, /No such container/);
  });

  test('joining a container that is not running is refused', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'create', '--name', name, 'busybox', 'true');
    assert.match((await runBerth(125, 'run', '--rm', '--pid', `container:${name}`, 'busybox', 'true')).stderr, /not running/);
    await runBerth(0, 'rm', name);
  });

  test('--pid host, --ipc host/private, --uts host', { skip }, async () => {
    assert.equal(await nsOf(['--pid', 'host'], 'pid'), host('pid'));
    assert.notEqual(await nsOf([], 'pid'), host('pid'));
    assert.equal(await nsOf(['--ipc', 'host'], 'ipc'), host('ipc'));
    assert.notEqual(await nsOf(['--ipc', 'private'], 'ipc'), host('ipc'));
    assert.equal(await nsOf(['--uts', 'host'], 'uts'), host('uts'));
    assert.notEqual(await nsOf([], 'uts'), host('uts'));
    assert.equal((await runBerth(0, 'run', '--rm', '--uts', 'host', 'busybox', 'hostname')).stdout.trim(), hostname());
    // with the host's pid namespace, the host's processes are visible (ours among them)
    const r = await runBerth(0, 'run', '--rm', '--pid', 'host', 'busybox', 'sh', '-c', `test -d /proc/${process.pid} && echo seen`);
    assert.equal(r.stdout, 'seen\n');
    assert.match((await runBerth(125, 'run', '--rm', '--pid', 'bogus', 'busybox', 'true')).stderr, /invalid argument "bogus" for "--pid" flag/);
  });
});

test('leaves nothing behind', { skip }, () => leakCheck());
