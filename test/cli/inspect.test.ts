// berth inspect / container inspect: docker's JSON, -f templates users script against
// ({{.State.Pid}}, {{json .Config}}, {{range .Mounts}}, {{index .Config.Labels "k"}}, ...), several
// names, containers and images, and docker's output for a name that is not there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthEnv, cliSkipReason, leakCheck, runBerth, safeName } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

let name = '';
let id = '';
let hostDir = '';
before(async () => {
  if (skip) return;
  name = safeName(undefined, 'inspect');
  hostDir = join(env!.base, 'host-dir');
  mkdirSync(hostDir);
  id = (await runBerth(0, 'run', '-d', '--name', name, '-l', 'app=web', '-l', 'tier', '-e', 'A=1', '-v', `${hostDir}:/h:ro`, '--mount', 'type=tmpfs,target=/t',
    '--restart', 'on-failure:3', '--hostname', 'box', '-m', '32m', 'busybox', 'sleep', '300')).stdout.trim();
});

const fmt = async (template: string, ...names: string[]): Promise<string> => (await runBerth(0, 'inspect', '-f', template, ...(names.length ? names : [name]))).stdout;

test('the JSON: an array of docker\'s shape, no berth bookkeeping', { skip }, async () => {
  const docs = JSON.parse((await runBerth(0, 'inspect', name)).stdout) as Record<string, unknown>[];
  assert.equal(docs.length, 1);
  const d = docs[0]!;
  for (const k of ['Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ResolvConfPath', 'HostnamePath', 'HostsPath', 'LogPath', 'Name', 'RestartCount', 'Driver', 'Platform', 'HostConfig', 'GraphDriver', 'Mounts', 'Config', 'NetworkSettings']) {
    assert.ok(k in d, `${k} is there`);
  }
  assert.equal('Berth' in d, false);
  assert.equal(d['Id'], id);
  assert.equal(d['Name'], `/${name}`);
  assert.deepEqual([d['Path'], d['Args']], ['sleep', ['300']]);
  assert.deepEqual(JSON.parse((await runBerth(0, 'container', 'inspect', name)).stdout), docs);
});

test('-f {{.State.Pid}} is the container\'s process; {{.State.Status}}, {{.State.Running}}', { skip }, async () => {
  const [pid, status, running] = (await fmt('{{.State.Pid}} {{.State.Status}} {{.State.Running}}')).trim().split(' ');
  assert.equal(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), 'sleep\x00300\x00');
  assert.equal(status, 'running');
  assert.equal(running, 'true');
  assert.ok(existsSync(await fmt('{{.LogPath}}').then((s) => s.trim())));
});

test('-f {{json .Config}} and friends', { skip }, async () => {
  const config = JSON.parse(await fmt('{{json .Config}}')) as Record<string, unknown>;
  assert.deepEqual(config['Cmd'], ['sleep', '300']);
  assert.equal(config['Image'], 'busybox');
  assert.equal(config['Hostname'], 'box');
  assert.deepEqual(config['Labels'], { app: 'web', tier: '' });
  assert.ok((config['Env'] as string[]).includes('A=1'));
  assert.equal(await fmt('{{index .Config.Labels "app"}}'), 'web\n');
  assert.equal(await fmt('{{.Config.Hostname}}.{{.HostConfig.Memory}}.{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'), 'box.33554432.on-failure:3\n');
  assert.equal(await fmt('{{range .Config.Env}}{{if eq . "A=1"}}found{{end}}{{end}}'), 'found\n');
  assert.equal(await fmt('{{len .Config.Cmd}} {{.Image}}'), `2 ${(await runBerth(0, 'image', 'inspect', '-f', '{{.Id}}', 'busybox')).stdout.trim()}\n`);
});

test('-f {{range .Mounts}}: docker\'s mount points', { skip }, async () => {
  assert.equal(await fmt('{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.RW}} {{.Mode}};{{end}}'), `bind ${hostDir} /h false ro;tmpfs  /t true ;\n`);
  assert.equal(await fmt('{{range .HostConfig.Mounts}}{{.Type}}:{{.Target}}{{end}}'), 'tmpfs:/t\n');
  assert.equal(await fmt('{{json .HostConfig.Binds}}'), `["${hostDir}:/h:ro"]\n`);
});

test('several names: one document each; containers and images alike', { skip }, async (t) => {
  const other = safeName(t);
  await runBerth(0, 'create', '--name', other, 'busybox', 'true');
  assert.equal(await fmt('{{.Name}}', name, other), `/${name}\n/${other}\n`);
  const mixed = (await runBerth(0, 'inspect', '-f', '{{.Id}}', id.slice(0, 12), 'busybox')).stdout.split('\n');
  assert.equal(mixed[0], id);
  assert.match(mixed[1]!, /^sha256:[0-9a-f]{64}$/);
  assert.match((await runBerth(0, 'inspect', '--type', 'image', '-f', '{{.Id}}', 'busybox')).stdout, /^sha256:/);
  await runBerth(0, 'rm', other);
});

test('a name that is not there: [] and docker\'s error, exit 1; the others are still shown', { skip }, async () => {
  const r = await runBerth(1, 'inspect', 'no-such-thing');
  assert.equal(r.stdout, '[]\n');
  assert.equal(r.stderr, 'Error: No such object: no-such-thing\n');
  assert.equal((await runBerth(1, 'container', 'inspect', 'no-such-thing')).stderr, 'Error: No such container: no-such-thing\n');
  const some = await runBerth(1, 'inspect', '-f', '{{.Name}}', name, 'no-such-thing');
  assert.equal(some.stdout, `/${name}\n`);
  assert.match((await runBerth(1, 'inspect', '--type', 'container', 'busybox')).stderr, /No such (object|container): busybox/);
});

test('after the exit: ExitCode, FinishedAt, Pid 0', { skip }, async (t) => {
  const done = safeName(t);
  await runBerth(3, 'run', '--name', done, 'busybox', 'sh', '-c', 'exit 3');
  const [code, pid, status, finished] = (await fmt('{{.State.ExitCode}} {{.State.Pid}} {{.State.Status}} {{.State.FinishedAt}}', done)).trim().split(' ');
  assert.deepEqual([code, pid, status], ['3', '0', 'exited']);
  assert.ok(Date.now() - Date.parse(finished!) < 60_000);
  await runBerth(0, 'rm', done);
});

test('leaves nothing behind', { skip }, async () => {
  await runBerth(0, 'rm', '-f', name);
  await leakCheck();
});
