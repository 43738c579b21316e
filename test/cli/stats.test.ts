// berth stats: usage from the container's cgroups through the runtime, docker's columns and
// units; --no-stream, --format, -a, and the live table.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

const HEADER = /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/;

test('stats --no-stream of a running container: docker\'s table, the memory limit, the pids', async () => {
  const id = (await sb.run(0, 'run', '-d', '--name', 'st1', '--memory', '64m', 'busybox', 'sh', '-c', 'sleep 1000 & sleep 1001 & wait')).stdout.trim();
  const r = await sb.run(0, 'stats', '--no-stream', 'st1');
  const [head, row, ...rest] = r.stdout.trimEnd().split('\n');
  assert.match(head!, HEADER);
  assert.deepEqual(rest, []);
  const cols = row!.split(/\s{2,}/);
  assert.equal(cols[0], id.slice(0, 12));
  assert.equal(cols[1], 'st1');
  assert.match(cols[2]!, /^\d+\.\d\d%$/);
  assert.match(cols[3]!, /^\d+(\.\d+)?(B|KiB|MiB) \/ 64MiB$/);
  assert.match(cols[4]!, /^\d+\.\d\d%$/);
  assert.equal(cols[5], '0B / 0B');
  assert.match(cols[6]!, /^\d+(\.\d+)?[kMG]?B \/ \d+(\.\d+)?[kMG]?B$/);
  assert.equal(cols[7], '3');
});

test('stats --format: fields, json, and --no-trunc', async () => {
  const r = await sb.run(0, 'stats', '--no-stream', '--format', '{{.Name}}|{{.PIDs}}|{{.MemUsage}}', 'st1');
  assert.match(r.stdout, /^st1\|3\|\S+ \/ 64MiB\n$/);
  const j = await sb.run(0, 'stats', '--no-stream', '--format', 'json', 'st1');
  const doc = JSON.parse(j.stdout) as Record<string, string>;
  assert.deepEqual(Object.keys(doc).sort(), ['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs']);
  assert.equal(doc['Container'], 'st1');
  const full = await sb.run(0, 'stats', '--no-stream', '--no-trunc', '--format', '{{.ID}}', 'st1');
  assert.match(full.stdout, /^[0-9a-f]{64}\n$/);
  const table = await sb.run(0, 'stats', '--no-stream', '--format', 'table {{.Name}}\t{{.PIDs}}', 'st1');
  assert.match(table.stdout, /^NAME\s+PIDS\nst1\s+3\n$/);
});

test('CPU % of a busy container is measured between two readings', async () => {
  await sb.run(0, 'run', '-d', '--name', 'st-busy', 'busybox', 'sh', '-c', 'while :; do :; done');
  const r = await sb.run(0, 'stats', '--no-stream', '--format', '{{.CPUPerc}}', 'st-busy');
  const cpu = Number(r.stdout.replace('%', ''));
  assert.ok(cpu > 20, `a spinning shell uses a CPU, stats says ${r.stdout}`);
  await sb.run(0, 'rm', '-f', 'st-busy');
});

test('without names: the running containers; -a adds the stopped ones, at zero', async () => {
  await sb.run(0, 'create', '--name', 'st-stopped', 'busybox', 'true');
  const running = await sb.run(0, 'stats', '--no-stream', '--format', '{{.Name}}');
  assert.equal(running.stdout, 'st1\n');
  const all = await sb.run(0, 'stats', '--no-stream', '-a', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.MemPerc}} {{.NetIO}} {{.BlockIO}} {{.PIDs}}');
  assert.match(all.stdout, /^st-stopped 0\.00% 0B \/ 0B 0\.00% 0B \/ 0B 0B \/ 0B 0$/m);
  assert.match(all.stdout, /^st1 /m);
  const labelled = await sb.run(0, 'stats', '--no-stream', '-a', '--filter', 'label=nothing', '--format', '{{.Name}}');
  assert.equal(labelled.stdout, '');
});

test('a missing container is an error; filters and names do not mix', async () => {
  const r = await sb.run(1, 'stats', '--no-stream', 'nosuch-stats');
  assert.equal(r.stderr, 'Error response from daemon: No such container: nosuch-stats\n');
  const mix = await sb.run(1, 'stats', '--no-stream', '--filter', 'label=a', 'st1');
  assert.match(mix.stderr, /filtering is not supported when specifying a list of containers/);
  const bad = await sb.run(1, 'stats', '--no-stream', '--filter', 'name=x');
  assert.equal(bad.stderr, "Error: invalid filter 'name'\n");
});

test('streaming: a new table every second until interrupted; it ends when its containers are gone', async () => {
  const p = sb.start(['stats', '--format', '{{.Name}} {{.PIDs}}', 'st1']);
  const text = await p.waitFor(/(st1 3\n[\s\S]*){3}/, 10_000);
  assert.ok(text.split('\n').filter((l) => l === 'st1 3').length >= 3);
  p.kill('SIGINT');
  assert.equal(await p.exited, 130);
  await sb.run(0, 'run', '-d', '--name', 'st-short', 'busybox', 'sleep', '1000');
  const q = sb.start(['stats', '--format', '{{.Name}}', 'st-short']);
  await q.waitFor(/st-short/);
  await sb.run(0, 'rm', '-f', 'st-short');
  assert.equal(await q.exited, 0);
});
