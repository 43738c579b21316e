// berth run as a user types it: output and exit status, docker's exit codes (125 berth failed,
// 126 cannot invoke, 127 not found, else the program's), -d/-i/-t (-t on a real pty), --rm,
// --name, the environment, -w, -u, --entrypoint, -l, --hostname, --add-host, --dns and --init.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthEnv, cliSkipReason, inspectField, leakCheck, runBerth, runBerthPty, safeName, waitFor } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

test('the program\'s output, stdout and stderr apart, and its exit status', { skip }, async () => {
  const r = await runBerth(3, 'run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3');
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal((await runBerth(0, 'ps', '-aq')).stdout, '', '--rm removed it before run returned');
});

test('exit codes: 125 when berth fails, 126 cannot invoke, 127 not found', { skip }, async (t) => {
  await t.test('125: an unknown flag, in docker\'s words', async () => {
    const r = await runBerth(125, 'run', '--bogus', 'busybox', 'true');
    assert.equal(r.stderr, "unknown flag: --bogus\nSee 'berth run --help'.\n");
  });
  await t.test('125: a bad flag value', async () => {
    assert.match((await runBerth(125, 'run', '--restart', 'sometimes', 'busybox', 'true')).stderr, /^Error: invalid restart policy "sometimes"/);
    assert.match((await runBerth(125, 'run', '--rm', '--restart', 'always', 'busybox', 'true')).stderr, /conflicting options.*--restart and --rm/i);
    assert.match((await runBerth(125, 'run', '-m', '12x', 'busybox', 'true')).stderr, /^Error: .*12x/);
  });
  await t.test('125: no such image (--pull never)', async () => {
    assert.match((await runBerth(125, 'run', '--pull', 'never', 'nosuchimage:1', 'true')).stderr, /No such image: nosuchimage:1/);
  });
  await t.test('127: the program does not exist', async () => {
    const r = await runBerth(127, 'run', '--rm', 'busybox', '/no/such/program');
    assert.match(r.stderr, /^Error: .*"\/no\/such\/program".*no such file or directory/m);
    const p = await runBerth(127, 'run', '--rm', 'busybox', 'nosuchcommand');
    assert.match(p.stderr, /nosuchcommand/);
  });
  await t.test('126: the program cannot be invoked (a directory, a file without x)', async () => {
    assert.match((await runBerth(126, 'run', '--rm', 'busybox', '/etc')).stderr, /permission denied/);
    assert.match((await runBerth(126, 'run', '--rm', 'busybox', '/etc/passwd')).stderr, /permission denied/);
  });
  await t.test('a failed start with --rm leaves no container; without, a Created one with the code', async () => {
    assert.equal((await runBerth(0, 'ps', '-aq')).stdout, '');
    const name = safeName(t, 'fail');
    await runBerth(127, 'run', '--name', name, 'busybox', '/nope');
    assert.equal(await inspectField(name, '{{.State.Status}} {{.State.ExitCode}}'), 'created 127');
    assert.match(await inspectField(name, '{{.State.Error}}'), /nope/);
    await runBerth(0, 'rm', name);
  });
  await t.test('the program\'s own status, including death by a signal (128+n)', async () => {
    await runBerth(0, 'run', '--rm', 'busybox', 'true');
    await runBerth(1, 'run', '--rm', 'busybox', 'false');
    await runBerth(255, 'run', '--rm', 'busybox', 'sh', '-c', 'exit 255');
    // a shell that is not PID 1 kills itself with SIGKILL: 128 + 9
    await runBerth(137, 'run', '--rm', 'busybox', 'sh', '-c', 'sh -c \'kill -9 $$\'; exit $?');
  });
});

