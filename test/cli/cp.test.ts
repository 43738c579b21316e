// berth cp: docker's path rules both ways, tar streams on stdin/stdout, -a and -L, running and
// stopped containers, volumes; and the container's symlinks never lead outside it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

const host = join(sb.base, 'host');
mkdirSync(host, { recursive: true });
const cat = async (c: string, path: string): Promise<string> => (await sb.run(0, 'exec', c, 'cat', path)).stdout;
const tarList = (bytes: Buffer): string[] => spawnSync('tar', ['-t'], { input: bytes }).stdout.toString().split('\n').filter(Boolean);

test('from a running container: a file into a directory, to a new name, and a directory', async () => {
  await sb.run(0, 'run', '-d', '--name', 'cp1', 'busybox', 'sh', '-c', 'mkdir -p /data/sub && echo one > /data/a && echo two > /data/sub/b && chmod 640 /data/a && sleep 1000');
  await sb.run(0, 'exec', 'cp1', 'true');
  const out = join(host, 'from');
  mkdirSync(out);
  const r = await sb.run(0, 'cp', 'cp1:/data/a', `${out}/`);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '');
  assert.equal(readFileSync(join(out, 'a'), 'utf8'), 'one\n');
  assert.equal(statSync(join(out, 'a')).mode & 0o777, 0o640);
  await sb.run(0, 'cp', 'cp1:/data/a', join(out, 'renamed'));
  assert.equal(readFileSync(join(out, 'renamed'), 'utf8'), 'one\n');
  // a directory to a new name: the new directory has its contents
  await sb.run(0, 'cp', 'cp1:/data', join(out, 'copy'));
  assert.deepEqual(readdirSync(join(out, 'copy')).sort(), ['a', 'sub']);
  assert.equal(readFileSync(join(out, 'copy', 'sub', 'b'), 'utf8'), 'two\n');
  // into an existing directory: the directory itself goes inside it
  await sb.run(0, 'cp', 'cp1:/data', join(out, 'copy'));
  assert.deepEqual(readdirSync(join(out, 'copy')).sort(), ['a', 'data', 'sub']);
  // "/." copies the contents only
  mkdirSync(join(out, 'contents'));
  await sb.run(0, 'cp', 'cp1:/data/.', join(out, 'contents'));
  assert.deepEqual(readdirSync(join(out, 'contents')).sort(), ['a', 'sub']);
});

test('to a running container: a file, a directory, "/." and a rename; ownership from the source or -a', async () => {
  writeFileSync(join(host, 'f.txt'), 'hello\n');
  chownSync(join(host, 'f.txt'), 1234, 1234);
  mkdirSync(join(host, 'dir', 'in'), { recursive: true });
  writeFileSync(join(host, 'dir', 'in', 'x'), 'x\n');
  await sb.run(0, 'cp', join(host, 'f.txt'), 'cp1:/tmp/');
  assert.equal(await cat('cp1', '/tmp/f.txt'), 'hello\n');
  assert.equal((await sb.run(0, 'exec', 'cp1', 'stat', '-c', '%u:%g', '/tmp/f.txt')).stdout.trim(), '1234:1234');
  await sb.run(0, 'cp', join(host, 'f.txt'), 'cp1:/tmp/g.txt');
  assert.equal(await cat('cp1', '/tmp/g.txt'), 'hello\n');
  await sb.run(0, 'cp', join(host, 'dir'), 'cp1:/tmp/newdir');
  assert.equal(await cat('cp1', '/tmp/newdir/in/x'), 'x\n');
  await sb.run(0, 'cp', join(host, 'dir'), 'cp1:/tmp/newdir');
  assert.equal(await cat('cp1', '/tmp/newdir/dir/in/x'), 'x\n');
  await sb.run(0, 'cp', `${join(host, 'dir')}/.`, 'cp1:/tmp/newdir');
  assert.equal(await cat('cp1', '/tmp/newdir/in/x'), 'x\n');
  // -a: owned by the container's user (a created container: cp works on any state)
  await sb.run(0, 'create', '--name', 'cp-user', '--user', 'nobody', 'busybox', 'true');
  await sb.run(0, 'cp', '-a', join(host, 'f.txt'), 'cp-user:/tmp/');
  await sb.run(0, 'cp', join(host, 'f.txt'), 'cp-user:/tmp/plain.txt');
  const listing = spawnSync('tar', ['-tv', '--numeric-owner'], { input: (await sb.run(0, 'cp', 'cp-user:/tmp', '-')).bytes }).stdout.toString();
  assert.match(listing, /65534\/65534 .* tmp\/f\.txt/);
  assert.match(listing, /1234\/1234 .* tmp\/plain\.txt/);
  await sb.run(0, 'rm', 'cp-user');
});

