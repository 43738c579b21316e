// The engine benchmark (issue 6): `berth` against podman and docker, both from Debian, in one run,
// all on the very same image: berth's seeded busybox:latest (Debian's busybox-static), written out
// with `berth save` and loaded into podman and docker (there is no Docker Hub here), so the three
// start the same layer and the same config (the image ids match).
//
//   1. `run --rm --network none busybox true`, engines alternating run by run: wall time, median,
//      p10, p90, ratios.
//   2. N detached containers (`run -d --network none busybox sleep 1000`), one engine at a time,
//      the engine order rotating from batch to batch: the total start time; the PSS of each
//      container's monitor (berth-helper, conmon, containerd-shim-runc-v2: the parent of the
//      container's init, read from /proc/<pid>/smaps_rollup) with all N running; then the time of
//      one `rm -f` of all N.
//   3. Where berth's time goes: BERTH_TRACE=1 milestones of the Node side and the helper's per-step
//      times (from its monitor log), medians over a few runs.
//
// Needs root. Usage: node bench/engine.ts [--runs 30] [--containers 50] [--batches 3] [--trace 7]
//
// It installs podman, crun, conmon, runc and docker.io from Debian when missing, and sets each peer
// up on its own storage under one temporary directory: podman with --root/--runroot/--tmpdir and its
// own (empty) containers.conf and storage.conf; a dockerd of its own (unix socket in that
// directory, no bridge, no iptables, no userland proxy, its own data-root, exec-root and pidfile),
// stopped at the end. What this host forces on each peer (hybrid cgroups, a bounding set without
// CAP_SYS_RESOURCE) is printed with the figures. Nothing is left running or mounted afterwards; what
// would be is reported (and removed).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const numFlag = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} wants a positive integer`);
  return v;
};
const RUNS = Math.max(20, numFlag('--runs', 30)); // the issue asks for at least 20 runs each
const CONTAINERS = numFlag('--containers', 50);
const BATCHES = numFlag('--batches', 3);
const TRACE_RUNS = numFlag('--trace', 7);

if (process.getuid?.() !== 0) throw new Error('the benchmark needs root');
const BERTH = join(REPO, 'dist', 'berth');
if (!existsSync(BERTH)) throw new Error('build first: node scripts/build.ts');

// ---------------------------------------------------------------------------------------------
// Small utilities

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (a: number[], p: number): number => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))]!;
const log = (s: string): void => void process.stdout.write(`${s}\n`);

interface Result {
  ms: number;
  status: number | null;
  out: string;
  err: string;
}