test('-d prints the full id and leaves the container running', { skip }, async () => {
  const name = safeName(undefined, 'detached');
  const r = await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sleep', '60');
  assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
  assert.equal(r.stderr, '');
  const id = r.stdout.trim();
  assert.equal(await inspectField(name, '{{.Id}} {{.State.Status}} {{.State.Running}}'), `${id} running true`);
  assert.equal((await runBerth(0, 'ps', '-q')).stdout, `${id.slice(0, 12)}\n`);
  await runBerth(0, 'rm', '-f', name);
});

test('-i gives the program our stdin; without it, the program reads nothing', { skip }, async () => {
  const r = await runBerth({ exit: 0, input: 'line one\nline two\n' }, 'run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; echo end');
  assert.equal(r.stdout, 'line one\nline two\nend\n');
  const n = await runBerth({ exit: 0, input: 'ignored\n' }, 'run', '--rm', 'busybox', 'sh', '-c', 'cat; echo end');
  assert.equal(n.stdout, 'end\n');
  // a large input, and a program that stops reading early: no hang, its own status
  const big = 'x'.repeat(1 << 20);
  assert.equal((await runBerth({ exit: 0, input: big }, 'run', '--rm', '-i', 'busybox', 'wc', '-c')).stdout.trim(), String(1 << 20));
  await runBerth({ exit: 4, input: big }, 'run', '--rm', '-i', 'busybox', 'sh', '-c', 'head -c 10 >/dev/null; exit 4');
});

test('-t: a terminal of the caller\'s size, TERM=xterm, output with CRLF', { skip }, async () => {
  const p = runBerthPty(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'tty; stty size; echo "TERM=$TERM"; exit 5'], { rows: 33, cols: 101 });
  assert.equal(await p.exited, 5);
  const out = p.output().replace(/\r/g, '');
  assert.match(out, /^\/dev\/pts\/\d+$/m);
  assert.match(out, /^33 101$/m, 'the pty has the terminal\'s size before the program runs');
  assert.match(out, /^TERM=xterm$/m);
  // without a terminal on our side -t still gives the program one
  const r = await runBerth(0, 'run', '--rm', '-t', 'busybox', 'sh', '-c', 'test -t 0 && test -t 1 && echo tty');
  assert.equal(r.stdout, 'tty\r\n');
});

test('-it: an interactive shell on a pty; ^C reaches the program, not berth', { skip }, async () => {
  const p = runBerthPty(['run', '--rm', '-it', 'busybox', 'sh']);
  try {
    // ash asks the terminal where its cursor is (ESC [6n) and, with no answer from script(1),
    // goes on after a moment
    await p.waitFor(/# /);
    p.write('echo $((6*7))\n');
    await p.waitFor(/^42\r?$/m);
    p.write('sleep 30\n');
    await new Promise((r) => setTimeout(r, 300));
    p.write('\x03');
    // the shell is still there: ^C ended only the sleep
    p.write('echo after-$((1+1))\n');
    await p.waitFor(/after-2/);
    p.write('exit 3\n');
    assert.equal(await p.exited, 3);
  } finally {
    p.kill();
  }
});

test('--rm: gone after a normal exit and after -d', { skip }, async () => {
  const name = safeName(undefined, 'rmd');
  await runBerth(0, 'run', '--rm', '-d', '--name', name, 'busybox', 'sh', '-c', 'sleep 0.3');
  await waitFor(async () => (await runBerth({}, 'inspect', name)).status === 1, { what: `${name} to be removed` });
});

test('--name: in ps and inspect; a second container of the name is refused in docker\'s words', { skip }, async (t) => {
  const name = safeName(t);
  const id = (await runBerth(0, 'create', '--name', name, 'busybox', 'true')).stdout.trim();
  assert.equal(await inspectField(name, '{{.Name}}'), `/${name}`);
  const r = await runBerth(125, 'run', '--name', name, 'busybox', 'true');
  assert.equal(
    r.stderr,
    `Error: Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.\n`,
  );
  assert.match((await runBerth(125, 'run', '--name', 'bad name', 'busybox', 'true')).stderr, /Invalid container name \(bad name\), only \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\] are allowed/);
  await runBerth(0, 'rm', name);
  await runBerth(0, 'run', '--rm', '--name', name, 'busybox', 'true');
});

