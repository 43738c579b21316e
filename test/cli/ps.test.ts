// berth ps: which containers (running by default, -a, -n, -l), how (-q, --no-trunc, --format
// table/json/template) and --filter status/name/label/exited/ancestor/id/before/since.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { berthEnv, cliSkipReason, leakCheck, runBerth, safeName, sleep } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

// four containers, oldest first: created, exited 0, exited 3, running (with labels)
const c = { created: '', ok: '', failed: '', running: '' };
const id: Record<string, string> = {};

before(async () => {
  if (skip) return;
  c.created = safeName(undefined, 'created');
  c.ok = safeName(undefined, 'ok');
  c.failed = safeName(undefined, 'failed');
  c.running = safeName(undefined, 'running');
  id[c.created] = (await runBerth(0, 'create', '--name', c.created, 'busybox', 'true')).stdout.trim();
  await sleep(20);
  await runBerth(0, 'run', '--name', c.ok, 'busybox', 'true');
  await sleep(20);
  await runBerth(3, 'run', '--name', c.failed, 'busybox', 'sh', '-c', 'exit 3');
  await sleep(20);
  id[c.running] = (await runBerth(0, 'run', '-d', '--name', c.running, '-l', 'tier=web', '-l', 'team', 'busybox', 'sleep', '120')).stdout.trim();
  for (const n of [c.ok, c.failed]) id[n] = (await runBerth(0, 'inspect', '-f', '{{.Id}}', n)).stdout.trim();
});

const names = async (...args: string[]): Promise<string[]> => (await runBerth(0, 'ps', '--format', '{{.Names}}', ...args)).stdout.split('\n').filter(Boolean);

test('the default table: running containers only, docker\'s columns', { skip }, async () => {
  const r = await runBerth(0, 'ps');
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^CONTAINER ID {3}IMAGE {5}COMMAND +CREATED +STATUS +PORTS +NAMES$/);
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, new RegExp(`^${id[c.running]!.slice(0, 12)}   busybox   "sleep 120"   .+ ago +Up .+ +${c.running}$`));
});

test('-a: all, newest first; -q: short ids; --no-trunc: whole ids and commands', { skip }, async () => {
  assert.deepEqual(await names('-a'), [c.running, c.failed, c.ok, c.created]);
  assert.equal((await runBerth(0, 'ps', '-aq')).stdout, [c.running, c.failed, c.ok, c.created].map((n) => `${id[n]!.slice(0, 12)}\n`).join(''));
  assert.equal((await runBerth(0, 'ps', '-q', '--no-trunc')).stdout, `${id[c.running]}\n`);
  assert.equal((await runBerth(0, 'ps', '--no-trunc', '--format', '{{.Command}}', '--filter', `name=${c.failed}`, '-a')).stdout, '"sh -c exit 3"\n');
  // a long command is cut to 20 characters with an ellipsis unless --no-trunc
  const long = safeName(undefined, 'long');
  await runBerth(0, 'create', '--name', long, 'busybox', 'sh', '-c', 'echo a very long command indeed');
  assert.equal((await runBerth(0, 'ps', '-a', '--format', '{{.Command}}', '--filter', `name=${long}`)).stdout, '"sh -c echo a very l…"\n');
  await runBerth(0, 'rm', long);
});

test('-n and -l: the last created, whatever their state', { skip }, async () => {
  assert.deepEqual(await names('-n', '2'), [c.running, c.failed]);
  assert.deepEqual(await names('-l'), [c.running]);
  assert.deepEqual(await names('--last', '1', '--filter', 'status=exited'), [c.failed]);
});

test('--filter status, exited, name, label, ancestor, id, before, since', { skip }, async () => {
  assert.deepEqual(await names('-a', '--filter', 'status=exited'), [c.failed, c.ok]);
  assert.deepEqual(await names('-a', '--filter', 'status=created'), [c.created]);
  assert.deepEqual(await names('--filter', 'status=running'), [c.running]);
  assert.deepEqual(await names('-a', '--filter', 'exited=3'), [c.failed]);
  assert.deepEqual(await names('-a', '--filter', 'exited=0'), [c.ok]);
  assert.deepEqual(await names('-a', '--filter', `name=${c.ok}`), [c.ok]);
  assert.deepEqual(await names('-a', '--filter', 'label=tier=web'), [c.running]);
  assert.deepEqual(await names('-a', '--filter', 'label=team'), [c.running]);
  assert.deepEqual(await names('-a', '--filter', 'label=tier=db'), []);
  assert.deepEqual((await names('-a', '--filter', 'ancestor=busybox')).length, 4);
  assert.deepEqual(await names('-a', '--filter', 'ancestor=busybox:latest', '--filter', 'status=running'), [c.running]);
  assert.deepEqual(await names('-a', '--filter', `id=${id[c.ok]!.slice(0, 8)}`), [c.ok]);
  assert.deepEqual(await names('-a', '--filter', `before=${c.failed}`), [c.ok, c.created]);
  assert.deepEqual(await names('-a', '--filter', `since=${c.ok}`), [c.running, c.failed]);
  assert.match((await runBerth(125, 'ps', '--filter', 'bogus=1')).stderr, /invalid filter 'bogus'/);
  assert.match((await runBerth(125, 'ps', '--filter', 'status=sleeping')).stderr, /invalid filter 'status=sleeping'/);
});

test('--format: a template per container, table with headers, json objects', { skip }, async () => {
  assert.equal((await runBerth(0, 'ps', '--format', '{{.Names}} {{.State}} {{.Label "tier"}} {{.Labels}}')).stdout, `${c.running} running web team=,tier=web\n`.replace('team=,tier=web', (await runBerth(0, 'ps', '--format', '{{.Labels}}')).stdout.trim()));
  const table = (await runBerth(0, 'ps', '-a', '--format', 'table {{.Names}}\t{{.Status}}', '--filter', 'status=exited')).stdout.split('\n');
  assert.match(table[0]!, /^NAMES +STATUS$/);
  assert.match(table[1]!, new RegExp(`^${c.failed} +Exited \\(3\\) .+ ago$`));
  assert.match(table[2]!, new RegExp(`^${c.ok} +Exited \\(0\\) .+ ago$`));
  const json = (await runBerth(0, 'ps', '--format', 'json')).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  assert.equal(json.length, 1);
  assert.deepEqual(Object.keys(json[0]!), ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Ports', 'RunningFor', 'Size', 'State', 'Status']);
  assert.equal(json[0]!['ID'], id[c.running]!.slice(0, 12));
  assert.equal(json[0]!['State'], 'running');
  assert.equal(json[0]!['Command'], '"sleep 120"');
  assert.match((await runBerth(1, 'ps', '--format', '{{.Nope}}')).stderr, /can't evaluate field Nope/);
});

test('a container whose process died behind berth\'s back is shown exited, not Up', { skip }, async (t) => {
  const name = safeName(t);
  await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sleep', '60');
  const pid = Number((await runBerth(0, 'inspect', '-f', '{{.State.Pid}}', name)).stdout);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && (await names('--filter', `name=${name}`)).length > 0; i++) await sleep(100);
  assert.deepEqual(await names('--filter', `name=${name}`), []);
  assert.match((await runBerth(0, 'ps', '-a', '--format', '{{.Status}}', '--filter', `name=${name}`)).stdout, /^Exited \(137\) /);
  await runBerth(0, 'rm', name);
});

test('leaves nothing behind', { skip }, async () => {
  await runBerth(0, 'rm', '-f', c.created, c.ok, c.failed, c.running);
  await leakCheck();
});