function timed(cmd: string[], env?: NodeJS.ProcessEnv): Result {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env, maxBuffer: 64 << 20, timeout: 300_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, status: r.status, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function must(cmd: string[], what: string, env?: NodeJS.ProcessEnv): string {
  const r = timed(cmd, env);
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${cmd.join(' ')}\n${r.err.trim()}`);
  return r.out;
}

const firstLine = (s: string): string => s.trim().split('\n')[0] ?? '';
const lastLine = (s: string): string => s.trim().split('\n').pop() ?? '';

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: the fields after it start after the last ')'
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, close), cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

function processes(): Proc[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map((n) => readProc(Number(n)))
    .filter((p): p is Proc => p !== undefined);
}

// PSS and RSS in KiB: PSS divides each shared page among the processes that map it, so N monitors
// running one binary each pay 1/N of its shared text; what is private to each stays whole.
interface Smaps {
  pss: number;
  rss: number;
  anon: number;
  file: number;
  shmem: number;
}

function smapsRollup(pid: number): Smaps {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { pss: field('Pss'), rss: field('Rss'), anon: field('Pss_Anon'), file: field('Pss_File'), shmem: field('Pss_Shmem') };
}

interface Mount {
  point: string;
  fstype: string;
}

function mounts(): Mount[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [pre, post] = l.split(' - ');
      const f = pre!.split(' ');
      const g = post!.split(' ');
      // mountinfo escapes spaces and the like as octal
      const point = f[4]!.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
      return { point, fstype: g[0]! };
    });
}

// ---------------------------------------------------------------------------------------------
// Debian packages

const DEB_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const found = (bin: string): boolean => ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((d) => existsSync(join(d, bin)));

function ensurePackages(): void {
  if (process.env['BERTH_BENCH_REAPED'] === '1') return; // done before the re-exec under tini
  // binary -> Debian package; docker.io brings dockerd and the docker CLI, containerd the shims
  const wanted: [string, string][] = [
    ['podman', 'podman'],
    ['crun', 'crun'],
    ['conmon', 'conmon'],
    ['runc', 'runc'],
    ['dockerd', 'docker.io'],
    ['containerd', 'containerd'],
    ['containerd-shim-runc-v2', 'containerd'],
    ['tini', 'tini'],
    ['nsenter', 'util-linux'],
  ];
  if (!existsSync('/bin/busybox')) wanted.push(['busybox', 'busybox-static']);
  const missing = [...new Set(wanted.filter(([bin]) => !found(bin)).map(([, pkg]) => pkg))];
  if (!missing.length) return;
  log(`installing from Debian: ${missing.join(' ')}`);
  // docker.io's and containerd's maintainer scripts start their services; a policy-rc.d that
  // answers 101 keeps them from doing so (the benchmark starts its own dockerd)
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# written by berth bench/engine.ts while it installs packages\nexit 101\n', { mode: 0o755 });
  try {
    const install = (): number | null =>
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env: DEB_ENV }).status;
    if (install() !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: DEB_ENV });
      if (install() !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
    }
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  // the packages enable their services for the next boot; this benchmark wants none of it, but
  // enabling is the package's own business and harmless without systemd: left as installed
}

ensurePackages();

// Containers whose monitor double-forks (conmon, the shims) and berth's detached helpers are
// reparented to the nearest subreaper; this machine's PID 1 reaps orphans late or not at all, so the
// benchmark runs under `tini -s` (as scripts/test.ts does), which reaps them as they exit.
const TINI = ['/usr/bin/tini', '/bin/tini'].find((p) => existsSync(p));
const REAPED = TINI !== undefined && process.env['BERTH_BENCH_REAPED'] === '1';
if (TINI && !REAPED) {
  const r = spawnSync(TINI, ['-s', '--', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, BERTH_BENCH_REAPED: '1' } });
  process.exit(r.status ?? 1);
}

// ---------------------------------------------------------------------------------------------
// The engines

interface Engine {
  name: string;
  cmd: string[]; // argv prefix that every command of this engine starts with
  runFlags: string[]; // flags added to every `run`
  env: NodeJS.ProcessEnv;
  monitor: string;
  notes: string[];
  versions: string[];
  unavailable?: string;
  // filled by the measurements
  runMs: number[];
  startTotals: number[];
  startEach: number[];
  rmTotals: number[];
  pss: number[];
  rss: number[];
  pssParts: { anon: number[]; file: number[]; shmem: number[] };
  rmFlags: string[]; // flags added to `rm -f`
  untilGone: number[]; // berth: the run's wall time plus the wait until its container is gone
  monitorComm: string;
  daemonPss: number[]; // docker: dockerd + containerd, KiB, once per batch
  leftAfterRunRm: number;
  ids: Set<string>; // detached containers alive now, removed at the end if the benchmark fails
}

function engine(name: string, monitor: string, cmd: string[], env: NodeJS.ProcessEnv): Engine {
  return { name, monitor, cmd, env, runFlags: [], notes: [], versions: [], runMs: [], startTotals: [], startEach: [], rmTotals: [], pss: [], rss: [], pssParts: { anon: [], file: [], shmem: [] }, rmFlags: [], untilGone: [], monitorComm: '', daemonPss: [], leftAfterRunRm: 0, ids: new Set() };
}

const W = mkdtempSync(join(process.env['BENCH_DIR'] ?? '/var/tmp', 'berth-engine-'));
const TAG = W.slice(-6); // names this run's cgroup parents, so that removing them touches nothing else
// berth's runroot is short and outside $W: berth binds each container's attach socket at
// <runroot>/containers/<64 hex>/attach.sock and fails (ENAMETOOLONG) when that exceeds the 107
// bytes of sun_path, as it does under $W (/run/berth, its default, fits)
const BERTH_RUNROOT = mkdtempSync('/run/bb-');
const cgroupParents: string[] = [];
let dockerd: ChildProcess | undefined;
let nsFile: string | undefined;
const createdPaths: string[] = [];

// Paths the peers write outside the directories they are given, whatever the flags: removed at the
// end when this run made them.
const SIDE_PATHS = ['/etc/docker/key.json', '/run/docker', '/run/containerd', '/var/lib/containers/cache'];
const preexisting = new Set(SIDE_PATHS.filter((p) => existsSync(p)));

function hardLimit(name: string): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(name));
  const v = line?.slice(26).trim().split(/\s+/)[1];
  return v === undefined || v === 'unlimited' ? Infinity : Number(v);
}

function hybridCgroup2Mounts(): string[] {
  const ms = mounts();
  const v1 = ms.some((m) => m.fstype === 'cgroup');
  return v1 ? ms.filter((m) => m.fstype === 'cgroup2').map((m) => m.point) : [];
}

function setupBerth(): Engine {
  const e = engine('berth', 'berth-helper', [BERTH, '--root', join(W, 'berth', 'root'), '--runroot', BERTH_RUNROOT], process.env);
  const sha = spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout?.trim();
  e.versions.push(`${firstLine(must([BERTH, '--version'], 'berth --version'))} (${sha || 'no git'}), node ${firstLine(must([join(REPO, 'node_modules', '.bin', 'node'), '--version'], 'node --version'))}`);
  e.notes.push(`as it comes: --root $W/berth/root --runroot ${BERTH_RUNROOT} (short: a runroot under $W makes the attach socket's path too long for berth); the helper stays as each container's monitor`);
  return e;
}

function podmanEngine(runtime: 'crun' | 'runc', archive: string): Engine {
  const dir = join(W, `podman-${runtime}`);
  for (const d of ['root', 'runroot', 'tmp', 'net']) mkdirSync(join(dir, d), { recursive: true });
  // its own, empty, configuration files: whatever /etc/containers holds on this machine (another
  // session's settings, the legacy libpod.conf) does not change what is measured
  writeFileSync(join(dir, 'containers.conf'), '');
  writeFileSync(join(dir, 'storage.conf'), `[storage]\ndriver = "overlay"\nrunroot = "${join(dir, 'runroot')}"\ngraphroot = "${join(dir, 'root')}"\n`);
  const env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf'), CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf') };
  const podman = ['podman', '--root', join(dir, 'root'), '--runroot', join(dir, 'runroot'), '--tmpdir', join(dir, 'tmp'), '--network-config-dir', join(dir, 'net'), '--runtime', runtime, '--cgroup-manager', 'cgroupfs', '--storage-driver', 'overlay', '--events-backend', 'file'];
  const e = engine(`podman+${runtime}`, 'conmon', podman, env);
  e.versions.push(firstLine(must(['podman', '--version'], 'podman --version')), firstLine(must([runtime, '--version'], `${runtime} --version`)), firstLine(must(['conmon', '--version'], 'conmon --version')));
  e.notes.push(`podman ${podman.slice(1).join(' ').replaceAll(W, '$W')}`);
  const hybrid = hybridCgroup2Mounts();
  if (runtime === 'crun' && hybrid.length) {
    // crun 1.8 refuses hybrid hosts ("cgroups in hybrid mode not supported, drop all controllers
    // from cgroupv2"), also with --cgroups disabled. In a mount namespace of its own without the
    // cgroup2 mount, this host looks like a v1 host to crun (and podman). The namespace is kept
    // (bind-mounted on a file) so that all of podman+crun's commands, and the conmons and their
    // exit commands, see the same overlay mounts. Each command enters it with nsenter.
    const ns = join(W, 'ns');
    mkdirSync(ns);
    must(['mount', '--bind', ns, ns], 'bind-mounting the namespace directory');
    must(['mount', '--make-private', ns], 'making the namespace directory private');
    nsFile = join(ns, 'mnt');
    writeFileSync(nsFile, '');
    must(['unshare', `--mount=${nsFile}`, '--propagation', 'private', 'umount', ...hybrid], 'making a mount namespace without the cgroup2 mount');
    e.cmd = ['nsenter', `--mount=${nsFile}`, ...podman];
    e.notes.push(`crun 1.8 refuses this hybrid host: podman+crun runs in a mount namespace without ${hybrid.join(', ')} (nsenter --mount=...: ~2 ms per command here, counted in its times); its containers get the v1 controllers only, no cgroup2 membership`);
  }
  // podman as root asks for nofile and nproc 1048576, which this host refuses (no CAP_SYS_RESOURCE
  // in the bounding set, hard nofile below that), and podman lowers its own nproc hard limit to
  // 32768 before it starts anything, so a container of podman's can get no more than that
  const nofile = hardLimit('Max open files');
  const nproc = Math.min(hardLimit('Max processes'), 32768);
  const cgParent = `/berth-bench-${TAG}-podman-${runtime}`;
  cgroupParents.push(cgParent);
  e.runFlags = ['--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', `nproc=${nproc}:${nproc}`, '--cgroup-parent', cgParent];
  // podman's rm -f stops a container first: SIGTERM, then its 10 s stop timeout (busybox sleep as
  // PID 1 ignores SIGTERM), then SIGKILL; docker's and berth's rm -f send SIGKILL at once
  e.rmFlags = ['-t', '0'];
  e.notes.push('rm -f -t 0: podman\'s rm -f would wait the 10 s stop timeout for each container first (SIGTERM is ignored by PID 1 sleep); docker\'s and berth\'s rm -f kill at once');
  e.notes.push(`run ${e.runFlags.join(' ')}: podman's default rlimits (1048576) fail here; the others inherit the caller's (nofile ${nofile}, nproc ${hardLimit('Max processes')})`);
  must([...e.cmd, 'load', '-q', '-i', archive], `podman+${runtime} load`, env);
  return e;
}

async function setupDocker(archive: string): Promise<Engine> {
  const dir = join(W, 'docker');
  for (const d of ['data', 'exec', 'cli']) mkdirSync(join(dir, d), { recursive: true });
  const sock = join(dir, 'docker.sock');
  // its own daemon.json (empty) rather than whatever /etc/docker/daemon.json says
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  const cgParent = `/berth-bench-${TAG}-docker`;
  cgroupParents.push(cgParent);
  const args = [
    '--config-file', join(dir, 'daemon.json'),
    '-H', `unix://${sock}`,
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'dockerd.pid'),
    '--bridge=none', '--iptables=false', '--ip6tables=false', '--ip-masq=false', '--userland-proxy=false',
    '--storage-driver', 'overlay2',
    '--exec-opt', 'native.cgroupdriver=cgroupfs',
    '--cgroup-parent', cgParent,
  ];
  const daemonLog = join(dir, 'dockerd.log');
  const fd = openSync(daemonLog, 'a');
  dockerd = spawn('dockerd', args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  // the CLI keeps its config (and anything it would write) in the benchmark's directory
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: join(dir, 'cli') };
  delete env['DOCKER_HOST'];
  delete env['DOCKER_CONTEXT'];
  const e = engine('docker', 'containerd-shim-runc-v2', ['/usr/bin/docker', '-H', `unix://${sock}`], env);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = timed([...e.cmd, 'version', '--format', '{{.Server.Version}}'], env);
    if (r.status === 0) break;
    if (dockerd.exitCode !== null || Date.now() > deadline) {
      throw new Error(`dockerd did not come up: ${readFileSync(daemonLog, 'utf8').trim().split('\n').slice(-5).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const v = must([...e.cmd, 'version', '--format', 'docker {{.Server.Version}}, API {{.Server.APIVersion}}{{range .Server.Components}}; {{.Name}} {{.Version}}{{end}}'], 'docker version', env);
  e.versions.push(firstLine(v));
  e.notes.push(`dockerd ${args.join(' ').replaceAll(W, '$W')} (its own containerd, started by dockerd under $W/docker/exec)`);
  e.notes.push(`CLI /usr/bin/docker (Debian's, not the /usr/local/bin one) with DOCKER_CONFIG in $W`);
  must([...e.cmd, 'load', '-q', '-i', archive], 'docker load', env);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Measurements

const RUN_RM = ['run', '--rm', '--network', 'none'];
const runRm = (e: Engine): string[] => [...e.cmd, ...RUN_RM, ...e.runFlags, 'busybox', 'true'];
const runDetached = (e: Engine): string[] => [...e.cmd, 'run', '-d', '--network', 'none', ...e.runFlags, 'busybox', 'sleep', '1000'];

function berthContainers(e: Engine): number {
  const d = join(W, 'berth', 'root', 'containers');
  return existsSync(d) ? readdirSync(d).length : 0;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function runOnce(e: Engine, measured = true): number {
  const r = timed(runRm(e), e.env);
  if (r.status !== 0) throw new Error(`${e.name}: run --rm failed (${r.status}): ${lastLine(r.err)}`);
  // docker and podman return from `run --rm` once the container is removed. berth's `run` returns
  // once the exit is recorded, while the monitor's exit command may still be removing the
  // container: counted, and waited for (polling each millisecond), so that its removal does not
  // overlap the next engine's run and the time until it is gone can be shown beside the command's
  if (e.name === 'berth') {
    const start = process.hrtime.bigint();
    if (measured && berthContainers(e) > 0) e.leftAfterRunRm++;
    while (berthContainers(e) > 0 && Number(process.hrtime.bigint() - start) < 30e9) Atomics.wait(pause, 0, 0, 1);
    if (measured) e.untilGone.push(r.ms + Number(process.hrtime.bigint() - start) / 1e6);
  }
  return r.ms;
}

function inspectPids(e: Engine, ids: string[]): number[] {
  const out = must([...e.cmd, 'inspect', ...ids], `${e.name} inspect`, e.env);
  const list = JSON.parse(out) as { State?: { Pid?: number } }[];
  return list.map((c) => c.State?.Pid ?? 0);
}

function batch(e: Engine): void {
  const ids: string[] = [];
  let total = 0;
  for (let i = 0; i < CONTAINERS; i++) {
    const r = timed(runDetached(e), e.env);
    if (r.status !== 0) throw new Error(`${e.name}: run -d failed (${r.status}): ${lastLine(r.err)}`);
    const id = lastLine(r.out);
    ids.push(id);
    e.ids.add(id);
    e.startEach.push(r.ms);
    total += r.ms;
  }
  e.startTotals.push(total);
  // every monitor measured while all N containers (and so all N monitors) are running
  const pids = inspectPids(e, ids);
  for (const pid of pids) {
    const init = pid > 0 ? readProc(pid) : undefined;
    const mon = init ? readProc(init.ppid) : undefined;
    if (!mon) throw new Error(`${e.name}: no monitor found for init ${pid}`);
    e.monitorComm = mon.comm;
    const m = smapsRollup(mon.pid);
    e.pss.push(m.pss);
    e.rss.push(m.rss);
    e.pssParts.anon.push(m.anon);
    e.pssParts.file.push(m.file);
    e.pssParts.shmem.push(m.shmem);
  }
  if (e.name === 'docker' && dockerd?.pid) {
    // the daemons a docker container also needs; reported beside the shim, not added to it
    const daemons = processes().filter((p) => p.pid === dockerd!.pid || (p.ppid === dockerd!.pid && p.comm === 'containerd'));
    e.daemonPss.push(daemons.reduce((n, p) => n + smapsRollup(p.pid).pss, 0));
  }
  sync();
  const r = timed([...e.cmd, 'rm', '-f', ...e.rmFlags, ...ids], e.env);
  if (r.status !== 0) throw new Error(`${e.name}: rm -f failed (${r.status}): ${lastLine(r.err)}`);
  e.rmTotals.push(r.ms);
  for (const id of ids) e.ids.delete(id);
}

const sync = (): void => void spawnSync('sync');

// ---------------------------------------------------------------------------------------------
// berth's own trace

interface Trace {
  milestones: Map<string, number[]>;
  walls: number[];
  last: number[];
  helper: Map<string, number[]>;
  helperStage: Map<string, number[]>;
  versionMs: number[];
}

function protocolNames(prefix: 'OP_' | 'STAGE_'): Map<number, string> {
  const m = new Map<number, string>();
  const h = readFileSync(join(REPO, 'native', 'protocol.h'), 'utf8');
  for (const x of h.matchAll(new RegExp(`\\b${prefix}([A-Z0-9_]+)\\s*=\\s*(\\d+)`, 'g'))) m.set(Number(x[2]), x[1]!.toLowerCase());
  return m;
}

function traceBerth(e: Engine): Trace {
  const t: Trace = { milestones: new Map(), walls: [], last: [], helper: new Map(), helperStage: new Map(), versionMs: [] };
  const env = { ...process.env, BERTH_TRACE: '1' };
  const ops = protocolNames('OP_');
  const stages = protocolNames('STAGE_');
  for (let i = 0; i < TRACE_RUNS; i++) {
    t.versionMs.push(timed([BERTH, '--version']).ms);
    sync();
    const r = timed(runRm(e), env);
    if (r.status !== 0) throw new Error(`traced run failed: ${lastLine(r.err)}`);
    t.walls.push(r.ms);
    let lastMs = 0;
    for (const m of r.err.matchAll(/^trace ([\d.]+) ms (.+)$/gm)) {
      const ms = Number(m[1]);
      lastMs = Math.max(lastMs, ms);
      const list = t.milestones.get(m[2]!) ?? [];
      list.push(ms);
      t.milestones.set(m[2]!, list);
    }
    t.last.push(lastMs);
    // The helper writes its step times to its stderr, which the engine sends to the monitor's log
    // in the run directory; a --rm container takes that directory with it, so these come from a
    // detached container, read before it is removed.
    const d = timed(runDetached(e), env);
    if (d.status !== 0) throw new Error(`traced run -d failed: ${lastLine(d.err)}`);
    const id = lastLine(d.out);
    const monitorLog = join(BERTH_RUNROOT, 'containers', id, 'monitor.log');
    const text = existsSync(monitorLog) ? readFileSync(monitorLog, 'utf8') : '';
    const perStage = new Map<string, number>();
    for (const m of text.matchAll(/^helper trace: stage (\d+) step (\d+) op (\d+): ([\d.]+) ms$/gm)) {
      const stage = stages.get(Number(m[1])) ?? `stage ${m[1]}`;
      const key = `${stage} #${m[2]} ${ops.get(Number(m[3])) ?? `op ${m[3]}`}`;
      const list = t.helper.get(key) ?? [];
      list.push(Number(m[4]));
      t.helper.set(key, list);
      perStage.set(stage, (perStage.get(stage) ?? 0) + Number(m[4]));
    }
    for (const [s, ms] of perStage) t.helperStage.set(s, [...(t.helperStage.get(s) ?? []), ms]);
    must([...e.cmd, 'rm', '-f', id], 'berth rm -f');
  }
  return t;
}

function printTrace(t: Trace): void {
  log('');
  log(`where berth's time goes: BERTH_TRACE=1, medians of ${TRACE_RUNS} runs of \`run --rm --network none busybox true\``);
  log(`  ${'ms since start'.padStart(15)} ${'step'.padStart(7)}  milestone (Node side)`);
  let prev = 0;
  const rows = [...t.milestones].map(([label, ms]) => ({ label, ms: median(ms), n: ms.length })).sort((a, b) => a.ms - b.ms);
  for (const r of rows) {
    // two Node processes trace here (`run`, and from "bundle loaded" on again the monitor's exit
    // command `container cleanup`, whose stderr is not ours): only labels seen in every run count
    log(`  ${r.ms.toFixed(1).padStart(15)} ${(r.ms - prev).toFixed(1).padStart(7)}  ${r.label}${r.n !== TRACE_RUNS ? ` (in ${r.n} of ${TRACE_RUNS} runs)` : ''}`);
    prev = r.ms;
  }
  const wall = median(t.walls);
  log(`  ${wall.toFixed(1).padStart(15)} ${(wall - median(t.last)).toFixed(1).padStart(7)}  process gone (wall time seen by the caller; after the last milestone, \`run\` (which claimed the cleanup from the monitor) checks that the container is gone, and Node exits)`);
  log(`  \`berth --version\` (Node start-up + loading the bundle, no engine work): ${median(t.versionMs).toFixed(1)} ms`);
  log('  the helper (C), per stage, from a detached container\'s monitor log:');
  for (const [s, ms] of t.helperStage) log(`    ${s.padEnd(14)} ${median(ms).toFixed(2).padStart(7)} ms`);
  const top = [...t.helper].map(([k, v]) => ({ k, ms: median(v) })).sort((a, b) => b.ms - a.ms).slice(0, 8);
  log(`  its slowest steps (stage #step op: median ms): ${top.map((x) => `${x.k} ${x.ms.toFixed(2)}`).join('; ')}`);
}

// ---------------------------------------------------------------------------------------------
// Cleanup: nothing of the peers or of berth is left behind

const leftovers: string[] = [];

async function stopDockerd(): Promise<void> {
  if (!dockerd || dockerd.exitCode !== null || dockerd.signalCode !== null) return;
  const exited = new Promise<void>((r) => dockerd!.once('exit', () => r()));
  dockerd.kill('SIGTERM');
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), 30_000));
  if ((await Promise.race([exited.then(() => true), timeout])) === false) {
    leftovers.push('dockerd did not stop within 30 s of SIGTERM: killed');
    dockerd.kill('SIGKILL');
    await exited;
  }
}

function rmdirTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const n of readdirSync(dir, { withFileTypes: true })) if (n.isDirectory()) rmdirTree(join(dir, n.name));
  try {
    rmdirSync(dir);
  } catch (err) {
    leftovers.push(`cgroup ${dir}: ${(err as Error).message}`);
  }
}

