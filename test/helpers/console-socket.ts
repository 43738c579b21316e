import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A --console-socket receiver. Node cannot receive fds over a unix socket (SCM_RIGHTS), so this
// is a few lines of Python 3 (part of every Debian install): it takes the pty master and prints
// everything the container writes to its terminal until the container closes it.
const RECEIVER = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
print('ready', flush=True)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 1024, 1)
sys.stderr.write('name=' + msg.decode() + '\\n')
out = b''
while True:
    try:
        d = os.read(fds[0], 4096)
    except OSError:
        break
    if not d:
        break
    out += d
sys.stdout.buffer.write(out)
`;

export interface ConsoleReceiver {
  path: string;
  output: Promise<{ stdout: string; stderr: string }>;
  kill(): void;
}

export async function consoleReceiver(): Promise<ConsoleReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-console-'));
  const path = join(dir, 'console.sock');
  const child: ChildProcess = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.startsWith('ready\n')) {
        stdout = stdout.slice(6);
        resolve();
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`console receiver exited with ${code}`)));
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const output = new Promise<{ stdout: string; stderr: string }>((resolve) => {
    child.stdout!.removeAllListeners('data');
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', () => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ stdout, stderr });
    });
  });
  return { path, output, kill: () => child.kill('SIGKILL') };
}
