// The runtime's façade: one function per verb. runtime-cli/ and the engine use only this file,
// so runc or crun can stand in for it through the same OCI contract.
export type { RuntimeContext } from './lifecycle/context.ts';
export { DEFAULT_ROOT } from './lifecycle/context.ts';
export { createContainer, type CreateOptions } from './lifecycle/create.ts';
export { startContainer } from './lifecycle/start.ts';
export { runContainer, type RunOptions } from './lifecycle/run.ts';
export { killContainer, type KillOptions } from './lifecycle/kill.ts';
export { deleteContainer, type DeleteOptions } from './lifecycle/delete.ts';
export { execProcess, type ExecOptions } from './lifecycle/exec.ts';
export { containerState, listContainers, containerPids, type StateReport } from './lifecycle/query.ts';
export { defaultSpec } from './default-spec.ts';
export { updateContainer } from './lifecycle/update.ts';
export { pauseContainer, resumeContainer } from './lifecycle/pause.ts';
export { statsEvent, statsEventAt, oomKillCount, oomKillCountAt } from './lifecycle/events.ts';
export type { MonitorOptions, MonitorHealth } from './plan/create-plan.ts';
// The same monitor for a container that runc or crun makes: loaded on first use, since re-exports
// here are evaluated with the façade and berth's own containers never need it.
import type { ExternalMonitorInput } from './plan/external-monitor-plan.ts';
export type { ExternalMonitorInput };
export async function monitorExternalRuntime(input: ExternalMonitorInput & { errorLog: string }): Promise<number> {
  return (await import('./lifecycle/external-monitor.ts')).monitorExternalRuntime(input);
}
// docker's defaults and the capability table, for the engine's config.json
export { CAPABILITIES, capabilityNumber } from './capabilities.ts';
export { DOCKER_DEFAULT_CAPS, DOCKER_DEFAULT_MASKED_PATHS, DOCKER_DEFAULT_READONLY_PATHS, dockerDefaultMaskedPaths } from './docker-defaults.ts';
export { resolveDockerDefaultProfile } from './seccomp/docker-default.ts';
// the host's cgroup hierarchies (v1, v2 or hybrid), for `info`
export { hostCgroupLayout, type CgroupLayout } from './cgroups/detect.ts';
