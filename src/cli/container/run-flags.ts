import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../lib/errors.ts';
import { parseBytes, parseDuration } from '../../lib/units.ts';
import type { DeviceMapping, HostConfig, RestartPolicy, Ulimit } from '../../engine/container-types.ts';
import type { HealthConfig } from '../../oci/image-spec.ts';
import { requireRuntimeBinary, runtimeName } from '../../engine/runtime-driver/runtime-binaries.ts';
import { parseBind, parseMountFlag, parseTmpfs, type ParsedBind } from '../../engine/spec/parse-mounts.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

// docker run / create's flags (the ones berth implements); the same for both commands.
export function runFlags(c: Command): Command {
  return c
    .option('-d, --detach', 'run in the background and print the container ID')
    .option('-i, --interactive', 'keep STDIN open even if not attached')
    .option('-t, --tty', 'allocate a pseudo-TTY')
    .option('--rm', 'remove the container when it exits')
    .option('--name <name>', 'assign a name to the container')
    .option('-e, --env <NAME=value>', 'set an environment variable', collect)
    .option('--env-file <file>', 'read environment variables from a file', collect)
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'username or UID, optionally with a group')
    .option('--entrypoint <command>', 'overwrite the image\'s ENTRYPOINT')
    .option('-l, --label <key=value>', 'set metadata on the container', collect)
    .option('-v, --volume <src:dst[:opts]>', 'bind mount a host path or a named volume', collect)
    .option('--mount <spec>', 'attach a filesystem mount (type=bind|volume|tmpfs,...)', collect)
    .option('--tmpfs <dst[:opts]>', 'mount a tmpfs', collect)
    .option('--read-only', 'mount the container\'s root filesystem read-only')
    .option('--init', 'run an init (tini) as PID 1 that forwards signals and reaps processes')
    .option('-h, --hostname <name>', 'container host name')
    .option('--domainname <name>', 'container NIS domain name')
    .option('--add-host <host:ip>', 'add a line to /etc/hosts', collect)
    .option('--dns <ip>', 'set a DNS server', collect)
    .option('--dns-search <domain>', 'set a DNS search domain', collect)
    .option('--dns-option <option>', 'set a DNS option', collect)
    .option('-m, --memory <bytes>', 'memory limit')
    .option('--memory-swap <bytes>', 'memory plus swap limit; -1 for unlimited swap')
    .option('--memory-reservation <bytes>', 'memory soft limit')
    .option('--cpus <number>', 'number of CPUs')
    .option('-c, --cpu-shares <n>', 'CPU shares (relative weight)')
    .option('--cpu-period <us>', 'CPU CFS period')
    .option('--cpu-quota <us>', 'CPU CFS quota')
    .option('--cpuset-cpus <list>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('--cpuset-mems <list>', 'memory nodes in which to allow execution')
    .option('--pids-limit <n>', 'tune the container pids limit (-1 for unlimited)')
    .option('--blkio-weight <n>', 'block IO weight, 10 to 1000')
    .option('--ulimit <name=soft[:hard]>', 'ulimit options', collect)
    .option('--shm-size <bytes>', 'size of /dev/shm')
    .option('--oom-kill-disable', 'disable the OOM killer')
    .option('--oom-score-adj <n>', 'tune the host\'s OOM preferences (-1000 to 1000)')
    .option('--cap-add <cap>', 'add a Linux capability', collect)
    .option('--cap-drop <cap>', 'drop a Linux capability', collect)
    .option('--privileged', 'give extended privileges to this container')
    .option('--security-opt <option>', 'security options', collect)
    .option('--userns <mode>', 'user namespace to use')
    .option('--device <host[:container][:perms]>', 'add a host device to the container', collect)
    .option('--group-add <group>', 'add an additional group to join', collect)
    .option('--sysctl <key=value>', 'sysctl options', collect)
    .option('--restart <policy>', 'restart policy: no, on-failure[:max-retries], always, unless-stopped', 'no')
    .option('--stop-signal <signal>', 'signal to stop the container')
    .option('--stop-timeout <seconds>', 'timeout (in seconds) to stop a container')
    .option('--health-cmd <command>', 'command to run to check health')
    .option('--health-interval <duration>', 'time between running the check')
    .option('--health-timeout <duration>', 'maximum time to allow one check to run')
    .option('--health-retries <n>', 'consecutive failures needed to report unhealthy')
    .option('--health-start-period <duration>', 'start period for the container to initialize before counting retries')
    .option('--detach-keys <keys>', 'override the key sequence for detaching a container (default "ctrl-p,ctrl-q")')
    .option('--health-start-interval <duration>', 'time between running the check during the start period')
    .option('--no-healthcheck', 'disable any container-specified HEALTHCHECK')
    .option('--network, --net <mode>', 'network mode: none, host, container:<name|id>', 'none')
    .option('--pid <mode>', 'PID namespace to use: host, container:<name|id>')
    .option('--ipc <mode>', 'IPC mode to use: private, shareable, host, container:<name|id>')
    .option('--uts <mode>', 'UTS namespace to use: host')
    .option('--log-driver <driver>', 'logging driver for the container (only the default is supported)')
    .option('--log-opt <option>', 'log driver options: max-size, max-file', collect)
    .option('--runtime <runtime>', 'runtime to use for this container')
    .option('-p, --publish <port>', 'publish a container\'s port (needs a bridge network: not yet)', collect)
    .option('--platform <platform>', 'set platform if server is multi-platform capable')
    .option('--pull <policy>', 'pull image before running: always, missing, never', 'missing');
}

