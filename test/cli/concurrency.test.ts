// Many berth commands at once against one store: runs with distinct names all succeed, generated
// names stay unique, one name claimed by several runs goes to exactly one, foreground runs each
// get their own output, and removing them all at once leaves nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { berthEnv, cliSkipReason, leakCheck, runBerth, safeName } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

const N = 10;

test('10 runs at once with distinct names: all succeed, each with its own id and name', { skip }, async (t) => {
  const names = Array.from({ length: N }, (_, i) => safeName(t, `c${i}`));
  const results = await Promise.all(names.map((n) => runBerth(0, 'run', '-d', '--name', n, '-l', 'batch=named', 'busybox', 'sleep', '120')));
  const ids = results.map((r) => r.stdout.trim());
  assert.equal(new Set(ids).size, N);
  for (const id of ids) assert.match(id, /^[0-9a-f]{64}$/);
  const listed = (await runBerth(0, 'ps', '--filter', 'label=batch=named', '--format', '{{.Names}} {{.State}}')).stdout.trim().split('\n').sort();
  assert.deepEqual(listed, names.map((n) => `${n} running`).sort());
});

test('10 runs at once without names: the generated names are unique', { skip }, async () => {
  await Promise.all(Array.from({ length: N }, () => runBerth(0, 'run', '-d', '-l', 'batch=anonymous', 'busybox', 'sleep', '120')));
  const names = (await runBerth(0, 'ps', '--filter', 'label=batch=anonymous', '--format', '{{.Names}}')).stdout.trim().split('\n');
  assert.equal(names.length, N);
  assert.equal(new Set(names).size, N);
  for (const n of names) assert.match(n, /^[a-z]+_[a-z]+$/);
});

test('5 runs at once claiming one name: one wins, the others get docker\'s conflict (125)', { skip }, async (t) => {
  const name = safeName(t);
  const results = await Promise.all(Array.from({ length: 5 }, () => runBerth({}, 'run', '-d', '--name', name, 'busybox', 'sleep', '120')));
  const won = results.filter((r) => r.status === 0);
  const lost = results.filter((r) => r.status !== 0);
  assert.equal(won.length, 1);
  for (const r of lost) {
    assert.equal(r.status, 125);
    assert.match(r.stderr, new RegExp(`The container name "/${name}" is already in use by container "${won[0]!.stdout.trim()}"`));
  }
  assert.equal((await runBerth(0, 'ps', '-aq', '--filter', `name=^${name}$`)).stdout.trim().split('\n').length, 1);
});

test('10 foreground runs at once: each gets its own output and status', { skip }, async () => {
  const results = await Promise.all(Array.from({ length: N }, (_, i) => runBerth(i, 'run', '--rm', 'busybox', 'sh', '-c', `i=0; while [ $i -lt 200 ]; do echo run${i}-line$i; i=$((i+1)); done; exit ${i}`)));
  results.forEach((r, i) => {
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 200, `run ${i} printed all its lines`);
    assert.ok(lines.every((l, j) => l === `run${i}-line${j}`), `run ${i} got only its own output, in order`);
  });
});

test('removing them all at once', { skip }, async () => {
  const ids = (await runBerth(0, 'ps', '-aq')).stdout.trim().split('\n');
  assert.equal(ids.length, 2 * N + 1);
  // in three overlapping groups, some ids named twice: each removal happens once, the others say so
  const groups = [ids.slice(0, 12), ids.slice(8, 21), ids.slice(18)];
  const results = await Promise.all(groups.map((g) => runBerth({}, 'rm', '-f', ...g)));
  for (const r of results) {
    for (const line of r.stderr.split('\n').filter(Boolean)) assert.match(line, /^Error response from daemon: No such container: [0-9a-f]{12}$/);
  }
  assert.equal((await runBerth(0, 'ps', '-aq')).stdout, '');
});

// Each racer finds the container running and kills it; all but one then find it gone. That used to
// surface as "Cannot read properties of undefined (reading 'Berth')" (9 in 45 racers).
test('three rm -f of the same running container at once: one removes it, the others say it is gone', { skip }, async () => {
  for (let round = 0; round < 5; round++) {
    const id = (await runBerth(0, 'run', '-d', 'busybox', 'sleep', '100')).stdout.trim().slice(0, 12);
    const results = await Promise.all([1, 2, 3].map(() => runBerth({}, 'rm', '-f', id)));
    for (const r of results) {
      if (r.status === 0) assert.equal(r.stdout, `${id}\n`);
      else assert.equal(r.stderr, `Error response from daemon: No such container: ${id}\n`);
    }
    assert.ok(results.some((r) => r.status === 0), 'one of them removed it');
    assert.equal((await runBerth(1, 'inspect', id)).stderr, `Error: No such object: ${id}\n`);
  }
});

test('leaves nothing behind', { skip }, () => leakCheck());