test('tar streams: "-" as destination writes a tar, "-" as source extracts one into a directory', async () => {
  const r = await sb.run(0, 'cp', 'cp1:/data', '-');
  assert.deepEqual(tarList(r.bytes), ['data/', 'data/a', 'data/sub/', 'data/sub/b']);
  const f = await sb.run(0, 'cp', 'cp1:/data/a', '-');
  assert.deepEqual(tarList(f.bytes), ['a']);
  const dot = await sb.run(0, 'cp', 'cp1:/data/.', '-');
  assert.deepEqual(tarList(dot.bytes), ['./', './a', './sub/', './sub/b']);
  const tar = spawnSync('tar', ['-c', '-C', host, 'f.txt', 'dir']).stdout;
  const absent = await sb.runWith({ expected: 1, input: tar }, 'cp', '-', 'cp1:/tmp/fromtar');
  assert.equal(absent.stderr, 'Error: destination "cp1:/tmp/fromtar" must be a directory\n');
  await sb.run(0, 'exec', 'cp1', 'mkdir', '-p', '/tmp/fromtar');
  await sb.runWith({ expected: 0, input: tar }, 'cp', '-', 'cp1:/tmp/fromtar');
  assert.equal(await cat('cp1', '/tmp/fromtar/dir/in/x'), 'x\n');
  const gz = spawnSync('tar', ['-cz', '-C', host, 'f.txt']).stdout;
  await sb.runWith({ expected: 0, input: gz }, 'cp', '-', 'cp1:/root');
  assert.equal(await cat('cp1', '/root/f.txt'), 'hello\n');
  const notDir = await sb.runWith({ expected: 1, input: tar }, 'cp', '-', 'cp1:/data/a');
  assert.equal(notDir.stderr, 'Error: destination "cp1:/data/a" must be a directory\n');
});

test('docker\'s refusals and messages', async () => {
  const missing = await sb.run(1, 'cp', 'cp1:/nonexistent', host);
  assert.equal(missing.stderr, 'Error response from daemon: Could not find the file /nonexistent in container cp1\n');
  const noParent = await sb.run(1, 'cp', join(host, 'f.txt'), 'cp1:/nonexistent/dir/');
  assert.equal(noParent.stderr, 'Error: no such directory\n');
  const noDir = await sb.run(1, 'cp', join(host, 'f.txt'), 'cp1:/nonexistent/x');
  assert.equal(noDir.stderr, 'Error response from daemon: Could not find the file /nonexistent in container cp1\n');
  const dirOnFile = await sb.run(1, 'cp', join(host, 'dir'), 'cp1:/data/a');
  assert.equal(dirOnFile.stderr, 'Error: cannot copy directory\n');
  const twoContainers = await sb.run(1, 'cp', 'cp1:/a', 'cp1:/b');
  assert.equal(twoContainers.stderr, 'Error: copying between containers is not supported\n');
  const none = await sb.run(1, 'cp', join(host, 'f.txt'), join(host, 'g.txt'));
  assert.equal(none.stderr, 'Error: must specify at least one container source\n');
  const nosuch = await sb.run(1, 'cp', 'nosuch-cp:/a', host);
  assert.equal(nosuch.stderr, 'Error response from daemon: No such container: nosuch-cp\n');
  const localMissing = await sb.run(1, 'cp', join(host, 'nope'), 'cp1:/tmp');
  assert.equal(localMissing.stderr, `Error: lstat ${join(host, 'nope')}: no such file or directory\n`);
  // a local path with a colon is written ./a:b
  writeFileSync(join(host, 'a:b'), 'colon\n');
  const colon = spawnSync(join(process.cwd(), 'dist', 'berth'), ['--root', sb.root, '--runroot', sb.runroot, 'cp', './a:b', 'cp1:/tmp/'], { cwd: host });
  assert.equal(colon.status, 0, colon.stderr.toString());
  assert.equal(await cat('cp1', '/tmp/a:b'), 'colon\n');
});