function int(v: string, flag: string): number {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`invalid argument "${v}" for "${flag}" flag: expected an integer`);
  return Number(v);
}

function keyValues(list: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`invalid argument "${kv}" for "${flag}" flag: expected key=value`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

// docker's --env-file: NAME=value lines; a bare NAME takes the value from our environment.
function envFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) continue;
    if (line.includes('=')) out.push(line);
    else if (process.env[line.trim()] !== undefined) out.push(`${line.trim()}=${process.env[line.trim()]}`);
  }
  return out;
}

function env(o: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const f of (o['envFile'] as string[] | undefined) ?? []) out.push(...envFile(f));
  for (const e of (o['env'] as string[] | undefined) ?? []) {
    if (e.includes('=')) out.push(e);
    else if (process.env[e] !== undefined) out.push(`${e}=${process.env[e]}`);
  }
  return out;
}

function restartPolicy(v: string, autoRemove: boolean): RestartPolicy {
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(v);
  if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) throw new UsageError(`invalid restart policy "${v}": expected no, always, unless-stopped or on-failure[:max-retries]`);
  if (autoRemove && m[1] !== 'no') throw new UsageError('conflicting options: cannot specify both --restart and --rm');
  return { Name: m[1] as RestartPolicy['Name'], MaximumRetryCount: m[2] ? Number(m[2]) : 0 };
}

function ulimits(list: string[] | undefined): Ulimit[] {
  return (list ?? []).map((u) => {
    const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(u);
    if (!m) throw new UsageError(`invalid argument "${u}" for "--ulimit" flag: expected name=soft[:hard]`);
    const soft = Number(m[2]);
    const hard = m[3] === undefined ? soft : Number(m[3]);
    if (soft > hard && hard !== -1) throw new UsageError(`invalid argument "${u}" for "--ulimit" flag: soft limit is greater than the hard limit`);
    const inf = (n: number): number => (n === -1 ? 2 ** 64 : n);
    return { Name: m[1]!, Soft: inf(soft), Hard: inf(hard) };
  });
}

function devices(list: string[] | undefined): DeviceMapping[] {
  return (list ?? []).map((d) => {
    const parts = d.split(':');
    const host = parts[0]!;
    let ctr = host;
    let perms = 'rwm';
    if (parts.length === 2) {
      if (/^[rwm]+$/.test(parts[1]!)) perms = parts[1]!;
      else ctr = parts[1]!;
    } else if (parts.length === 3) {
      ctr = parts[1]!;
      perms = parts[2]!;
    }
    if (!/^[rwm]+$/.test(perms)) throw new UsageError(`invalid device mode: ${perms}`);
    return { PathOnHost: host, PathInContainer: ctr, CgroupPermissions: perms };
  });
}

function namespaceMode(v: string | undefined, flag: string, allowed: string[]): string {
  if (v === undefined || v === '') return '';
  if (allowed.includes(v) || v.startsWith('container:')) return v;
  throw new UsageError(`invalid argument "${v}" for "${flag}" flag: expected ${allowed.join(', ')} or container:<name|id>`);
}