// rmdir of the directories (and files) this run created outside $W, if empty / ours
function removeCreated(path: string): void {
  if (preexisting.has(path) || !existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    rmSync(path, { recursive: true, force: true });
  } else unlinkSync(path);
  createdPaths.push(path);
}

async function cleanup(engines: Engine[]): Promise<void> {
  for (const e of engines) {
    if (e.unavailable) continue;
    // containers a failed batch left running, then anything the engine still lists
    if (e.ids.size) timed([...e.cmd, 'rm', '-f', ...e.rmFlags, ...e.ids], e.env);
    const listed = timed([...e.cmd, 'ps', '-aq'], e.env);
    const rest = listed.out.split('\n').filter(Boolean);
    if (rest.length) {
      leftovers.push(`${e.name}: ${rest.length} containers still listed at the end (removed)`);
      timed([...e.cmd, 'rm', '-f', ...e.rmFlags, ...rest], e.env);
    }
  }
  await stopDockerd();
  // Anything we started that is still alive: the orphans of our containers are tini's children now
  const tini = process.ppid;
  const self = process.pid;
  for (let round = 0; round < 20; round++) {
    const alive = processes().filter((p) => p.pid !== self && ((REAPED && p.ppid === tini) || p.cmdline.includes(W) || p.cmdline.includes(BERTH_RUNROOT)) && p.pid !== tini && p.pid !== 1);
    if (!alive.length) break;
    if (round === 10) {
      for (const p of alive) {
        leftovers.push(`process ${p.pid} (${p.comm}: ${p.cmdline.replaceAll(W, '$W').slice(0, 120)}) still running at the end: killed`);
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (nsFile) {
    spawnSync('umount', [nsFile]);
    spawnSync('umount', [dirname(nsFile)]);
  }
  // mounts under $W, deepest first (podman's overlay storage binds its own directory, and any
  // container rootfs a failure left mounted)
  const ours = mounts()
    .filter((m) => [W, BERTH_RUNROOT].some((d) => m.point === d || m.point.startsWith(`${d}/`)))
    .map((m) => m.point)
    .sort((a, b) => b.length - a.length);
  for (const m of ours) {
    if (!m.endsWith('/overlay') && !m.endsWith('/overlay2')) leftovers.push(`mount ${m.replaceAll(W, '$W')} at the end (unmounted)`);
    spawnSync('umount', ['-l', m]);
  }
  // cgroup parents we named, in every hierarchy
  for (const m of mounts().filter((x) => x.fstype === 'cgroup' || x.fstype === 'cgroup2')) {
    for (const p of cgroupParents) rmdirTree(join(m.point, p));
  }
  rmSync(W, { recursive: true, force: true });
  rmSync(BERTH_RUNROOT, { recursive: true, force: true });
  for (const p of SIDE_PATHS) removeCreated(p);
}

// ---------------------------------------------------------------------------------------------
// Main

const loads: string[] = [];
const nodeMs: number[] = [];
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function printTable(engines: Engine[]): void {
  const usable = engines.filter((e) => !e.unavailable);
  const berth = usable.find((e) => e.name === 'berth');
  const peers = usable.filter((e) => e.name !== 'berth');
  const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');
  log('');
  log(`berth against podman and docker, ${new Date().toISOString()}, Linux ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}, ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, load average ${loads.join(' at the start, ')} at the end`);
  for (const e of engines) log(`  ${e.name.padEnd(12)} ${e.versions.join('; ')}`);
  for (const e of engines.filter((x) => x.unavailable)) log(`  ${e.name} cannot run on this host and is left out: ${e.unavailable}`);
  log('');
  log(`1. \`run --rm --network none busybox true\`: ${RUNS} runs each, engines alternating, sync before each run`);
  log(`   ${'engine'.padEnd(12)} ${'median'.padStart(9)} ${'p10'.padStart(9)} ${'p90'.padStart(9)}   berth ÷ engine`);
  for (const e of usable) {
    const ratio = berth && e !== berth ? `${(median(berth.runMs) / median(e.runMs)).toFixed(2)}` : '';
    log(`   ${e.name.padEnd(12)} ${f1(median(e.runMs)).padStart(7)}ms ${f1(pct(e.runMs, 10)).padStart(7)}ms ${f1(pct(e.runMs, 90)).padStart(7)}ms   ${ratio}`);
  }
  if (nodeMs.length) {
    const thirds = peers.filter((p) => p.name.startsWith('podman')).map((p) => `${((median(nodeMs) / (median(p.runMs) / 3)) * 100).toFixed(0)}% of a third of ${p.name}'s`);
    log(`   ${'node -e 0'.padEnd(12)} ${f1(median(nodeMs)).padStart(7)}ms ${f1(pct(nodeMs, 10)).padStart(7)}ms ${f1(pct(nodeMs, 90)).padStart(7)}ms   (Node's own start and exit, the floor of every berth command${thirds.length ? `: ${thirds.join(', ')}` : ''})`);
  }
  if (berth?.leftAfterRunRm) {
    const g = berth.untilGone;
    log(`   ${'berth, until its container is gone'.padEnd(12)}: ${f1(median(g))} ms median, p10 ${f1(pct(g, 10))}, p90 ${f1(pct(g, 90))}; ÷ ${peers.map((p) => `${p.name} ${(median(g) / median(p.runMs)).toFixed(2)}`).join(', ')}`);
    log(`   (berth's \`run --rm\` returned before its container was removed in ${berth.leftAfterRunRm} of ${berth.untilGone.length} runs)`);
  }
  log('');
  log(`2. ${CONTAINERS} detached containers (\`run -d --network none busybox sleep 1000\`), ${BATCHES} batches per engine, engine order rotating; medians over batches, PSS median over all monitors`);
  log(`   ${'engine'.padEnd(12)} ${'start ×' + CONTAINERS}  ${'per run -d'.padStart(10)}  ${'monitor'.padEnd(24)} ${'PSS'.padStart(8)} ${'RSS'.padStart(8)}  ${'rm -f ×' + CONTAINERS}`);
  for (const e of usable) {
    log(
      `   ${e.name.padEnd(12)} ${(f1(median(e.startTotals) / 1000) + ' s').padStart(9)}  ${(f1(median(e.startEach)) + ' ms').padStart(10)}  ${`${e.monitor} (${e.monitorComm})`.padEnd(24)} ${(median(e.pss).toFixed(0) + ' KiB').padStart(8)} ${(median(e.rss).toFixed(0) + ' KiB').padStart(8)}  ${(f1(median(e.rmTotals) / 1000) + ' s').padStart(8)}`,
    );
  }
  if (berth && peers.length) {
    log('   berth ÷ engine:');
    for (const p of peers) {
      log(
        `   ${p.name.padEnd(12)} start ${(median(berth.startTotals) / median(p.startTotals)).toFixed(2)}, monitor PSS ${(median(berth.pss) / median(p.pss)).toFixed(2)}, rm -f ${(median(berth.rmTotals) / median(p.rmTotals)).toFixed(2)}`,
      );
    }
  }
  for (const e of usable) {
    const p = e.pssParts;
    log(`   ${e.name}: monitor PSS = anonymous ${median(p.anon).toFixed(0)} + file ${median(p.file).toFixed(0)} + shmem ${median(p.shmem).toFixed(0)} KiB (medians)`);
  }
  for (const e of usable.filter((x) => x.daemonPss.length)) {
    const d = median(e.daemonPss);
    log(`   ${e.name}: beside the shims, dockerd + containerd with ${CONTAINERS} containers: PSS ${(d / 1024).toFixed(1)} MiB (${(d / CONTAINERS).toFixed(0)} KiB per container)`);
  }
  log('');
  log('targets (issue 6):');
  const podmans = usable.filter((e) => e.name.startsWith('podman'));
  if (berth) {
    for (const p of podmans) {
      const r = median(berth.runMs) / median(p.runMs);
      log(`  run --rm at most a third of ${p.name}'s: ${f1(median(berth.runMs))} ms vs ${f1(median(p.runMs))} ms = ${r.toFixed(2)}× -> ${r <= 1 / 3 ? 'met' : `NOT met (would need ≤ ${f1(median(p.runMs) / 3)} ms)`}`);
      const m = median(berth.pss) / median(p.pss);
      log(`  monitor PSS no more than conmon's (${p.name}): ${median(berth.pss).toFixed(0)} KiB vs ${median(p.pss).toFixed(0)} KiB -> ${m <= 1 ? 'met' : 'NOT met'}`);
    }
    if (!podmans.length) log('  podman could not run here: no target can be checked');
  }
  log('');
  log('configuration ($W is the temporary directory):');
  for (const e of engines) for (const n of e.notes) log(`  ${e.name}: ${n}`);
}

async function main(): Promise<void> {
  const engines: Engine[] = [];
  let failure: unknown;
  process.on('SIGINT', () => {
    // finish the command under way, clean up, then stop
    failure ??= new Error('interrupted');
  });
  try {
    log(`working in ${W}`);
    loads.push(loadavg());
    // the image: berth's seed, saved as a docker-archive that podman and docker load as it is
    const berthRoot = join(W, 'berth', 'root');
    must([process.execPath, join(REPO, 'scripts', 'seed-busybox-image.ts'), '--root', berthRoot], 'seeding busybox into berth');
    const archive = join(W, 'busybox.tar');
    must([BERTH, '--root', berthRoot, 'save', '-o', archive, 'busybox'], 'berth save');
    const setups: [string, () => Engine | Promise<Engine>][] = [
      ['berth', setupBerth],
      ['podman+crun', () => podmanEngine('crun', archive)],
      ['podman+runc', () => podmanEngine('runc', archive)],
      ['docker', () => setupDocker(archive)],
    ];
    for (const [name, setup] of setups) {
      try {
        engines.push(await setup());
      } catch (err) {
        const e = engine(name, '', [], process.env);
        e.unavailable = firstLine((err as Error).message) + (lastLine((err as Error).message) !== firstLine((err as Error).message) ? `: ${lastLine((err as Error).message)}` : '');
        engines.push(e);
      }
    }
    // a first run each: page cache, V8's compile cache, the daemons' first-use work; an engine
    // that cannot run a container here is reported with its error and left out
    for (const e of engines.filter((x) => !x.unavailable)) {
      try {
        for (let w = 0; w < 3; w++) runOnce(e, false);
      } catch (err) {
        e.unavailable = (err as Error).message;
      }
    }
    const usable = engines.filter((e) => !e.unavailable);
    log(`measuring run --rm: ${usable.map((e) => e.name).join(', ')}`);
    for (let i = 0; i < RUNS && !failure; i++) {
      for (let j = 0; j < usable.length; j++) {
        const e = usable[(i + j) % usable.length]!; // rotate who goes first: no engine always follows the same one
        sync();
        e.runMs.push(runOnce(e));
      }
      // the floor under any berth command, in the same rotation: Node's own start and exit
      nodeMs.push(timed([process.execPath, '-e', '0']).ms);
    }
    for (let b = 0; b < BATCHES && !failure; b++) {
      for (let j = 0; j < usable.length && !failure; j++) {
        const e = usable[(b + j) % usable.length]!;
        log(`batch ${b + 1}/${BATCHES}: ${CONTAINERS} detached containers with ${e.name}`);
        batch(e);
      }
    }
    const berth = usable.find((e) => e.name === 'berth');
    const trace = berth && !failure ? traceBerth(berth) : undefined;
    if (failure) throw failure;
    loads.push(loadavg());
    printTable(engines);
    if (trace) printTrace(trace);
  } catch (err) {
    failure ??= err;
  } finally {
    await cleanup(engines);
    log('');
    if (leftovers.length || createdPaths.length) {
      for (const l of leftovers) log(`cleanup: ${l}`);
      if (createdPaths.length) log(`cleanup: removed what the peers made outside $W: ${createdPaths.join(', ')}`);
    } else log('cleanup: nothing was left behind');
  }
  if (failure) throw failure;
}

await main();
