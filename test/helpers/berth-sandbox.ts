// A berth of its own per test file, for the command tests in test/cli/: a temporary --root (with
// busybox:latest seeded) and --runroot, `runBerth(args, {root, runroot})` that runs the built
// dist/berth like a user and returns its status and output, and a leak check that nothing of
// the sandbox is left on the machine (mounts, cgroups, processes, records, runtime state).
//
// stdout and stderr go to files, not pipes: a detached container's monitor must never hold a
// pipe of the test open (test/helpers/runtime-cli.ts has the same rule).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hostCgroupLayout } from '../../src/runtime/cgroups/detect.ts';
import { REPO } from './busybox-rootfs.ts';
import { seededStore } from './seeded-store.ts';
import { sleep, waitFor } from './wait.ts';

export const BERTH = join(REPO, 'dist', 'berth');

export interface SandboxPaths {
  root: string;
  runroot: string;
}

export interface BerthRun {
  status: number;
  stdout: string;
  stderr: string;
  // stdout as bytes (tar streams)
  bytes: Buffer;
}

export interface RunBerthOptions extends SandboxPaths {
  input?: string | Buffer;
  env?: Record<string, string>;
  timeoutMs?: number;
}

let outCounter = 0;

// Runs `berth --root R --runroot RR args...` to its end.
export async function runBerth(args: string[], o: RunBerthOptions): Promise<BerthRun> {
  const dir = join(o.runroot, '..', 'out');
  mkdirSync(dir, { recursive: true });
  const n = ++outCounter;
  const outPath = join(dir, `${process.pid}-${n}.out`);
  const errPath = join(dir, `${process.pid}-${n}.err`);
  const outFd = openSync(outPath, 'w+');
  const errFd = openSync(errPath, 'w+');
  let child: ChildProcess;
  try {
    child = spawn(BERTH, ['--root', o.root, '--runroot', o.runroot, ...args], {
      env: { ...process.env, ...o.env },
      stdio: [o.input === undefined ? 'ignore' : 'pipe', outFd, errFd],
    });
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
  if (o.input !== undefined) {
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(o.input);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, o.timeoutMs ?? 60_000);
  const status = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15)));
  }).finally(() => clearTimeout(timer));
  const bytes = readFileSync(outPath);
  const res = { status, stdout: bytes.toString('utf8'), stderr: readFileSync(errPath, 'utf8'), bytes };
  rmSync(outPath, { force: true });
  rmSync(errPath, { force: true });
  if (timedOut) throw new Error(`berth ${args.join(' ')}: still running after ${o.timeoutMs ?? 60_000} ms\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res;
}

// A berth command left running (stats streaming): its output so far, and its end.
export interface BerthProcess {
  output(): string;
  errors(): string;
  exited: Promise<number>;
  kill(sig?: NodeJS.Signals): void;
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
}

export class Sandbox implements SandboxPaths {
  readonly base: string;
  readonly root: string;
  readonly runroot: string;

  // short names: the monitor's attach socket (runroot/containers/<64 hex>/attach.sock) must fit
  // the 108 bytes of a unix socket address
  constructor(base: string) {
    this.base = base;
    this.root = join(base, 'root');
    this.runroot = join(base, 'r');
  }

  // run_podman: the expected status is part of the call; a mismatch fails with the output.
  async run(expected: number | undefined, ...args: string[]): Promise<BerthRun> {
    return this.runWith({ expected }, ...args);
  }

  async runWith(o: { expected: number | undefined; input?: string | Buffer; env?: Record<string, string>; timeoutMs?: number }, ...args: string[]): Promise<BerthRun> {
    const r = await runBerth(args, { root: this.root, runroot: this.runroot, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.env ? { env: o.env } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
    if (o.expected !== undefined && r.status !== o.expected) {
      assert.fail(`berth ${args.join(' ')}: exit ${r.status}, expected ${o.expected}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    }
    return r;
  }

  start(args: string[], o: { env?: Record<string, string> } = {}): BerthProcess {
    const dir = join(this.base, 'out');
    mkdirSync(dir, { recursive: true });
    const n = ++outCounter;
    const outPath = join(dir, `${process.pid}-s${n}.out`);
    const errPath = join(dir, `${process.pid}-s${n}.err`);
    const outFd = openSync(outPath, 'w+');
    const errFd = openSync(errPath, 'w+');
    let child: ChildProcess;
    try {
      child = spawn(BERTH, ['--root', this.root, '--runroot', this.runroot, ...args], { env: { ...process.env, ...o.env }, stdio: ['ignore', outFd, errFd] });
    } finally {
      closeSync(outFd);
      closeSync(errFd);
    }
    const read = (p: string): string => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return '';
      }
    };
    const exited = new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15)));
    });
    return {
      output: () => read(outPath),
      errors: () => read(errPath),
      exited,
      kill: (sig = 'SIGTERM') => void child.kill(sig),
      waitFor: async (re, timeoutMs = 20_000) => {
        const end = Date.now() + timeoutMs;
        for (;;) {
          const text = read(outPath);
          if (re.test(text)) return text;
          if (Date.now() > end) throw new Error(`berth ${args.join(' ')}: ${re} did not appear within ${timeoutMs} ms; output so far:\n${JSON.stringify(text)}`);
          await sleep(25);
        }
      },
    };
  }

  // `inspect -f TEMPLATE name`, trimmed.
  async field(name: string, template: string): Promise<string> {
    return (await this.run(0, 'inspect', '-f', template, name)).stdout.trim();
  }

  containerIds(): string[] {
    try {
      return readdirSync(join(this.root, 'containers')).filter((n) => /^[0-9a-f]{64}$/.test(n));
    } catch {
      return [];
    }
  }

  // What of this sandbox is still on the machine: mounts under it, processes naming it, cgroups
  // of its containers, runtime state. Empty when the sandbox's containers are all gone.
  leaks(ids: string[] = this.containerIds()): string[] {
    const out: string[] = [];
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const p = line.split(' ')[4] ?? '';
      if (p.startsWith(this.base)) out.push(`mount ${p}`);
    }
    for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      if (Number(pid) !== process.pid && cmd.includes(this.base)) out.push(`process ${pid}: ${cmd.trim()}`);
    }
    const known = new Set([...ids, ...this.containerIds()]);
    for (const h of hostCgroupLayout().hierarchies) {
      for (const id of known) if (existsSync(join(h.mountPoint, `berth-${id}`))) out.push(`cgroup ${join(h.mountPoint, `berth-${id}`)}`);
    }
    for (const dir of [join(this.runroot, 'runtime'), join(this.runroot, 'containers')]) {
      try {
        for (const n of readdirSync(dir)) if (/^[0-9a-f]{64}$/.test(n)) out.push(`runtime state ${join(dir, n)}`);
      } catch {
        // never made
      }
    }
    return out;
  }

  // Removes every container (force), then asserts nothing is left, then removes the sandbox.
  async finish(): Promise<void> {
    const ids = this.containerIds();
    if (ids.length > 0) await this.run(undefined, 'rm', '-f', '-v', ...ids);
    const leaks = await waitFor(() => {
      const l = this.leaks(ids);
      return l.length === 0 ? [] : undefined;
    }, { timeoutMs: 10_000 }).catch(() => this.leaks(ids));
    try {
      assert.deepEqual(leaks, [], `left behind by ${this.base}`);
      assert.deepEqual(this.containerIds(), [], 'container records left');
    } finally {
      forceClean(this.base, [...ids, ...this.containerIds()]);
    }
  }
}