export function healthcheck(o: Record<string, unknown>): HealthConfig | undefined {
  if (o['healthcheck'] === false) return { Test: ['NONE'] };
  const cmd = o['healthCmd'] as string | undefined;
  const dur = (k: string, flag: string): number | undefined => (o[k] === undefined ? undefined : parseDuration(o[k] as string, flag) * 1e6);
  const hc: HealthConfig = {};
  if (cmd !== undefined) hc.Test = ['CMD-SHELL', cmd];
  const interval = dur('healthInterval', '--health-interval');
  const timeout = dur('healthTimeout', '--health-timeout');
  const start = dur('healthStartPeriod', '--health-start-period');
  const startInterval = dur('healthStartInterval', '--health-start-interval');
  if (interval !== undefined) hc.Interval = interval;
  if (timeout !== undefined) hc.Timeout = timeout;
  if (start !== undefined) hc.StartPeriod = start;
  if (startInterval !== undefined) hc.StartInterval = startInterval;
  if (o['healthRetries'] !== undefined) hc.Retries = int(o['healthRetries'] as string, '--health-retries');
  return Object.keys(hc).length ? hc : undefined;
}

export function hostConfig(o: Record<string, unknown>): HostConfig {
  const s = (k: string): string | undefined => o[k] as string | undefined;
  const l = (k: string): string[] => (o[k] as string[] | undefined) ?? [];
  if (l('publish').length > 0) throw new UsageError('-p/--publish needs a bridge network, which berth does not have yet (use --network host)');
  // commander files "--network, --net <mode>" (two long names) under the second: `net`
  const network = s('net') ?? s('network') ?? 'none';
  if (!['none', 'host', 'default', 'bridge'].includes(network) && !network.startsWith('container:')) {
    throw new UsageError(`invalid argument "${network}" for "--network" flag: berth supports none, host and container:<name|id> (bridge networks are not implemented yet)`);
  }
  if (network === 'bridge' || network === 'default') throw new UsageError('the bridge network is not implemented yet: use --network none, host or container:<name|id>');
  const logDriver = s('logDriver');
  if (logDriver && logDriver !== 'k8s-file' && logDriver !== 'json-file' && logDriver !== 'local') throw new UsageError(`log driver "${logDriver}" is not supported (berth writes its own rotated log)`);
  const logOpts = keyValues(l('logOpt'), '--log-opt');
  for (const k of Object.keys(logOpts)) if (k !== 'max-size' && k !== 'max-file') throw new UsageError(`unknown log opt '${k}' (berth supports max-size and max-file)`);
  if (logOpts['max-size']) parseBytes(logOpts['max-size'], '--log-opt max-size');
  if (logOpts['max-file'] && !/^[1-9]\d*$/.test(logOpts['max-file'])) throw new UsageError(`invalid value "${logOpts['max-file']}" for --log-opt max-file: expected a positive integer`);
  const userns = s('userns');
  if (userns && userns !== 'host') throw new UsageError(`invalid argument "${userns}" for "--userns" flag: only "host" is supported (berth has no user namespace remapping yet)`);
  const runtime = runtimeName(s('runtime'));
  // a runtime that is not installed is refused before anything is made or pulled
  if (runtime !== 'berth') requireRuntimeBinary(runtime);
  const autoRemove = o['rm'] === true;
  const cpus = s('cpus');
  let nanoCpus = 0;
  if (cpus !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(cpus) || Number(cpus) <= 0) throw new UsageError(`invalid argument "${cpus}" for "--cpus" flag: expected a positive number`);
    nanoCpus = Math.round(Number(cpus) * 1e9);
  }
  const oomAdj = s('oomScoreAdj') === undefined ? 0 : int(s('oomScoreAdj')!, '--oom-score-adj');
  if (oomAdj < -1000 || oomAdj > 1000) throw new UsageError(`invalid value ${oomAdj} for --oom-score-adj: it must be between -1000 and 1000`);
  const blkio = s('blkioWeight') === undefined ? 0 : int(s('blkioWeight')!, '--blkio-weight');
  if (blkio !== 0 && (blkio < 10 || blkio > 1000)) throw new UsageError('range of blkio weight is from 10 to 1000');
  const tmpfs: Record<string, string> = {};
  for (const t of l('tmpfs')) {
    const i = t.indexOf(':');
    tmpfs[i < 0 ? t : t.slice(0, i)] = i < 0 ? '' : t.slice(i + 1);
  }
  return {
    Binds: l('volume').length ? l('volume') : null,
    LogConfig: { Type: 'k8s-file', Config: logOpts },
    NetworkMode: network,
    RestartPolicy: restartPolicy(s('restart') ?? 'no', autoRemove),
    AutoRemove: autoRemove,
    CapAdd: l('capAdd').length ? l('capAdd') : null,
    CapDrop: l('capDrop').length ? l('capDrop') : null,
    Dns: l('dns'),
    DnsOptions: l('dnsOption'),
    DnsSearch: l('dnsSearch'),
    ExtraHosts: l('addHost').length ? l('addHost') : null,
    GroupAdd: l('groupAdd').length ? l('groupAdd') : null,
    IpcMode: namespaceMode(s('ipc'), '--ipc', ['private', 'shareable', 'host']) || 'private',
    PidMode: namespaceMode(s('pid'), '--pid', ['host']),
    UTSMode: namespaceMode(s('uts'), '--uts', ['host']),
    UsernsMode: userns ?? '',
    OomScoreAdj: oomAdj,
    Privileged: o['privileged'] === true,
    ReadonlyRootfs: o['readOnly'] === true,
    SecurityOpt: l('securityOpt').length ? l('securityOpt') : null,
    ShmSize: s('shmSize') ? parseBytes(s('shmSize')!, '--shm-size') : 64 * 1024 * 1024,
    Runtime: runtime,
    Init: o['init'] === true ? true : null,
    ...(Object.keys(tmpfs).length ? { Tmpfs: tmpfs } : {}),
    ...(l('mount').length ? { Mounts: l('mount').map((m) => { const { createSource, ...p } = parseMountFlag(m); void createSource; return p; }) } : {}),
    ...(l('sysctl').length ? { Sysctls: keyValues(l('sysctl'), '--sysctl') } : {}),
    CpuShares: s('cpuShares') ? int(s('cpuShares')!, '--cpu-shares') : 0,
    Memory: s('memory') ? parseBytes(s('memory')!, '--memory') : 0,
    NanoCpus: nanoCpus,
    BlkioWeight: blkio,
    CpuPeriod: s('cpuPeriod') ? int(s('cpuPeriod')!, '--cpu-period') : 0,
    CpuQuota: s('cpuQuota') ? int(s('cpuQuota')!, '--cpu-quota') : 0,
    CpusetCpus: s('cpusetCpus') ?? '',
    CpusetMems: s('cpusetMems') ?? '',
    Devices: devices(l('device')),
    MemoryReservation: s('memoryReservation') ? parseBytes(s('memoryReservation')!, '--memory-reservation') : 0,
    MemorySwap: s('memorySwap') ? parseBytes(s('memorySwap')!, '--memory-swap') : 0,
    OomKillDisable: o['oomKillDisable'] === true,
    PidsLimit: s('pidsLimit') === undefined ? null : int(s('pidsLimit')!, '--pids-limit'),
    Ulimits: l('ulimit').length ? ulimits(l('ulimit')) : null,
  };
}

