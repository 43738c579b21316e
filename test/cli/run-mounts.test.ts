// Filesystems of berth run: -v (bind, named and anonymous volumes, :ro), --mount
// bind/volume/tmpfs, --tmpfs, --read-only; volumes keeping data between containers; rm -v.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthEnv, cliSkipReason, inspectField, leakCheck, runBerth, safeName, waitFor } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

// Named volumes are the tests' own (there is no `volume rm` yet): removed with the directory.
function removeVolume(name: string): void {
  rmSync(join(env!.root, 'volumes', name), { recursive: true, force: true });
}

// The container's view of a mount point: "<fstype> <options>" from /proc/self/mounts.
async function mountOf(args: string[], target: string): Promise<string> {
  const r = await runBerth(0, 'run', '--rm', ...args, 'busybox', 'sh', '-c', `grep " ${target} " /proc/self/mounts`);
  const f = r.stdout.trim().split('\n').pop()!.split(' ');
  return `${f[2]} ${f[3]}`;
}

describe('mounts', { concurrency: 3 }, () => {
  test('-v host:ctr binds a host directory both ways; a missing host directory is made', { skip }, async () => {
    const host = join(env!.base, 'bind-src');
    mkdirSync(host);
    writeFileSync(join(host, 'from-host'), 'hello from the host\n');
    const r = await runBerth(0, 'run', '--rm', '-v', `${host}:/data`, 'busybox', 'sh', '-c', 'cat /data/from-host; echo from-ctr > /data/from-ctr');
    assert.equal(r.stdout, 'hello from the host\n');
    assert.equal(readFileSync(join(host, 'from-ctr'), 'utf8'), 'from-ctr\n');
    const made = join(env!.base, 'made', 'by', 'v');
    await runBerth(0, 'run', '--rm', '-v', `${made}:/m`, 'busybox', 'touch', '/m/x');
    assert.ok(existsSync(join(made, 'x')));
    // a single file
    await runBerth(0, 'run', '--rm', '-v', `${join(host, 'from-host')}:/etc/motd:ro`, 'busybox', 'grep', '-q', 'hello', '/etc/motd');
  });

  test('-v ...:ro is read-only inside, in the kernel\'s words', { skip }, async () => {
    const host = join(env!.base, 'ro-src');
    mkdirSync(host);
    const r = await runBerth(1, 'run', '--rm', '-v', `${host}:/ro:ro`, 'busybox', 'touch', '/ro/x');
    assert.match(r.stderr, /Read-only file system/);
    assert.match(await mountOf(['-v', `${host}:/ro:ro`], '/ro'), /\bro\b/);
    assert.equal(existsSync(join(host, 'x')), false);
  });

  test('a named volume keeps its data between containers, starts as the image\'s content, and is listed in inspect', { skip }, async (t) => {
    const vol = safeName(t, 'vol');
    await runBerth(0, 'run', '--rm', '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'echo kept > /data/file');
    assert.equal((await runBerth(0, 'run', '--rm', '-v', `${vol}:/data:ro`, 'busybox', 'cat', '/data/file')).stdout, 'kept\n');
    // two at once see each other's writes
    const name = safeName(t, 'writer');
    await runBerth(0, 'run', '-d', '--name', name, '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'echo live > /data/live; sleep 30');
    assert.equal((await runBerth(0, 'run', '--rm', '-v', `${vol}:/v`, 'busybox', 'sh', '-c', 'while [ ! -e /v/live ]; do sleep 0.05; done; cat /v/live')).stdout, 'live\n');
    const mounts = JSON.parse(await inspectField(name, '{{json .Mounts}}')) as Record<string, unknown>[];
    assert.deepEqual(mounts, [{ Type: 'volume', Name: vol, Source: join(env!.root, 'volumes', vol, '_data'), Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }]);
    assert.equal(await inspectField(name, '{{range .Mounts}}{{.Name}}:{{.Destination}}{{end}}'), `${vol}:/data`);
    await runBerth(0, 'rm', '-f', name);
    assert.equal(readFileSync(join(env!.root, 'volumes', vol, '_data', 'file'), 'utf8'), 'kept\n', 'rm does not remove a named volume');
    // a new volume on a directory of the image is filled with what the image has there
    const etc = safeName(t, 'etc');
    assert.match((await runBerth(0, 'run', '--rm', '-v', `${etc}:/etc`, 'busybox', 'cat', '/etc/passwd')).stdout, /^root:x:0:0:/);
    assert.ok(existsSync(join(env!.root, 'volumes', etc, '_data', 'group')));
    removeVolume(vol);
    removeVolume(etc);
  });

  test('an anonymous volume (-v /path) is kept by rm and removed by rm -v and by --rm', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '--name', name, '-v', '/anon', 'busybox', 'sh', '-c', 'echo x > /anon/f');
    const vol = await inspectField(name, '{{range .Mounts}}{{.Name}}{{end}}');
    assert.match(vol, /^[0-9a-f]{64}$/);
    assert.ok(existsSync(join(env!.root, 'volumes', vol, '_data', 'f')));
    await runBerth(0, 'rm', '-v', name);
    assert.equal(existsSync(join(env!.root, 'volumes', vol)), false, 'rm -v removes the anonymous volume');
    const kept = safeName(t, 'kept');
    await runBerth(0, 'run', '--name', kept, '-v', '/anon', 'busybox', 'true');
    const keptVol = await inspectField(kept, '{{range .Mounts}}{{.Name}}{{end}}');
    await runBerth(0, 'rm', kept);
    assert.ok(existsSync(join(env!.root, 'volumes', keptVol)), 'plain rm keeps it, as docker does');
    removeVolume(keptVol);
    const auto = safeName(t, 'auto');
    await runBerth(0, 'create', '--rm', '--name', auto, '-v', '/anon', 'busybox', 'true');
    const autoVol = await inspectField(auto, '{{range .Mounts}}{{.Name}}{{end}}');
    assert.ok(existsSync(join(env!.root, 'volumes', autoVol)));
    await runBerth(0, 'start', '-a', auto);
    await waitFor(() => !existsSync(join(env!.root, 'volumes', autoVol)), { what: '--rm to remove the anonymous volume' });
  });

  test('--mount type=bind,volume,tmpfs with docker\'s keys', { skip }, async (t) => {
    const host = join(env!.base, 'mount-src');
    mkdirSync(host);
    writeFileSync(join(host, 'f'), 'bound\n');
    const vol = safeName(t, 'mvol');
    const r = await runBerth(
      0, 'run', '--rm',
      '--mount', `type=bind,source=${host},target=/b,readonly`,
      '--mount', `type=volume,src=${vol},dst=/v`,
      '--mount', 'type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1770',
      'busybox', 'sh', '-c', 'cat /b/f; touch /b/x 2>/dev/null || echo b-ro; echo v > /v/f; stat -c %a /t; grep " /t " /proc/self/mounts',
    );
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 3), ['bound', 'b-ro', '1770']);
    assert.match(lines[3]!, /^tmpfs \/t tmpfs .*size=1024k/);
    assert.ok(existsSync(join(env!.root, 'volumes', vol, '_data', 'f')));
    removeVolume(vol);
    // --mount never makes a missing bind source (docker's rule, unlike -v)
    const missing = join(env!.base, 'no-such-dir');
    const e = await runBerth(125, 'run', '--rm', '--mount', `type=bind,source=${missing},target=/b`, 'busybox', 'true');
    assert.match(e.stderr, /bind source path does not exist: .*no-such-dir/);
    assert.equal(existsSync(missing), false);
    assert.match((await runBerth(125, 'run', '--rm', '--mount', 'type=bind,target=/b', 'busybox', 'true')).stderr, /source is required/);
    assert.match((await runBerth(125, 'run', '--rm', '--mount', 'type=nfs,target=/b', 'busybox', 'true')).stderr, /unknown mount type "nfs"/);
  });

  test('--tmpfs: a tmpfs with its size and mode, empty at every start', { skip }, async (t) => {
    assert.match(await mountOf(['--tmpfs', '/scratch:size=2m,mode=750'], '/scratch'), /^tmpfs .*size=2048k.*mode=750/);
    const name = safeName(t);
    await runBerth(0, 'run', '--name', name, '--tmpfs', '/scratch', 'busybox', 'sh', '-c', 'ls /scratch; touch /scratch/x');
    await runBerth(0, 'start', '-a', name).then((r) => assert.equal(r.stdout, '', 'the tmpfs starts empty again'));
    await runBerth(0, 'rm', name);
  });

  test('--read-only: the root is read-only; /etc/hosts and a --tmpfs stay writable', { skip }, async () => {
    const r = await runBerth(1, 'run', '--rm', '--read-only', 'busybox', 'touch', '/newfile');
    assert.match(r.stderr, /Read-only file system/);
    const w = await runBerth(0, 'run', '--rm', '--read-only', '--tmpfs', '/tmp', 'busybox', 'sh', '-c', 'touch /tmp/ok && echo tmp-ok; echo "1.2.3.4 x" >> /etc/hosts && echo hosts-ok');
    assert.equal(w.stdout, 'tmp-ok\nhosts-ok\n');
    const id = (await runBerth(0, 'create', '--read-only', 'busybox')).stdout.trim();
    assert.equal(await inspectField(id, '{{.HostConfig.ReadonlyRootfs}}'), 'true');
    await runBerth(0, 'rm', id);
  });

  test('a file the container writes to its root persists across stop/start, not into a new container', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '--name', name, 'busybox', 'sh', '-c', 'echo mine > /persist');
    assert.equal((await runBerth(0, 'start', '-a', name)).stdout, '');
    assert.equal((await runBerth(0, 'run', '--rm', 'busybox', 'sh', '-c', 'cat /persist 2>/dev/null || echo absent')).stdout, 'absent\n');
    const upper = await inspectField(name, '{{.GraphDriver.Data.UpperDir}}');
    assert.ok(statSync(join(upper, 'persist')).isFile(), 'the change is in the container\'s upper directory');
    await runBerth(0, 'rm', name);
  });

  test('bad -v specifications are refused before anything is made', { skip }, async () => {
    assert.match((await runBerth(125, 'run', '--rm', '-v', 'relative:path', 'busybox', 'true')).stderr, /invalid volume specification|mount path must be absolute|invalid mode/);
    assert.match((await runBerth(125, 'run', '--rm', '-v', '/a:/b:bogus', 'busybox', 'true')).stderr, /invalid mode: bogus/);
    assert.match((await runBerth(125, 'run', '--rm', '-v', '/a:/b:c:d', 'busybox', 'true')).stderr, /invalid volume specification/);
  });
});

test('leaves nothing behind', { skip }, () => leakCheck());
