import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MonitorOptions } from '../../runtime/index.ts';
import { openLayerStore, mountRootfs, unmountRootfs } from '../../storage/index.ts';
import { BerthError, ConflictError, ExecError } from '../../lib/errors.ts';
import { parseBytes } from '../../lib/units.ts';
import { secureJoin } from '../../lib/fs/secure-join.ts';
import { mark } from '../../lib/trace.ts';
import { buildSpec } from '../spec/build-spec.ts';
import { resolveUser } from '../spec/user.ts';
import { hostnameFile, hostsFile, resolvConfFile } from '../spec/etc-files.ts';
import type { ContainerRecord } from '../container-types.ts';
import { attachSocket, bundleDir, cgroupsPath, exitFile, logPath, monitorErrorLog, runDir, rwDir } from '../paths.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { VolumeStore } from '../volumes/volume-store.ts';
import { prepareMounts } from './prepare-mounts.ts';
import { allHostDevices, hostDevice } from './host-devices.ts';
import { readMonitorPid, readProcStartTime } from './proc-start-time.ts';
import { monitorHealth } from '../health/monitor-health.ts';
import { resetHealth } from '../health/health-state.ts';

export const DEFAULT_LOG_MAX_SIZE = '10m';
export const DEFAULT_LOG_MAX_FILE = 5;
const TINI = '/usr/bin/tini-static';

export interface StartOptions {
  // runs once the container's process exists and before its program does: attach here, so no
  // output is missed
  beforeStart?: () => Promise<void>;
  // the attached terminal's size, for a container with a tty: its pty has it from the start (a
  // resize sent when attaching could come after the program's first look)
  consoleSize?: { height: number; width: number };
}

function storageRoot(ctx: EngineContext): string {
  return join(ctx.paths.root, 'storage');
}

// The pid of another container for --network/--pid/--ipc container:<name>.
function joinedPid(ctx: EngineContext, mode: string): number | undefined {
  if (!mode.startsWith('container:')) return undefined;
  const other = ctx.store.resolve(mode.slice('container:'.length));
  if (other.State.Status !== 'running' && other.State.Status !== 'paused') {
    throw new ConflictError('E_CONTAINER_NOT_RUNNING', `cannot join container ${other.Name.slice(1)}: it is not running`);
  }
  return other.State.Pid;
}

