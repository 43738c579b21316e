// The engine's façade: what the CLI (and later the Engine API) call.
export { engineContext, runtimeContext, type EngineContext } from './engine-context.ts';
export type { EnginePaths } from './paths.ts';
export * as enginePaths from './paths.ts';
export type { ContainerRecord, HostConfig, ContainerConfig, MountPoint } from './container-types.ts';
export { ContainerStore, NoSuchContainerError } from './store/container-store.ts';
export { createContainer, type CreateRequest } from './lifecycle/create.ts';
export { startContainer } from './lifecycle/start.ts';
export { stopContainer, killContainer, signalContainer, waitForExitRecorded } from './lifecycle/stop.ts';
export { removeContainer, waitForRemoval } from './lifecycle/remove.ts';
export { onContainerExit } from './lifecycle/on-exit.ts';
export { readExitFile } from './lifecycle/cleanup.ts';
export { attachToMonitor, type AttachSession } from './attach-client.ts';
export { readLogEntries, LogFollower, type LogEntry } from './logs-reader.ts';
export { VolumeStore, type VolumeRecord } from './volumes/volume-store.ts';
export { shortId } from './ids.ts';
export { refreshRecord, refreshAll } from './lifecycle/repair.ts';
export { execInContainer, type ExecRequest } from './lifecycle/exec.ts';
