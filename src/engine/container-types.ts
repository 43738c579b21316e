// A container as the engine keeps it: the shape of `docker inspect`, field names verbatim, so
// that `inspect` is a projection and users' templates ({{.HostConfig.Memory}}, {{.State.Pid}})
// read what they read on docker. Only fields berth implements are present; berth's own
// bookkeeping sits under `Berth`, which `inspect` leaves out.
import type { HealthConfig } from '../oci/image-spec.ts';

export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Healthcheck?: HealthConfig;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
}

export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount: number;
}

export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source: string;
  Target: string;
  ReadOnly: boolean;
  // volume name, for Type volume
  Name?: string;
  // tmpfs size in bytes and mode
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  BindOptions?: { Propagation?: string };
}

export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface HostConfig {
  Binds: string[] | null;
  LogConfig: { Type: string; Config: Record<string, string> };
  NetworkMode: string;
  RestartPolicy: RestartPolicy;
  AutoRemove: boolean;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Dns: string[];
  DnsOptions: string[];
  DnsSearch: string[];
  ExtraHosts: string[] | null;
  GroupAdd: string[] | null;
  IpcMode: string;
  PidMode: string;
  UTSMode: string;
  UsernsMode: string;
  OomScoreAdj: number;
  Privileged: boolean;
  ReadonlyRootfs: boolean;
  SecurityOpt: string[] | null;
  ShmSize: number;
  Runtime: string;
  Init: boolean | null;
  Tmpfs?: Record<string, string>;
  Mounts?: MountPoint[];
  Sysctls?: Record<string, string>;
  // resources
  CpuShares: number;
  Memory: number;
  NanoCpus: number;
  BlkioWeight: number;
  CpuPeriod: number;
  CpuQuota: number;
  CpusetCpus: string;
  CpusetMems: string;
  Devices: DeviceMapping[];
  MemoryReservation: number;
  MemorySwap: number;
  OomKillDisable: boolean;
  PidsLimit: number | null;
  Ulimits: Ulimit[] | null;
}

export type ContainerStatusName = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy' | 'none';
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

export interface ContainerState {
  Status: ContainerStatusName;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: HealthState;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface ContainerRecord {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  Image: string; // the image id (sha256:...)
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string; // "/name", as docker writes it
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: { Networks: Record<string, object>; Ports: Record<string, unknown> };
  Berth: BerthBookkeeping;
}

export interface BerthBookkeeping {
  // chain ids of the image's layers, bottom first, for mounting the rootfs
  layers: string[];
  // -v, --mount, --tmpfs and the image's VOLUMEs, parsed at create (anonymous volumes named)
  mounts: (MountPoint & { createSource: boolean })[];
  // the user asked the container to stop (stop/kill/rm): no restart policy applies to this exit
  manuallyStopped: boolean;
  // anonymous volumes made for this container (removed by rm -v)
  anonymousVolumes: string[];
  // the pid's start time, to tell a live container process from a reused pid
  pidStartTime: number;
  // the container's monitor (the process's parent, which becomes the exit command when the
  // program ends) and its start time: while it lives, the exit is its to record
  monitorPid?: number;
  monitorStartTime?: number;
}
