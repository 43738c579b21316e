// Runs the built berth (dist/berth) against a temporary root and runroot, podman's
// test/system/helpers.bash style: `runBerth(expectedExit, ...args)` is run_podman (the expected
// exit status is part of the call, and a mismatch fails with the output in view), `safeName()` is
// safename, `leakCheck()` is leak_check (mounts, cgroups, processes, records and runtime state of
// this environment), and `berthEnv(..., { busybox: true })` gives a store with busybox:latest.
//
// One environment per test file: `berthEnv` makes it the current one, which `runBerth`,
// `runBerthPty`, `startBerth` and `leakCheck` use unless given another. node --test runs each
// file in a process of its own, so files never share an environment.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostCgroupLayout } from '../../src/runtime/cgroups/detect.ts';
import { resolveCgroupDirs } from '../../src/runtime/cgroups/placement.ts';
import { BUSYBOX, REPO } from './busybox-rootfs.ts';
import { seededStore } from './seeded-store.ts';
import { sleep } from './wait.ts';

export const BERTH = join(REPO, 'dist', 'berth');

export interface BerthResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface BerthEnv {
  // everything of this environment is under base (removed by cleanup)
  base: string;
  root: string;
  runroot: string;
  config: string; // DOCKER_CONFIG for credentials
  env: Record<string, string>;
  // every container id this environment has shown (records, output), for the cgroup leak check
  ids: Set<string>;
  cleanup(): void;
}

let current: BerthEnv | undefined;

// A fresh store. With `busybox`, busybox:latest is in it: copied from a store seeded once per
// build of berth (.cache/berth-cli-store-<key>), which costs a few milliseconds instead of the
// second and a half a seed takes. Makes the environment the current one.
export function berthEnv(extra: Record<string, string> = {}, o: { busybox?: boolean } = {}): BerthEnv {
  const base = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  const root = join(base, 'root');
  const runroot = join(base, 'run');
  const config = join(base, 'docker-config');
  if (o.busybox) cpSync(seededStore(), root, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  const e: BerthEnv = {
    base,
    root,
    runroot,
    config,
    env: {
      ...process.env,
      BERTH_ROOT: root,
      BERTH_RUNROOT: runroot,
      DOCKER_CONFIG: config,
      BERTH_REGISTRY_RETRY_BASE_MS: '20',
      BERTH_REGISTRIES_CONF: join(base, 'none.json'),
      ...extra,
    } as Record<string, string>,
    ids: new Set(),
    cleanup: () => forceCleanup(e),
  };
  current = e;
  return e;
}

function currentEnv(e?: BerthEnv): BerthEnv {
  const env = e ?? current;
  if (!env) throw new Error('no berth environment: call berthEnv() first');
  return env;
}

export function berthBuilt(): boolean {
  return existsSync(BERTH);
}

// Why the container tests of test/cli cannot run here, if they cannot: pass it as node:test's
// `skip` option (undefined runs the test).
export function cliSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!berthBuilt()) return 'needs a built dist/berth (node scripts/build.ts)';
  if (!existsSync(BUSYBOX)) return `needs ${BUSYBOX} (Debian's busybox-static)`;
  return undefined;
}

let nameCounter = 0;

// podman's safename: a container (or volume) name no other test and no other run can have,
// carrying the test's name so that a leak says where it came from.
export function safeName(t?: { name: string }, what = ''): string {
  const slug = (t?.name ?? 't').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24) || 't';
  return `${slug}-${what ? `${what}-` : ''}${process.pid}-${++nameCounter}${randomBytes(2).toString('hex')}`;
}

export interface RunOptions {
  // the status expected; undefined accepts any
  exit?: number;
  input?: string | Buffer;
  env?: Record<string, string>;
  timeoutMs?: number;
  berthEnv?: BerthEnv;
}

const ID = /\b[0-9a-f]{64}\b/g;

function noteIds(e: BerthEnv, ...texts: string[]): void {
  for (const t of texts) for (const m of t.matchAll(ID)) e.ids.add(m[0]);
  for (const dir of [join(e.root, 'containers'), join(e.runroot, 'containers'), join(e.runroot, 'runtime')]) {
    try {
      for (const n of readdirSync(dir)) if (/^[0-9a-f]{64}$/.test(n)) e.ids.add(n);
    } catch {
      // not made yet
    }
  }
}

let outCounter = 0;

