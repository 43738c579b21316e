import { join } from 'node:path';

// Where the engine keeps things. `root` survives reboots (records, logs, writable layers,
// volumes, images); `runroot` is a tmpfs that a reboot empties (runtime state, sockets, exit
// files), and the engine copes with finding it empty.
export interface EnginePaths {
  root: string;
  runroot: string;
}

export const DEFAULT_RUNROOT = '/run/berth';

export const containersDir = (p: EnginePaths): string => join(p.root, 'containers');
export const containerDir = (p: EnginePaths, id: string): string => join(p.root, 'containers', id);
export const recordPath = (p: EnginePaths, id: string): string => join(p.root, 'containers', id, 'container.json');
export const rwDir = (p: EnginePaths, id: string): string => join(p.root, 'containers', id, 'rw');
export const logPath = (p: EnginePaths, id: string): string => join(p.root, 'containers', id, 'container.log');
export const runDir = (p: EnginePaths, id: string): string => join(p.runroot, 'containers', id);
export const bundleDir = (p: EnginePaths, id: string): string => join(p.runroot, 'containers', id, 'bundle');
export const attachSocket = (p: EnginePaths, id: string): string => join(p.runroot, 'containers', id, 'attach.sock');
export const exitFile = (p: EnginePaths, id: string): string => join(p.runroot, 'containers', id, 'exit.json');
export const monitorErrorLog = (p: EnginePaths, id: string): string => join(p.runroot, 'containers', id, 'monitor.log');
export const runtimeRoot = (p: EnginePaths): string => join(p.runroot, 'runtime');
// --runtime runc|crun: their --root, apart from the system's own state (and from each other)
export const externalRuntimeRoot = (p: EnginePaths, name: string): string => join(p.runroot, name);
// where the runtime a record names keeps a container's state
export const runtimeStateDir = (p: EnginePaths, runtime: string, id: string): string => join(runtime === 'runc' || runtime === 'crun' ? externalRuntimeRoot(p, runtime) : runtimeRoot(p), id);
export const locksDir = (p: EnginePaths): string => join(p.runroot, 'locks');
export const volumesDir = (p: EnginePaths): string => join(p.root, 'volumes');

// The container's cgroups, under each hierarchy's root: berth-<id> (also how a cleanup finds them
// when a killed create never wrote the runtime's state).
export const cgroupsPath = (id: string): string => `/berth-${id}`;
