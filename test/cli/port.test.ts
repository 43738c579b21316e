// berth port: no port is ever published yet (no bridge network), so docker's output for a
// container without published ports.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

test('port of a container without published ports prints nothing', async () => {
  await sb.run(0, 'run', '-d', '--name', 'port1', 'busybox', 'sleep', '1000');
  const r = await sb.run(0, 'port', 'port1');
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '');
  await sb.run(0, 'container', 'port', 'port1');
});

test('asking for one port that is not published fails as docker does', async () => {
  const r = await sb.run(1, 'port', 'port1', '80');
  assert.equal(r.stderr, "Error: no public port '80' published for port1\n");
  const udp = await sb.run(1, 'port', 'port1', '53/udp');
  assert.equal(udp.stderr, "Error: no public port '53/udp' published for port1\n");
  const bad = await sb.run(1, 'port', 'port1', 'http');
  assert.match(bad.stderr, /invalid port 'http'/);
});

test('port of a missing container', async () => {
  const r = await sb.run(1, 'port', 'nosuch-port');
  assert.equal(r.stderr, 'Error response from daemon: No such container: nosuch-port\n');
});