// Mounts the rootfs, writes config.json, creates the container with the helper as its monitor,
// then releases its program. A failure undoes all of it and is kept in the record (docker's
// State.Error, and 127/126 as exit code for a program that cannot run).
export async function startContainer(ctx: EngineContext, id: string, opts: StartOptions = {}): Promise<ContainerRecord> {
  const record = ctx.store.resolve(id);
  if (record.State.Status === 'running' || record.State.Status === 'paused') return record;
  const driver = await driverFor(ctx, record);
  const rw = rwDir(ctx.paths, record.Id);
  const run = runDir(ctx.paths, record.Id);
  // what a crash may have left: the runtime's state, a mount, an old exit file
  try {
    await driver.delete(record.Id, cgroupsPath(record.Id));
  } catch {
    // nothing there
  }
  mkdirSync(rw, { recursive: true, mode: 0o700 });
  removeRunDir(ctx, record.Id);
  mkdirSync(join(run, 'bundle'), { recursive: true, mode: 0o700 });
  let mounted = false;
  try {
    const store = openLayerStore(storageRoot(ctx));
    const { rootfs } = await mountRootfs({ store, layers: record.Berth.layers, rwDir: rw, volatile: record.HostConfig.AutoRemove });
    mounted = true;
    mark('engine: rootfs mounted');
    const h = record.HostConfig;
    const hostNetwork = h.NetworkMode === 'host';
    writeFileSync(record.HostnamePath, hostnameFile(record.Config.Hostname));
    writeFileSync(record.HostsPath, hostsFile({ hostname: record.Config.Hostname, extraHosts: h.ExtraHosts ?? [], hostNetwork }));
    writeFileSync(record.ResolvConfPath, resolvConfFile({ dns: h.Dns, search: h.DnsSearch, options: h.DnsOptions, hostNetwork }));
    // docker makes a missing working directory (-w, WORKDIR) rather than fail the start; what
    // cannot be made (a file in the way) is left to the helper's chdir to report
    if (record.Config.WorkingDir) {
      try {
        mkdirSync(secureJoin(rootfs, record.Config.WorkingDir), { recursive: true, mode: 0o755 });
      } catch {
        // reported by the chdir
      }
    }
    const mounts = prepareMounts(record.Berth.mounts, new VolumeStore(ctx.paths), rootfs);
    const devices = [...(h.Privileged ? allHostDevices() : []), ...h.Devices.map(hostDevice)];
    const spec = buildSpec({
      record,
      rootfs,
      etcFiles: { hostname: record.HostnamePath, hosts: record.HostsPath, resolvConf: record.ResolvConfPath },
      mounts,
      user: resolveUser(rootfs, record.Config.User, h.GroupAdd ?? []),
      joined: { network: joinedPid(ctx, h.NetworkMode), pid: joinedPid(ctx, h.PidMode), ipc: joinedPid(ctx, h.IpcMode) },
      devices,
      ...(h.Init ? { initPath: TINI } : {}),
      ...(opts.consoleSize && record.Config.Tty ? { consoleSize: opts.consoleSize } : {}),
      cgroupsPath: cgroupsPath(record.Id),
    });
    writeFileSync(join(bundleDir(ctx.paths, record.Id), 'config.json'), JSON.stringify({ ...spec, ociVersion: driver.specVersion }));
    mark('engine: bundle written');
    const cfg = h.LogConfig.Config;
    const health = monitorHealth(ctx, record);
    const monitor: MonitorOptions & { errorLog: string } = {
      logPath: logPath(ctx.paths, record.Id),
      logMaxSize: parseBytes(cfg['max-size'] ?? DEFAULT_LOG_MAX_SIZE, '--log-opt max-size'),
      logMaxFiles: Number(cfg['max-file'] ?? DEFAULT_LOG_MAX_FILE),
      exitFile: exitFile(ctx.paths, record.Id),
      attachSocket: attachSocket(ctx.paths, record.Id),
      exitCommand: [...ctx.berthCommand, '--root', ctx.paths.root, '--runroot', ctx.paths.runroot, 'container', 'cleanup', record.Id],
      stdin: record.Config.OpenStdin,
      errorLog: monitorErrorLog(ctx.paths, record.Id),
      ...(health ? { health } : {}),
      unmountAtExit: rootfs,
    };
    const pid = await driver.create({ id: record.Id, bundle: bundleDir(ctx.paths, record.Id), runDir: run, terminal: record.Config.Tty, monitor });
    mark('engine: container created');
    // the program's parent is its monitor; read while the program waits at the barrier (a short
    // one may be gone as soon as it is released)
    const monitorPid = pid ? readMonitorPid(pid) : 0;
    const monitorStartTime = readProcStartTime(monitorPid);
    try {
      await opts.beforeStart?.();
      await driver.start(record.Id);
    } catch (err) {
      await driver.delete(record.Id, cgroupsPath(record.Id)).catch(() => {});
      throw err;
    }
    mark('engine: container started');
    record.Mounts = mounts;
    record.State = {
      ...record.State,
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: pid,
      ExitCode: 0,
      Error: '',
      StartedAt: new Date().toISOString(),
    };
    resetHealth(record, health !== undefined);
    record.Berth.manuallyStopped = false;
    record.Berth.pidStartTime = readProcStartTime(pid);
    record.Berth.monitorPid = monitorPid;
    record.Berth.monitorStartTime = monitorStartTime;
    record.GraphDriver = { Name: 'overlay', Data: { MergedDir: rootfs, UpperDir: join(rw, 'upper'), WorkDir: join(rw, 'work') } };
    ctx.store.put(record);
    return record;
  } catch (err) {
    if (mounted) await unmountRootfs(rw).catch(() => {});
    removeRunDir(ctx, record.Id);
    const fresh = ctx.store.get(record.Id);
    if (fresh && err instanceof BerthError) {
      fresh.State.Error = err.message;
      if (err instanceof ExecError) fresh.State.ExitCode = err.reason === 'not-found' ? 127 : 126;
      ctx.store.put(fresh);
    }
    throw err;
  }
}

// The container's run directory (attach socket, exit file, bundle). Retried: a monitor that is
// just ending (its container killed by a stop, a cleanup or a repair) writes its exit file here,
// and a file made during the removal fails it with ENOTEMPTY.
export function removeRunDir(ctx: EngineContext, id: string): void {
  rmSync(runDir(ctx.paths, id), { recursive: true, force: true, maxRetries: 10, retryDelay: 10 });
}

export function isMounted(ctx: EngineContext, id: string): boolean {
  return existsSync(join(rwDir(ctx.paths, id), 'mount.json'));
}