test('symlinks: copied as links, followed with -L, and never out of the container', async () => {
  await sb.run(0, 'exec', 'cp1', 'sh', '-c', 'ln -s /etc/passwd /tmp/pw; ln -s / /tmp/root; ln -s ../../../../../../../etc /tmp/up; ln -s /nonexistent/escape /tmp/dangling; mkdir /tmp/linkdir; ln -s /data /tmp/linkdir/d');
  const out = join(host, 'links');
  mkdirSync(out);
  await sb.run(0, 'cp', 'cp1:/tmp/pw', out);
  assert.equal(readlinkSync(join(out, 'pw')), '/etc/passwd');
  await sb.run(0, 'cp', '-L', 'cp1:/tmp/pw', join(out, 'pwL'));
  assert.match(readFileSync(join(out, 'pwL'), 'utf8'), /^root:x:0:0:root:\/root:\/bin\/sh\n/);
  // "../.." stops at the container's root: /tmp/up is the container's /etc
  await sb.run(0, 'cp', 'cp1:/tmp/up/group', join(out, 'group'));
  assert.equal(readFileSync(join(out, 'group'), 'utf8'), await cat('cp1', '/etc/group'));
  // writing through the links lands in the container, never on the host
  writeFileSync(join(host, 'marker-cp'), 'inside\n');
  await sb.run(0, 'cp', join(host, 'marker-cp'), 'cp1:/tmp/up/');
  assert.equal(await cat('cp1', '/etc/marker-cp'), 'inside\n');
  assert.ok(!existsSync('/etc/marker-cp'));
  await sb.run(0, 'cp', join(host, 'marker-cp'), 'cp1:/tmp/root/marker-cp');
  assert.equal(await cat('cp1', '/marker-cp'), 'inside\n');
  assert.ok(!existsSync('/marker-cp'));
  const dangling = await sb.run(1, 'cp', join(host, 'marker-cp'), 'cp1:/tmp/dangling');
  assert.match(dangling.stderr, /Could not find the file \/nonexistent in container cp1/);
  assert.ok(!existsSync('/nonexistent'));
  // a directory with a link to a directory inside: the link is archived, not followed
  await sb.run(0, 'cp', 'cp1:/tmp/linkdir', join(out, 'linkdir'));
  assert.ok(lstatSync(join(out, 'linkdir', 'd')).isSymbolicLink());
  assert.equal(readlinkSync(join(out, 'linkdir', 'd')), '/data');
  // a path through a link to a directory is resolved inside the container
  await sb.run(0, 'cp', 'cp1:/tmp/linkdir/d/a', join(out, 'through'));
  assert.equal(readFileSync(join(out, 'through'), 'utf8'), 'one\n');
  // a tar with a link to /etc and then a file through it: the link is followed inside the
  // container (as docker's chrooted extraction does), never on the host
  mkdirSync(join(host, 'evil'));
  symlinkSync('/etc', join(host, 'evil', 'esc'));
  mkdirSync(join(host, 'evil2', 'esc'), { recursive: true });
  writeFileSync(join(host, 'evil2', 'esc', 'owned-by-cp'), 'pwned\n');
  const archive = join(host, 'evil.tar');
  spawnSync('tar', ['-cf', archive, '-C', join(host, 'evil'), 'esc']);
  spawnSync('tar', ['-rf', archive, '--no-recursion', '-C', join(host, 'evil2'), 'esc/owned-by-cp']);
  await sb.run(0, 'exec', 'cp1', 'mkdir', '-p', '/tmp/evil');
  await sb.runWith({ expected: 0, input: readFileSync(archive) }, 'cp', '-', 'cp1:/tmp/evil');
  assert.ok(!existsSync('/etc/owned-by-cp'), 'nothing written on the host');
  assert.equal(await cat('cp1', '/etc/owned-by-cp'), 'pwned\n');
});

test('a stopped container is mounted for the copy and unmounted after', async () => {
  const id = (await sb.run(0, 'run', '-d', '--name', 'cp2', 'busybox', 'sh', '-c', 'echo stopped > /made')).stdout.trim();
  await sb.run(0, 'wait', 'cp2');
  await sb.run(0, 'cp', 'cp2:/made', join(host, 'made'));
  assert.equal(readFileSync(join(host, 'made'), 'utf8'), 'stopped\n');
  await sb.run(0, 'cp', join(host, 'f.txt'), 'cp2:/');
  assert.deepEqual(sb.leaks([id]).filter((l) => l.includes(id)), []);
  await sb.run(0, 'start', 'cp2');
  await sb.run(0, 'wait', 'cp2');
  const created = (await sb.run(0, 'create', 'busybox', 'true')).stdout.trim();
  await sb.run(0, 'cp', join(host, 'f.txt'), `${created}:/`);
  const back = await sb.run(0, 'cp', `${created}:/f.txt`, '-');
  assert.deepEqual(tarList(back.bytes), ['f.txt']);
  assert.deepEqual(sb.leaks([created, id]).filter((l) => l.includes(created) || l.includes(id)), []);
});

test('volumes are part of the container\'s view; read-only ones and a read-only rootfs refuse writes', async () => {
  await sb.run(0, 'volume', 'create', 'cpvol');
  await sb.run(0, 'run', '-d', '--name', 'cp3', '-v', 'cpvol:/vol', '-v', `${host}:/hostdir:ro`, '--read-only', 'busybox', 'sh', '-c', 'echo in-volume > /vol/v; sleep 1000');
  await sb.run(0, 'exec', 'cp3', 'true');
  await new Promise((r) => setTimeout(r, 200));
  const v = await sb.run(0, 'cp', 'cp3:/vol/v', '-');
  assert.deepEqual(tarList(v.bytes), ['v']);
  await sb.run(0, 'cp', join(host, 'f.txt'), 'cp3:/vol/');
  assert.equal(await cat('cp3', '/vol/f.txt'), 'hello\n');
  const ro = await sb.run(1, 'cp', join(host, 'f.txt'), 'cp3:/hostdir/');
  assert.equal(ro.stderr, 'Error response from daemon: mounted volume is marked read-only\n');
  const rootfs = await sb.run(1, 'cp', join(host, 'f.txt'), 'cp3:/tmp/');
  assert.equal(rootfs.stderr, 'Error response from daemon: container rootfs is marked read-only\n');
  const etc = await sb.run(0, 'cp', 'cp3:/etc/hostname', '-');
  assert.deepEqual(tarList(etc.bytes), ['hostname']);
  await sb.run(0, 'rm', '-f', '-v', 'cp3');
  await sb.run(0, 'volume', 'rm', 'cpvol');
});