// Unmounts and removes what a failed test left (its containers' cgroups thawed, their processes
// killed), so one failure does not leak into the machine.
function forceClean(base: string, ids: string[]): void {
  const dirs = hostCgroupLayout().hierarchies.flatMap((h) => ids.map((id) => join(h.mountPoint, `berth-${id}`))).filter((d) => existsSync(d));
  for (const d of dirs) {
    if (existsSync(join(d, 'freezer.state'))) spawnSync('sh', ['-c', `echo THAWED > ${d}/freezer.state`]);
    if (existsSync(join(d, 'cgroup.freeze'))) spawnSync('sh', ['-c', `echo 0 > ${d}/cgroup.freeze`]);
    for (const pid of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n').reverse()) {
    const p = line.split(' ')[4] ?? '';
    if (p.startsWith(base)) spawnSync('umount', ['-l', p]);
  }
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (Number(pid) !== process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(base)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(base, { recursive: true, force: true });
  for (const d of dirs) {
    for (let i = 0; i < 50 && existsSync(d); i++) {
      if (spawnSync('rmdir', [d]).status === 0) break;
      spawnSync('sleep', ['0.1']);
    }
  }
}

export function sandbox(o: { busybox?: boolean } = {}): Sandbox {
  const base = mkdtempSync('/tmp/bsb-');
  const s = new Sandbox(base);
  if (o.busybox !== false) cpSync(seededStore(), s.root, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  mkdirSync(s.root, { recursive: true });
  mkdirSync(s.runroot, { recursive: true });
  return s;
}

export { sleep, waitFor } from './wait.ts';

export function builtBerth(): boolean {
  return existsSync(BERTH);
}