test('-e and --env-file: set, taken from our environment, overriding the image\'s', { skip }, async () => {
  const file = join(env!.base, 'env.list');
  writeFileSync(file, '# a comment\n\nFROM_FILE=file value\nFROM_OURS\nOVERRIDE=from-file\n');
  const r = await runBerth(
    { exit: 0, env: { FROM_OURS: 'ours', ALSO_OURS: 'also' } },
    'run', '--rm', '--env-file', file, '-e', 'A=1', '-e', 'ALSO_OURS', '-e', 'OVERRIDE=from-flag', '-e', 'UNSET_IN_OURS', '-e', 'PATH=/usr/bin:/bin',
    'busybox', 'env',
  );
  const vars = new Set(r.stdout.trim().split('\n'));
  for (const v of ['FROM_FILE=file value', 'FROM_OURS=ours', 'A=1', 'ALSO_OURS=also', 'OVERRIDE=from-flag', 'PATH=/usr/bin:/bin', 'HOME=/root']) assert.ok(vars.has(v), `${v} in ${r.stdout}`);
  assert.ok(![...vars].some((v) => v.startsWith('UNSET_IN_OURS')), 'a name we do not have is left out');
  assert.ok([...vars].some((v) => /^HOSTNAME=[0-9a-f]{12}$/.test(v)));
  assert.match((await runBerth(125, 'run', '--rm', '--env-file', '/no/such/file', 'busybox', 'true')).stderr, /open \/no\/such\/file: no such file or directory/);
});

test('-w: the working directory, made when missing', { skip }, async () => {
  assert.equal((await runBerth(0, 'run', '--rm', '-w', '/tmp', 'busybox', 'pwd')).stdout, '/tmp\n');
  assert.equal((await runBerth(0, 'run', '--rm', '-w', '/made/by/berth', 'busybox', 'pwd')).stdout, '/made/by/berth\n');
});

test('-u: a name from the image\'s passwd, uid:gid, name:group', { skip }, async () => {
  assert.match((await runBerth(0, 'run', '--rm', '-u', 'nobody', 'busybox', 'id')).stdout, /^uid=65534\(nobody\) gid=65534\(nogroup\)/);
  assert.match((await runBerth(0, 'run', '--rm', '-u', '1000:1000', 'busybox', 'id')).stdout, /^uid=1000 gid=1000\b/);
  assert.match((await runBerth(0, 'run', '--rm', '-u', '1000', 'busybox', 'id')).stdout, /^uid=1000 gid=0\(root\)/);
  // a user other than root can use the container's / (its mode is the image's, not 0700)
  assert.equal((await runBerth(0, 'run', '--rm', '-u', '1000:1000', 'busybox', 'stat', '-c', '%a', '/')).stdout, '755\n');
  assert.equal((await runBerth(0, 'run', '--rm', '-u', 'daemon:users', 'busybox', 'id', '-un')).stdout, 'daemon\n');
  assert.equal((await runBerth(0, 'run', '--rm', '-u', 'daemon:users', 'busybox', 'id', '-gn')).stdout, 'users\n');
  assert.equal((await runBerth(0, 'run', '--rm', '-u', 'nobody', 'busybox', 'sh', '-c', 'echo $HOME')).stdout, '/home\n');
  assert.match((await runBerth(125, 'run', '--rm', '-u', 'nosuchuser', 'busybox', 'id')).stderr, /unable to find user nosuchuser: no matching entries in passwd file/);
});