// run_podman: runs berth, asserts the exit status, returns the output. stdout and stderr go to
// files, not pipes: a detached container's monitor inherits them from berth and would hold a
// pipe open for as long as it runs (test/helpers/runtime-cli.ts).
export async function runBerth(expected: number | RunOptions, ...args: string[]): Promise<BerthResult> {
  const o: RunOptions = typeof expected === 'number' ? { exit: expected } : expected;
  const e = currentEnv(o.berthEnv);
  const { child, outPath, errPath } = spawnToFiles(e, args, o.env, o.input === undefined ? 'ignore' : 'pipe');
  if (o.input !== undefined) {
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(o.input);
  }
  // records made and removed within one command (run --rm) are seen by polling
  const poll = setInterval(() => noteIds(e), 50);
  const timeoutMs = o.timeoutMs ?? 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : null)));
  }).finally(() => {
    clearInterval(poll);
    clearTimeout(timer);
  });
  const res = { status, stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8') };
  rmSync(outPath, { force: true });
  rmSync(errPath, { force: true });
  noteIds(e, res.stdout, res.stderr);
  const cmd = `berth ${args.join(' ')}`;
  if (timedOut) throw new Error(`${cmd}: still running after ${timeoutMs} ms (killed)\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  if (o.exit !== undefined && status !== o.exit) throw new Error(`${cmd}: exit ${status}, expected ${o.exit}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res;
}

function signalNumber(sig: NodeJS.Signals): number | undefined {
  return osConstants.signals[sig];
}

// berth with its stdout and stderr in files of the environment's out/ directory.
function spawnToFiles(e: BerthEnv, args: string[], env: Record<string, string> | undefined, stdin: 'pipe' | 'ignore'): { child: ChildProcess; outPath: string; errPath: string } {
  const outDir = join(e.base, 'out');
  mkdirSync(outDir, { recursive: true });
  const n = ++outCounter;
  const outPath = join(outDir, `${n}.out`);
  const errPath = join(outDir, `${n}.err`);
  const outFd = openSync(outPath, 'w+');
  const errFd = openSync(errPath, 'w+');
  try {
    return { child: spawn(BERTH, args, { env: { ...e.env, ...env }, stdio: [stdin, outFd, errFd] }), outPath, errPath };
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
}

// A berth command left running (logs -f, attach, wait, a run to kill midway): its output so far,
// and its end.
export interface BerthProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  // resolves with the exit status (128 + signal number when killed)
  exited: Promise<number>;
  // waits until stdout (or stderr) matches
  waitFor(re: RegExp, o?: { stream?: 'stdout' | 'stderr'; timeoutMs?: number }): Promise<string>;
  kill(sig?: NodeJS.Signals): void;
}

export function startBerth(args: string[], o: { env?: Record<string, string>; berthEnv?: BerthEnv; stdin?: 'pipe' | 'ignore' } = {}): BerthProcess {
  const e = currentEnv(o.berthEnv);
  const { child, outPath, errPath } = spawnToFiles(e, args, o.env, o.stdin ?? 'ignore');
  const poll = setInterval(() => noteIds(e), 50);
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      noteIds(e, read(outPath), read(errPath));
      resolve(code ?? 128 + (signal ? (signalNumber(signal) ?? 0) : 0));
    });
  });
  return {
    child,
    pid: child.pid!,
    stdout: () => read(outPath),
    stderr: () => read(errPath),
    exited,
    waitFor: (re, w = {}) => waitUntil(() => read(w.stream === 'stderr' ? errPath : outPath), re, w.timeoutMs ?? 20_000, `berth ${args.join(' ')}`),
    kill: (sig = 'SIGTERM') => void child.kill(sig),
  };
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function waitUntil(get: () => string, re: RegExp, timeoutMs: number, what: string): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = get();
    if (re.test(text)) return text;
    if (Date.now() > end) throw new Error(`${what}: ${re} did not appear within ${timeoutMs} ms; output so far:\n${JSON.stringify(text)}`);
    await sleep(20);
  }
}

export { sleep, waitFor } from './wait.ts';

