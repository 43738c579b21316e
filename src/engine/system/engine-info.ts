import { existsSync, mkdirSync, readFileSync, statfsSync } from 'node:fs';
import { arch, cpus, hostname, machine, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { hostCgroupLayout } from '../../runtime/index.ts';
import type { EngineContext } from '../engine-context.ts';
import { refreshAll } from '../lifecycle/repair.ts';
import { findRuntimeBinary } from '../runtime-driver/runtime-binaries.ts';
import { DEFAULT_RUNTIME } from '../runtime-driver/driver.ts';

// `docker info`'s data (the Engine API's SystemInfo, field names verbatim, so that templates
// such as {{.ContainersRunning}} or {{.CgroupVersion}} read what they read on docker), with
// berth's own facts: its storage and log drivers, its runtime, the host's cgroups.
export interface EngineInfo {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  DriverStatus: [string, string][];
  Plugins: { Volume: string[]; Network: string[]; Authorization: string[] | null; Log: string[] };
  MemoryLimit: boolean;
  SwapLimit: boolean;
  CpuCfsPeriod: boolean;
  CpuCfsQuota: boolean;
  CPUShares: boolean;
  CPUSet: boolean;
  PidsLimit: boolean;
  OomKillDisable: boolean;
  Debug: boolean;
  SystemTime: string;
  LoggingDriver: string;
  CgroupDriver: string;
  CgroupVersion: string;
  KernelVersion: string;
  OperatingSystem: string;
  OSVersion: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  DockerRootDir: string;
  Name: string;
  Labels: string[];
  ExperimentalBuild: boolean;
  ServerVersion: string;
  Runtimes: Record<string, { path: string }>;
  DefaultRuntime: string;
  Swarm: { LocalNodeState: string };
  LiveRestoreEnabled: boolean;
  InitBinary: string;
  SecurityOptions: string[];
  Warnings: string[];
}

// berth's own, and runc and crun where --runtime can find them (in PATH).
function installedRuntimes(berthPath: string): Record<string, { path: string }> {
  const out: Record<string, { path: string }> = { berth: { path: berthPath } };
  for (const name of ['runc', 'crun']) {
    const path = findRuntimeBinary(name);
    if (path) out[name] = { path };
  }
  return out;
}

// Go's runtime.GOARCH spelling, as docker prints OS/Arch
export function goArch(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

// docker's names for the file system under the store (graphdriver's FsMagic table)
const FS_NAMES: Record<number, string> = {
  0xef53: 'extfs',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x01021994: 'tmpfs',
  0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs',
  0x6969: 'nfs',
  0x65735546: 'fuse',
};

function backingFilesystem(dir: string): string {
  try {
    const t = statfsSync(dir).type;
    return FS_NAMES[t] ?? `0x${t.toString(16)}`;
  } catch {
    return 'unknown';
  }
}

function osRelease(): { pretty: string; version: string } {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const get = (k: string): string => (new RegExp(`^${k}=(.*)$`, 'm').exec(text)?.[1] ?? '').replace(/^"|"$/g, '');
    return { pretty: get('PRETTY_NAME') || 'Linux', version: get('VERSION_ID') };
  } catch {
    return { pretty: 'Linux', version: '' };
  }
}

// The engine's id, made once per root (docker's engine-id).
function engineId(root: string): string {
  const file = join(root, 'engine-id');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const id = process.getBuiltinModule('node:crypto').randomUUID();
    try {
      mkdirSync(root, { recursive: true, mode: 0o711 });
      writeFileAtomic(file, `${id}\n`);
    } catch {
      // a read-only root: the id is not kept
    }
    return id;
  }
}

export async function engineInfo(ctx: EngineContext, o: { version: string; debug: boolean; runtimePath: string; initPath: string }): Promise<EngineInfo> {
  const records = await refreshAll(ctx);
  const running = records.filter((r) => r.State.Status === 'running' || r.State.Status === 'restarting').length;
  const paused = records.filter((r) => r.State.Status === 'paused').length;
  const images = existsSync(join(ctx.paths.root, 'image')) ? (await openImageStore(ctx.paths.root)).list().length : 0;
  const layout = hostCgroupLayout();
  const v2 = layout.mode === 'v2';
  const memory = layout.hierarchies.find((h) => h.version === 1 && h.controllers.includes('memory'));
  const swap = v2 || (memory !== undefined && existsSync(join(memory.mountPoint, 'memory.memsw.limit_in_bytes')));
  const storage = join(ctx.paths.root, 'storage');
  const fs = backingFilesystem(existsSync(storage) ? storage : existsSync(ctx.paths.root) ? ctx.paths.root : '/');
  const os = osRelease();
  const warnings: string[] = [];
  if (!swap) warnings.push('WARNING: No swap limit support');
  const rootless = process.geteuid?.() !== 0;
  return {
    ID: engineId(ctx.paths.root),
    Containers: records.length,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: records.length - running - paused,
    Images: images,
    // the rootfs of each container is an overlay mount of its image's layers, or a copy of
    // them where the store itself sits on overlayfs
    Driver: fs === 'overlayfs' ? 'copy' : 'overlay',
    DriverStatus: [
      ['Backing Filesystem', fs],
      ['Supports d_type', 'true'],
    ],
    Plugins: { Volume: ['local'], Network: ['host', 'none'], Authorization: null, Log: ['k8s-file'] },
    MemoryLimit: true,
    SwapLimit: swap,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: !v2,
    Debug: o.debug,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'k8s-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: v2 ? '2' : '1',
    KernelVersion: release(),
    OperatingSystem: os.pretty,
    OSVersion: os.version,
    OSType: 'linux',
    Architecture: machine(),
    NCPU: cpus().length,
    MemTotal: totalmem(),
    DockerRootDir: ctx.paths.root,
    Name: hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: o.version,
    Runtimes: installedRuntimes(o.runtimePath),
    DefaultRuntime: DEFAULT_RUNTIME,
    Swarm: { LocalNodeState: 'inactive' },
    // no daemon: containers never depend on a berth process staying up
    LiveRestoreEnabled: true,
    InitBinary: o.initPath,
    SecurityOptions: ['name=seccomp,profile=builtin', ...(v2 ? ['name=cgroupns'] : []), ...(rootless ? ['name=rootless'] : [])],
    Warnings: warnings,
  };
}
