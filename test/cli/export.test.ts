// berth export: the container's whole filesystem as a tar, to stdout or -o.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

const list = (bytes: Buffer): string[] => spawnSync('tar', ['-t'], { input: bytes, maxBuffer: 1 << 28 }).stdout.toString().split('\n').filter(Boolean);

test('export of a stopped container: the image\'s files and the container\'s changes, names relative to /', async () => {
  await sb.run(0, 'run', '--name', 'ex1', '-v', '/anon', 'busybox', 'sh', '-c', 'echo mine > /mine && rm /bin/ls && echo v > /anon/v');
  const r = await sb.run(0, 'export', 'ex1');
  const names = list(r.bytes);
  assert.ok(names.includes('bin/'), names.slice(0, 5).join(' '));
  assert.ok(names.includes('bin/busybox'));
  assert.ok(names.includes('mine'));
  assert.ok(!names.includes('bin/ls'), 'deleted in the container');
  assert.ok(!names.includes('anon/v'), 'volumes are not part of the export');
  assert.ok(!names.some((n) => n.startsWith('/') || n.startsWith('./')));
  const content = spawnSync('tar', ['-xO', 'mine'], { input: r.bytes }).stdout.toString();
  assert.equal(content, 'mine\n');
  assert.deepEqual(sb.leaks().filter((l) => l.startsWith('mount')), [], 'the brief mount is gone');
});

test('export -o writes a file (mode 0600, replaced whole); a running container too', async () => {
  await sb.run(0, 'run', '-d', '--name', 'ex2', 'busybox', 'sh', '-c', 'echo live > /live; sleep 1000');
  await sb.run(0, 'exec', 'ex2', 'true');
  const file = join(sb.base, 'ex2.tar');
  await sb.run(0, 'container', 'export', '-o', file, 'ex2');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const out = spawnSync('tar', ['-xOf', file, 'live']).stdout.toString();
  assert.equal(out, 'live\n');
  assert.deepEqual(readdirSync(sb.base).filter((n) => n.includes('.tmp')), []);
});

test('export of a missing container writes nothing', async () => {
  const file = join(sb.base, 'none.tar');
  const r = await sb.run(1, 'export', '-o', file, 'nosuch-export');
  assert.equal(r.stderr, 'Error response from daemon: No such container: nosuch-export\n');
  assert.ok(!existsSync(file));
});