test('--entrypoint replaces the image\'s and drops its Cmd', { skip }, async () => {
  assert.equal((await runBerth(0, 'run', '--rm', '--entrypoint', 'echo', 'busybox', 'hello', 'world')).stdout, 'hello world\n');
  assert.equal((await runBerth(0, 'run', '--rm', '--entrypoint', '/bin/pwd', 'busybox')).stdout, '/\n');
  const name = safeName(undefined, 'ep');
  await runBerth(0, 'create', '--name', name, '--entrypoint', 'echo', 'busybox', 'a');
  assert.equal(await inspectField(name, '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Path}} {{json .Args}}'), '["echo"] ["a"] echo ["a"]');
  await runBerth(0, 'rm', name);
});

test('-l: labels on the container', { skip }, async () => {
  const name = safeName(undefined, 'labels');
  await runBerth(0, 'create', '--name', name, '-l', 'tier=web', '-l', 'empty', '--label', 'a.b=c=d', 'busybox', 'true');
  assert.equal(await inspectField(name, '{{index .Config.Labels "tier"}}|{{index .Config.Labels "empty"}}|{{index .Config.Labels "a.b"}}'), 'web||c=d');
  await runBerth(0, 'rm', name);
});

test('--hostname, --add-host, --dns, --dns-search, --dns-option: the container\'s /etc files', { skip }, async () => {
  const r = await runBerth(
    0, 'run', '--rm', '--hostname', 'web1', '--add-host', 'db:10.1.2.3', '--add-host', 'cache:10.1.2.4',
    '--dns', '192.0.2.53', '--dns-search', 'example.test', '--dns-option', 'ndots:2',
    'busybox', 'sh', '-c', 'hostname; cat /etc/hostname; cat /etc/hosts; echo ---; cat /etc/resolv.conf',
  );
  const [names, resolv] = r.stdout.split('---\n') as [string, string];
  const lines = names.split('\n');
  assert.equal(lines[0], 'web1');
  assert.equal(lines[1], 'web1');
  assert.match(names, /^10\.1\.2\.3\s+db$/m);
  assert.match(names, /^10\.1\.2\.4\s+cache$/m);
  assert.match(names, /^127\.0\.0\.1\s+localhost/m);
  assert.match(resolv, /^nameserver 192\.0\.2\.53$/m);
  assert.match(resolv, /^search example\.test$/m);
  assert.match(resolv, /^options ndots:2$/m);
  // by default the host name is the short id
  const id = (await runBerth(0, 'run', '-d', 'busybox', 'sleep', '30')).stdout.trim();
  assert.equal((await runBerth(0, 'exec', id, 'hostname')).stdout, `${id.slice(0, 12)}\n`);
  await runBerth(0, 'rm', '-f', id);
});

test('--init: PID 1 is tini, which forwards signals and reaps orphans', { skip }, async () => {
  const r = await runBerth(0, 'run', '--rm', '--init', 'busybox', 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline; echo; echo $$');
  const [cmdline, pid] = r.stdout.split('\n');
  assert.match(cmdline!, /^\/sbin\/docker-init -- sh -c /);
  assert.notEqual(pid, '1', 'the program is not PID 1');
  // sleep as PID 1 ignores SIGTERM, so stop would wait out its timeout; under tini it dies at once
  const name = safeName(undefined, 'init');
  await runBerth(0, 'run', '-d', '--init', '--name', name, 'busybox', 'sleep', '60');
  const t0 = Date.now();
  await runBerth(0, 'stop', '-t', '20', name);
  assert.ok(Date.now() - t0 < 8000, `stop took ${Date.now() - t0} ms: SIGTERM was not forwarded`);
  assert.equal(await inspectField(name, '{{.State.ExitCode}}'), '143');
  await runBerth(0, 'rm', name);
  // an orphan is reaped: no zombie left under tini
  const z = await runBerth(0, 'run', '--rm', '--init', 'busybox', 'sh', '-c', '(sleep 0.1 &) ; sleep 0.5; ps -o stat | grep -c "^Z" || true');
  assert.equal(z.stdout.trim(), '0');
});
test('leaves nothing behind', { skip }, () => leakCheck());
