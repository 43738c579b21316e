import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { containerEnv } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';
import { Logger } from '../../src/lib/log.ts';
import { createContainer, startContainer, deleteContainer, containerState } from '../../src/runtime/index.ts';

interface Frames {
  stdout: string;
  stderr: string;
  exit?: number;
}

// A client of the monitor's attach socket (protocol in native/steps/monitor.c).
function attach(path: string): { connected: Promise<void>; frames: Promise<Frames>; send(type: number, data: Buffer): void } {
  const sock = createConnection(path);
  const connected = new Promise<void>((resolve) => sock.once('connect', () => resolve()));
  const got: Frames = { stdout: '', stderr: '' };
  let buf = Buffer.alloc(0);
  const frames = new Promise<Frames>((resolve, reject) => {
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32LE(1)) {
        const type = buf[0]!;
        const body = buf.subarray(5, 5 + buf.readUInt32LE(1));
        buf = buf.subarray(5 + body.length);
        if (type === 1) got.stdout += body.toString();
        else if (type === 2) got.stderr += body.toString();
        else if (type === 3) got.exit = body.readInt32LE(0);
      }
    });
    sock.on('close', () => resolve(got));
    sock.on('error', reject);
  });
  return {
    connected,
    frames,
    send(type, data) {
      const h = Buffer.alloc(5);
      h[0] = type;
      h.writeUInt32LE(data.length, 1);
      sock.write(Buffer.concat([h, data]));
    },
  };
}

async function waitFor(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the monitor logs the container\'s output, serves attach with stdin, writes the exit file and runs the exit command', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => (s.process!.args = ['sh', '-c', 'echo out; echo err >&2; read line; echo "got:$line"; exit 3']));
  const ctx = { root: env.root, log: new Logger() };
  const dir = env.bundle.dir;
  const monitor = {
    logPath: join(dir, 'ctr.log'),
    logMaxSize: 0,
    logMaxFiles: 1,
    exitFile: join(dir, 'exit.json'),
    attachSocket: join(dir, 'attach.sock'),
    exitCommand: ['/bin/sh', '-c', `echo exit-command-ran > ${join(dir, 'after')}`],
    stdin: true,
    errorLog: join(dir, 'monitor.err'),
  };
  try {
    await createContainer(ctx, { id: env.id, bundle: dir, monitor });
    const client = attach(monitor.attachSocket);
    await startContainer(ctx, env.id);
    client.send(0, Buffer.from('hello\n'));
    const frames = await client.frames;
    assert.deepEqual(frames, { stdout: 'out\ngot:hello\n', stderr: 'err\n', exit: 3 });
    await waitFor(() => existsSync(join(dir, 'after')));
    const exit = JSON.parse(readFileSync(monitor.exitFile, 'utf8'));
    assert.equal(exit.exitCode, 3);
    assert.equal(exit.signal, 0);
    assert.match(exit.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const lines = readFileSync(monitor.logPath, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT[\d:.]+Z (stdout|stderr) F /);
    assert.deepEqual(lines.map((l) => l.split(' ').slice(1).join(' ')).sort(), ['stderr F err', 'stdout F got:hello', 'stdout F out']);
    assert.equal(containerState(ctx, env.id).status, 'stopped');
    assert.equal(readFileSync(monitor.errorLog, 'utf8'), '', 'the monitor reported no error');
    await deleteContainer(ctx, env.id);
  } finally {
    env.cleanup();
  }
});

test('the monitor rotates the log by size and keeps max-file files', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => (s.process!.args = ['sh', '-c', 'i=0; while [ $i -lt 200 ]; do echo "line $i of the output"; i=$((i+1)); done']));
  const ctx = { root: env.root, log: new Logger() };
  const dir = env.bundle.dir;
  const monitor = {
    logPath: join(dir, 'ctr.log'),
    logMaxSize: 2000,
    logMaxFiles: 3,
    exitFile: join(dir, 'exit.json'),
    attachSocket: join(dir, 'attach.sock'),
    exitCommand: [],
    stdin: false,
    errorLog: join(dir, 'monitor.err'),
  };
  try {
    await createContainer(ctx, { id: env.id, bundle: dir, monitor });
    await startContainer(ctx, env.id);
    await waitFor(() => existsSync(monitor.exitFile));
    const logs = readdirSync(dir).filter((f) => f.startsWith('ctr.log')).sort();
    assert.deepEqual(logs, ['ctr.log', 'ctr.log.1', 'ctr.log.2']);
    for (const f of logs) assert.ok(readFileSync(join(dir, f)).length <= 2000, `${f} is over max-size`);
    // the newest file holds the last line; nothing was split mid-line
    assert.match(readFileSync(monitor.logPath, 'utf8'), /stdout F line 199 of the output\n$/);
    await deleteContainer(ctx, env.id);
  } finally {
    env.cleanup();
  }
});

test('a client that claims the cleanup gets the exit code of an instant exit, and the exit command does not run', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => (s.process!.args = ['true']));
  const ctx = { root: env.root, log: new Logger() };
  const dir = env.bundle.dir;
  const monitor = {
    logPath: join(dir, 'ctr.log'),
    logMaxSize: 0,
    logMaxFiles: 1,
    exitFile: join(dir, 'exit.json'),
    attachSocket: join(dir, 'attach.sock'),
    exitCommand: ['/bin/sh', '-c', `echo exit-command-ran > ${join(dir, 'after')}`],
    stdin: false,
    errorLog: join(dir, 'monitor.err'),
  };
  try {
    await createContainer(ctx, { id: env.id, bundle: dir, monitor });
    // connected and claimed (as `berth run` does: the frame is written before the program is
    // released) but, most likely, not yet accepted when the program exits
    const client = attach(monitor.attachSocket);
    await client.connected;
    client.send(6, Buffer.alloc(0));
    await startContainer(ctx, env.id);
    const frames = await client.frames;
    assert.equal(frames.exit, 0);
    await waitFor(() => containerState(ctx, env.id).status === 'stopped');
    // the monitor has exited by now; an exit command would have run before that
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(existsSync(join(dir, 'after')), false, 'the exit command ran although the cleanup was claimed');
    await deleteContainer(ctx, env.id);
  } finally {
    env.cleanup();
  }
});