// -v, --mount and --tmpfs parsed, in the order docker applies them.
export function mounts(o: Record<string, unknown>): ParsedBind[] {
  const l = (k: string): string[] => (o[k] as string[] | undefined) ?? [];
  return [...l('volume').map(parseBind), ...l('mount').map(parseMountFlag), ...l('tmpfs').map(parseTmpfs)];
}

export function envList(o: Record<string, unknown>): string[] {
  return env(o);
}

export function labels(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (o['label'] as string[] | undefined) ?? []) {
    const i = kv.indexOf('=');
    out[i < 0 ? kv : kv.slice(0, i)] = i < 0 ? '' : kv.slice(i + 1);
  }
  return out;
}

export function memoryChecks(h: HostConfig): void {
  if (h.Memory > 0 && h.Memory < 6 * 1024 * 1024) {
    // docker's minimum is 6 MiB; berth's runtime needs far less, so berth allows down to 256 KiB
    if (h.Memory < 256 * 1024) throw new UsageError('Minimum memory limit allowed is 256KiB');
  }
  if (h.MemorySwap > 0 && h.Memory > 0 && h.MemorySwap < h.Memory) throw new UsageError('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (h.MemorySwap > 0 && h.Memory === 0) throw new UsageError('You should always set the Memory limit when using Memoryswap limit, see usage');
}
