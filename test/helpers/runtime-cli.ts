import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './busybox-rootfs.ts';

export const RUNTIME = join(REPO, 'dist', 'berth-runtime');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

// A state root of its own per test, so tests run in parallel without seeing each other.
export function stateRoot(): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'berth-state-'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

// stdout and stderr go to files, not pipes: a detached container inherits them and would keep a
// pipe open (and spawnSync waiting) for as long as it runs.
export function runtime(root: string, args: string[], opts: { input?: string; cwd?: string; timeoutMs?: number } = {}): Result {
  const dir = mkdtempSync(join(tmpdir(), 'berth-out-'));
  const outFd = openSync(join(dir, 'out'), 'w+');
  const errFd = openSync(join(dir, 'err'), 'w+');
  try {
    const r: SpawnSyncReturns<Buffer> = spawnSync(RUNTIME, ['--root', root, ...args], {
      stdio: ['pipe', outFd, errFd],
      input: opts.input ?? '',
      cwd: opts.cwd,
      timeout: opts.timeoutMs ?? 30_000,
    });
    if (r.error) throw r.error;
    return {
      code: r.status ?? 128 + (r.signal === 'SIGKILL' ? 9 : 15),
      stdout: readFileSync(join(dir, 'out'), 'utf8'),
      stderr: readFileSync(join(dir, 'err'), 'utf8'),
    };
  } finally {
    closeSync(outFd);
    closeSync(errFd);
    rmSync(dir, { recursive: true, force: true });
  }
}

// onStdout sees the output as it comes (a test can wait for a long-running command to be ready)
export function runtimeAsync(root: string, args: string[], opts: { cwd?: string; onStdout?: (all: string) => void } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(RUNTIME, ['--root', root, ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(stdout);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
