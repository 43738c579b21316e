import type { ExecOptions, MonitorOptions } from '../../runtime/index.ts';
import type { LinuxResources } from '../../oci/runtime-spec.ts';

// The OCI runtimes a container can name (HostConfig.Runtime). berth's own is the default and runs
// in-process; runc and crun are external programs driven by their command line.
export const RUNTIME_NAMES = ['berth', 'runc', 'crun'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];
export const DEFAULT_RUNTIME: RuntimeName = 'berth';

export interface DriverCreate {
  id: string;
  bundle: string;
  // the container's run directory (runroot/containers/<id>): the pid file and console socket go here
  runDir: string;
  terminal: boolean;
  monitor: MonitorOptions & { errorLog: string };
}

export interface DriverState {
  status: string; // the OCI status: created, running, paused, stopped
  pid: number;
}

// What the engine asks of a runtime, one method per runtime verb. Every engine operation on a
// container goes through the driver its record names, so the two kinds stay interchangeable.
export interface RuntimeDriver {
  readonly name: RuntimeName;
  // the config.json version the runtime accepts (crun 1.8 refuses "1.2.0" as unknown)
  readonly specVersion: string;
  // the container up to start's barrier, with berth's monitor as its parent; returns its pid
  create(req: DriverCreate): Promise<number>;
  start(id: string): Promise<void>;
  // undefined when the runtime has no such container
  state(id: string): Promise<DriverState | undefined>;
  kill(id: string, signal: string, opts?: { all?: boolean }): Promise<void>;
  // force: whatever is left of the container (process, cgroups, state) goes; no error if absent
  delete(id: string, cgroupsPath: string): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  update(id: string, resources: LinuxResources): Promise<void>;
  // the process's exit code (0 once started, for detach)
  exec(opts: ExecOptions): Promise<number>;
  // one event of runc's `events --stats` shape
  stats(id: string, cgroupsPath: string): Promise<string>;
  // read after the exit and before delete
  oomKillCount(id: string, cgroupsPath: string): Promise<number>;
  pids(id: string): Promise<number[]>;
}
