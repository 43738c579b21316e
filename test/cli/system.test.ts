// berth info, version and system prune.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpus, release } from 'node:os';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

test('info: counts of containers by state and of images, berth\'s drivers, the host', async () => {
  await sb.run(0, 'run', '-d', '--name', 'sys-run', 'busybox', 'sleep', '1000');
  await sb.run(0, 'run', '-d', '--name', 'sys-paused', 'busybox', 'sleep', '1000');
  await sb.run(0, 'pause', 'sys-paused');
  await sb.run(0, 'create', '--name', 'sys-stopped', 'busybox', 'true');
  const r = await sb.run(0, 'info');
  const text = r.stdout;
  assert.match(text, /^Client:\n Version:    \S+\n Context:    default\n Debug Mode: false\n\nServer:\n Containers: 3\n  Running: 1\n  Paused: 1\n  Stopped: 1\n Images: 1\n/);
  assert.match(text, /^ Storage Driver: (overlay|copy)\n  Backing Filesystem: \S+\n/m);
  assert.match(text, /^ Cgroup Driver: cgroupfs\n Cgroup Version: [12]\n/m);
  assert.match(text, /^ Logging Driver: k8s-file$/m);
  // runc and crun are listed when --runtime can find them in PATH
  assert.match(text, /^ Runtimes: berth( crun)?( runc)?\n Default Runtime: berth$/m);
  assert.match(text, new RegExp(`^ Kernel Version: ${release().replace(/[.+]/g, '\\$&')}$`, 'm'));
  assert.match(text, new RegExp(`^ CPUs: ${cpus().length}$`, 'm'));
  assert.match(text, /^ Total Memory: \d+(\.\d+)?GiB$/m);
  assert.match(text, new RegExp(`^ Docker Root Dir: ${sb.root}$`, 'm'));
  assert.match(text, /^ Operating System: .+$/m);
  assert.match(text, /^ ID: [0-9a-f-]{36}$/m);
  const f = await sb.run(0, 'system', 'info', '--format', '{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}} {{.Images}} {{.CgroupDriver}} {{.OSType}}');
  assert.equal(f.stdout, '3 1 1 1 1 cgroupfs linux\n');
  const json = JSON.parse((await sb.run(0, 'info', '--format', 'json')).stdout) as Record<string, unknown>;
  assert.equal(json['Containers'], 3);
  assert.equal(json['DockerRootDir'], sb.root);
  assert.equal(json['ID'], (await sb.run(0, 'info', '--format', '{{.ID}}')).stdout.trim(), 'the engine id is kept');
  await sb.run(0, 'unpause', 'sys-paused');
});

test('version: client and server, --format', async () => {
  const r = await sb.run(0, 'version');
  assert.match(r.stdout, /^Client: berth\n Version:           \S+\n Node version:      v24\.\S+\n OS\/Arch:           linux\/\w+\n Context:           default\n\nServer: berth Engine\n Engine:\n  Version:          \S+\n/);
  assert.match(r.stdout, /^ berth-runtime:\n  Version:          \S+\n  OCISpec:          1\.\d+\.\d+$/m);
  const v = await sb.run(0, 'version', '--format', '{{.Client.Version}} {{.Server.Version}}');
  assert.match(v.stdout, /^(\S+) \1\n$/);
  const json = JSON.parse((await sb.run(0, 'version', '--format', 'json')).stdout) as { Client: { Version: string }; Server: { Components: { Name: string }[] } };
  assert.ok(json.Server.Components.some((c) => c.Name === 'Engine'));
  const bad = await sb.run(1, 'version', '--format', '{{.Nope');
  assert.match(bad.stderr, /template/);
});

test('system prune: stopped containers, dangling images, anonymous volumes with --volumes', async () => {
  // a dangling image: committed, then its tag given to another image
  await sb.run(0, 'commit', 'sys-stopped', 'sys-img:1');
  const dangling = (await sb.run(0, 'commit', '-c', 'ENV X=1', 'sys-stopped', 'sys-img:1')).stdout.trim();
  void dangling;
  await sb.run(0, 'create', '--name', 'sys-anon', '-v', '/anon', 'busybox', 'true');
  await sb.run(0, 'run', '-d', '--name', 'sys-img-user', 'sys-img:1', 'sleep', '1000');
  const r = await sb.run(0, 'system', 'prune', '-f', '--volumes');
  const out = r.stdout;
  assert.match(out, /^Deleted Containers:\n([0-9a-f]{64}\n){2}\n/);
  assert.match(out, /\nDeleted Volumes:\n[0-9a-f]{64}\n\n/);
  assert.match(out, /\nDeleted Images:\ndeleted: sha256:[0-9a-f]{64}\n/);
  assert.match(out, /\nTotal reclaimed space: \d+(\.\d+)?[kM]?B\n$/);
  assert.equal((await sb.run(0, 'ps', '-a', '--format', '{{.Names}}')).stdout.split('\n').filter(Boolean).sort().join(' '), 'sys-img-user sys-paused sys-run');
  // -a: every image no container uses; the ones in use stay
  const all = await sb.run(0, 'system', 'prune', '-f', '-a');
  assert.equal(all.stdout, 'Total reclaimed space: 0B\n');
  const images = await sb.run(0, 'images', '--format', '{{.Repository}}:{{.Tag}}');
  assert.deepEqual(images.stdout.split('\n').filter(Boolean).sort(), ['busybox:latest', 'sys-img:1']);
  await sb.run(0, 'rm', '-f', 'sys-img-user');
  const now = await sb.run(0, 'system', 'prune', '-f', '-a');
  assert.match(now.stdout, /^Deleted Images:\nuntagged: sys-img:1\ndeleted: sha256:/);
  assert.equal((await sb.run(0, 'images', '-q')).stdout.split('\n').filter(Boolean).length, 1);
  const ask = await sb.runWith({ expected: 0, input: '\n' }, 'system', 'prune', '--volumes', '--filter', 'label=x');
  assert.equal(ask.stdout, 'WARNING! This will remove:\n  - all stopped containers\n  - all anonymous volumes not used by at least one container\n  - all dangling images\n\n  Items to be pruned will be filtered with:\n  - label=x\n\nAre you sure you want to continue? [y/N] ');
});
