import { mkdirSync } from 'node:fs';
import type { ImageConfig, ImageRunConfig } from '../../oci/image-spec.ts';
import type { ParsedBind } from '../spec/parse-mounts.ts';
import type { VolumeStore } from '../volumes/volume-store.ts';
import { UsageError } from '../../lib/errors.ts';
import type { ContainerConfig, ContainerRecord, HostConfig } from '../container-types.ts';
import { ZERO_TIME } from '../container-types.ts';
import { newContainerId, randomName, shortId } from '../ids.ts';
import { containerDir, logPath, type EnginePaths } from '../paths.ts';
import type { EngineContext } from '../engine-context.ts';
import { join } from 'node:path';
import { ANONYMOUS_VOLUME_LABEL } from '../volumes/anonymous-volume.ts';
import { mergeHealthConfig } from '../health/health-config.ts';
import { hostname } from 'node:os';

// What `berth create` / `run` were asked, before the image fills the gaps.
export interface CreateRequest {
  name?: string;
  image: string;
  imageId: string;
  imageConfig: ImageConfig;
  // chain ids of the image's layers, bottom first
  layers: string[];
  cmd?: string[];
  // set (possibly to []) when --entrypoint was given: it replaces the image's and drops its Cmd
  entrypoint?: string[];
  env: string[];
  workingDir?: string;
  user?: string;
  labels: Record<string, string>;
  tty: boolean;
  openStdin: boolean;
  hostname?: string;
  domainname?: string;
  stopSignal?: string;
  stopTimeout?: number;
  healthcheck?: ImageRunConfig['Healthcheck'];
  hostConfig: HostConfig;
  // -v, --mount and --tmpfs, parsed
  mounts: ParsedBind[];
}

function mergeEnv(image: string[], user: string[]): string[] {
  const out = [...image];
  for (const e of user) {
    const key = e.includes('=') ? e.slice(0, e.indexOf('=')) : e;
    const i = out.findIndex((x) => x.slice(0, x.indexOf('=')) === key);
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

// docker's merge of the image's config with the command line: env overrides by name, labels
// merge, --entrypoint replaces the image's entrypoint and drops its Cmd, a command given after
// the image replaces Cmd. No program at all is an error, as in docker.
export function containerConfig(req: CreateRequest, id: string): { config: ContainerConfig; path: string; args: string[] } {
  const img = req.imageConfig.config ?? {};
  const entrypoint = req.entrypoint !== undefined ? (req.entrypoint.length ? req.entrypoint : null) : (img.Entrypoint ?? null);
  const cmd = req.cmd && req.cmd.length ? req.cmd : req.entrypoint !== undefined ? null : (img.Cmd ?? null);
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0) throw new UsageError('No command specified');
  const hostNet = req.hostConfig.NetworkMode === 'host';
  const config: ContainerConfig = {
    Hostname: req.hostname ?? (hostNet || req.hostConfig.UTSMode === 'host' ? hostname() : shortId(id)),
    Domainname: req.domainname ?? '',
    User: req.user ?? img.User ?? '',
    AttachStdin: req.openStdin,
    AttachStdout: true,
    AttachStderr: true,
    ...(img.ExposedPorts ? { ExposedPorts: img.ExposedPorts } : {}),
    Tty: req.tty,
    OpenStdin: req.openStdin,
    StdinOnce: false,
    Env: mergeEnv(img.Env ?? [], req.env),
    Cmd: cmd,
    ...(req.healthcheck ?? img.Healthcheck ? { Healthcheck: mergeHealthConfig(req.healthcheck, img.Healthcheck)! } : {}),
    Image: req.image,
    Volumes: img.Volumes ?? null,
    WorkingDir: req.workingDir ?? img.WorkingDir ?? '',
    Entrypoint: entrypoint,
    Labels: { ...(img.Labels ?? {}), ...req.labels },
    ...(req.stopSignal ?? img.StopSignal ? { StopSignal: req.stopSignal ?? img.StopSignal! } : {}),
    ...(req.stopTimeout !== undefined ? { StopTimeout: req.stopTimeout } : {}),
  };
  return { config, path: argv[0]!, args: argv.slice(1) };
}

export function newRecord(paths: EnginePaths, req: CreateRequest, id: string, name: string): ContainerRecord {
  const { config, path, args } = containerConfig(req, id);
  const dir = containerDir(paths, id);
  return {
    Id: id,
    Created: new Date().toISOString(),
    Path: path,
    Args: args,
    State: { Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME },
    Image: req.imageId,
    ResolvConfPath: join(dir, 'resolv.conf'),
    HostnamePath: join(dir, 'hostname'),
    HostsPath: join(dir, 'hosts'),
    LogPath: logPath(paths, id),
    Name: `/${name}`,
    RestartCount: 0,
    Driver: 'overlay',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: req.hostConfig,
    GraphDriver: { Name: 'overlay', Data: null },
    Mounts: req.hostConfig.Mounts ?? [],
    Config: config,
    NetworkSettings: { Networks: req.hostConfig.NetworkMode === 'host' ? { host: {} } : req.hostConfig.NetworkMode === 'none' ? { none: {} } : {}, Ports: {} },
    Berth: { layers: req.layers, mounts: [], manuallyStopped: false, anonymousVolumes: [], pidStartTime: 0 },
  };
}

// The container's mounts: the user's, and an anonymous volume for each VOLUME of the image that
// no user mount covers; every anonymous volume gets its name now, so a restart finds it again.
function containerMounts(req: CreateRequest, volumes: VolumeStore): { mounts: ParsedBind[]; anonymous: string[] } {
  const anonymous: string[] = [];
  const mounts = req.mounts.map((m) => {
    if (m.Type !== 'volume' || m.Name) return m;
    const v = volumes.create(undefined, { [ANONYMOUS_VOLUME_LABEL]: '' });
    anonymous.push(v.Name);
    return { ...m, Name: v.Name, Source: v.Name };
  });
  for (const target of Object.keys(req.imageConfig.config?.Volumes ?? {})) {
    if (mounts.some((m) => m.Target === target)) continue;
    const v = volumes.create(undefined, { [ANONYMOUS_VOLUME_LABEL]: '' });
    anonymous.push(v.Name);
    mounts.push({ Type: 'volume', Source: v.Name, Name: v.Name, Target: target, ReadOnly: false, createSource: false });
  }
  return { mounts, anonymous };
}

// Writes the record of a new container, its name claimed under the store lock.
export function createContainer(ctx: EngineContext, req: CreateRequest, volumes: VolumeStore): ContainerRecord {
  const id = newContainerId();
  return ctx.store.withStoreLock(() => {
    let name = req.name;
    if (name !== undefined) {
      ctx.store.checkNameFree(name);
      name = name.replace(/^\//, '');
    } else {
      do name = randomName();
      while (ctx.store.find(name));
    }
    const record = newRecord(ctx.paths, req, id, name);
    const { mounts, anonymous } = containerMounts(req, volumes);
    record.Berth.mounts = mounts;
    record.Berth.anonymousVolumes = anonymous;
    record.Mounts = mounts.map(({ createSource, ...m }) => (void createSource, m));
    mkdirSync(containerDir(ctx.paths, id), { recursive: true, mode: 0o710 });
    ctx.store.put(record);
    return record;
  });
}