// berth on a real pseudo-terminal: script(1) gives it one (stdin, stdout and stderr all the pty,
// as a user's shell has them) with a window of 30 rows and 100 columns. What is written goes to
// the terminal as typed; the output is what the terminal shows.
export interface PtyBerth {
  write(text: string): void;
  output(): string;
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number>;
  kill(): void;
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function runBerthPty(args: string[], o: { berthEnv?: BerthEnv; rows?: number; cols?: number } = {}): PtyBerth {
  const e = currentEnv(o.berthEnv);
  const cmd = `stty rows ${o.rows ?? 30} cols ${o.cols ?? 100}; exec ${[BERTH, ...args].map(shellQuote).join(' ')}`;
  // -e: script's status is berth's; -q: no banner; -f: flush as the output comes
  const child = spawn('script', ['-qefc', cmd, '/dev/null'], { env: e.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin!.on('error', () => undefined);
  const poll = setInterval(() => noteIds(e), 50);
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve(code ?? 128 + (signal ? (signalNumber(signal) ?? 0) : 0));
    });
  });
  // script reads its stdin to the end: keep it open until berth is done
  void exited.then(() => child.stdin!.end());
  return {
    write: (text) => void child.stdin!.write(text),
    output: () => out,
    waitFor: (re, timeoutMs = 20_000) => waitUntil(() => out, re, timeoutMs, `berth ${args.join(' ')} (pty)`),
    exited,
    kill: () => void child.kill('SIGKILL'),
  };
}

// `berth inspect -f TEMPLATE name`, trimmed.
export async function inspectField(name: string, template: string, e?: BerthEnv): Promise<string> {
  return (await runBerth({ exit: 0, ...(e ? { berthEnv: e } : {}) }, 'inspect', '-f', template, name)).stdout.trim();
}

// ---- leak check ----

function mountsUnder(base: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m === base || m.startsWith(`${base}/`));
}

function cgroupsOf(ids: Iterable<string>): string[] {
  const layout = hostCgroupLayout();
  const out: string[] = [];
  for (const id of ids) for (const d of resolveCgroupDirs(layout, `/berth-${id}`, id)) if (existsSync(d.path)) out.push(d.path);
  return out;
}

// Processes that belong to this environment: the monitors (whose log and socket are in it),
// containers (whose root is in it), berth commands (whose arguments or environment name it).
function processesOf(base: string): { pid: number; what: string; links: string[] }[] {
  const out: { pid: number; what: string; links: string[] }[] = [];
  const inBase = (p: string): boolean => p === base || p.startsWith(`${base}/`);
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    const dir = `/proc/${p}`;
    try {
      const cmdline = readFileSync(`${dir}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (!cmdline) continue; // a kernel thread or a zombie
      const links: string[] = [];
      for (const l of ['root', 'cwd']) {
        try {
          links.push(readlinkSync(`${dir}/${l}`));
        } catch {
          // gone, or not ours to read
        }
      }
      try {
        for (const fd of readdirSync(`${dir}/fd`)) {
          try {
            links.push(readlinkSync(`${dir}/fd/${fd}`));
          } catch {
            // closed meanwhile
          }
        }
      } catch {
        // gone
      }
      if (cmdline.includes(base) || links.some(inBase)) out.push({ pid: Number(p), what: cmdline, links: links.filter(inBase) });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

function entries(dir: string, re = /./): string[] {
  try {
    return readdirSync(dir).filter((n) => re.test(n));
  } catch {
    return [];
  }
}

export interface LeakReport {
  containers: string[];
  mounts: string[];
  cgroups: string[];
  processes: string[];
  runtimeState: string[];
  anonymousVolumes: string[];
}

// What of this environment is on the host; with `id`, only what belongs to that container (a
// process by the files it holds, or its root).
export function findLeaks(e?: BerthEnv, id?: string): LeakReport {
  const env = currentEnv(e);
  noteIds(env);
  const mine = (s: string): boolean => id === undefined || s.includes(id);
  const describe = (cid: string): string => {
    try {
      const r = JSON.parse(readFileSync(join(env.root, 'containers', cid, 'container.json'), 'utf8')) as { Name: string; State: { Status: string }; Path: string; Args: string[] };
      return `${cid} ${r.Name} ${r.State.Status}: ${[r.Path, ...r.Args].join(' ')}`;
    } catch {
      return `${cid} (no record)`;
    }
  };
  const report: LeakReport = {
    containers: entries(join(env.root, 'containers'), /^[0-9a-f]{64}$/).map(describe),
    mounts: mountsUnder(env.base),
    cgroups: cgroupsOf(id === undefined ? env.ids : [id]),
    processes: processesOf(env.base).filter((p) => id === undefined || p.links.some(mine)).map((p) => `${p.pid} ${p.what}`),
    runtimeState: [
      ...entries(join(env.runroot, 'runtime'), /^[^.]/).map((n) => `runtime/${n}`),
      ...entries(join(env.runroot, 'containers')).map((n) => `containers/${n}`),
      // --runtime runc|crun: their state roots, and the console sockets and exec logs beside them
      ...['runc', 'crun', 'runc-tmp', 'crun-tmp'].flatMap((d) => entries(join(env.runroot, d)).map((n) => `${d}/${n}`)),
    ],
    anonymousVolumes: entries(join(env.root, 'volumes'), /^[0-9a-f]{64}$/),
  };
  if (id !== undefined) {
    report.containers = report.containers.filter(mine);
    report.mounts = report.mounts.filter(mine);
    report.runtimeState = report.runtimeState.filter(mine);
    report.anonymousVolumes = [];
  }
  return report;
}

// podman's leak_check: after a file's tests, nothing of its containers may be left: no record,
// no mount under the environment, no berth-<id> cgroup on any hierarchy, no monitor, container
// or berth process, no runtime state, no anonymous volume. Named volumes are the tests' own.
export async function leakCheck(e?: BerthEnv): Promise<void> {
  // an exit command may still be finishing (run --rm returns once the container is gone, a
  // moment before the process that removed it has exited): what stays for 3 s is a leak
  let found: [string, unknown][] = [];
  for (const end = Date.now() + 3000; ; ) {
    found = Object.entries(findLeaks(e)).filter(([, v]) => (v as string[]).length > 0);
    if (found.length === 0 || Date.now() > end) break;
    await sleep(100);
  }
  assert.deepEqual(Object.fromEntries(found), {}, 'left behind');
}

// What a failed file may have left, removed so the machine stays clean: containers (rm -f),
// then by force whatever remains (processes, mounts, cgroups), then the directory.
function forceCleanup(e: BerthEnv): void {
  if (current === e) current = undefined;
  if (existsSync(join(e.root, 'containers')) && entries(join(e.root, 'containers'), /^[0-9a-f]{64}$/).length > 0) {
    const ids = entries(join(e.root, 'containers'), /^[0-9a-f]{64}$/);
    spawnSync(BERTH, ['rm', '-f', '-v', ...ids], { env: e.env, stdio: 'ignore', timeout: 60_000 });
  }
  for (let i = 0; i < 3; i++) {
    const procs = processesOf(e.base);
    if (procs.length === 0) break;
    for (const p of procs) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    spawnSync('sleep', ['0.2']);
  }
  for (const m of mountsUnder(e.base).reverse()) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  for (const dir of cgroupsOf(e.ids).sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(dir);
    } catch {
      // still in use, or gone
    }
  }
  rmSync(e.base, { recursive: true, force: true });
}

// ---- the image tests' helpers (pipes are fine there: no container is run) ----

// Synchronous: use only against registries that run in another process (no token server).
export function berthSync(e: BerthEnv, expected: number, args: string[], input?: Buffer | string): BerthResult {
  const r = spawnSync(BERTH, args, { env: e.env, input: input ?? '', maxBuffer: 1 << 28 });
  const res = { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  if (r.status !== expected) throw new Error(`berth ${args.join(' ')}: exit ${r.status}, expected ${expected}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res;
}

export function berth(e: BerthEnv, expected: number, args: string[], o: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<BerthResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(BERTH, args, { env: { ...e.env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.stdin.on('error', () => undefined);
    p.stdin.end(o.input ?? '');
    p.on('error', reject);
    p.on('close', (status) => {
      const res = { status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
      if (status !== expected) reject(new Error(`berth ${args.join(' ')}: exit ${status}, expected ${expected}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`));
      else resolve(res);
    });
  });
}

// The store must be readable and whole: no incomplete layer, no partial download left behind
// unless `partialsAllowed`, every record's blobs and layers present.
export function checkStoreConsistent(root: string, o: { partialsAllowed?: boolean } = {}): string[] {
  const problems: string[] = [];
  const layersDir = join(root, 'storage', 'layers');
  const r = spawnSync('sh', ['-c', `ls -a ${layersDir}/*/incomplete 2>/dev/null; ls -a ${join(root, 'image', 'content', 'ingest')} 2>/dev/null | grep -v '^\\.\\.\\?$'`], { encoding: 'utf8' });
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    if (line.endsWith('incomplete')) problems.push(`incomplete layer: ${line}`);
    else if (!o.partialsAllowed) problems.push(`partial download left: ${line}`);
  }
  return problems;
}

export { rmSync };
