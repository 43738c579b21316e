// The engine's second façade: the container workflow commands (top, stats, pause, update, cp,
// commit, prune, volumes, info, health checks). Only those commands import it, lazily, so that
// `run`, `ps` and the other hot commands do not evaluate these modules at start-up (index.ts's
// re-exports are all evaluated when it is).
export { pauseContainer, unpauseContainer } from './lifecycle/pause.ts';
export { renameContainer } from './lifecycle/rename.ts';
export { updateContainer, type UpdateRequest } from './lifecycle/update.ts';
export { containerTop, type TopResult } from './inspect/container-top.ts';
export { containerPortBindings, type PortBinding } from './inspect/container-ports.ts';
export { sampleContainerStats, cpuPercent, memoryPercent, type StatsSample } from './stats/container-stats.ts';
export { containerChanges } from './fs/container-changes.ts';
export { exportContainer } from './fs/export-container.ts';
export { archiveFromContainer, copyFromContainer, type CopyFromOptions } from './fs/copy-from-container.ts';
export { copyToContainer, extractToContainer, type CopyToOptions } from './fs/copy-to-container.ts';
export { preserveTrailingDotOrSeparator } from './fs/copy-paths.ts';
export { commitContainer, type CommitOptions } from './image-ops/commit-container.ts';
export { pruneContainers, type PruneFilters } from './lifecycle/prune.ts';
export { createVolume, listVolumes, inspectVolume, removeVolume, pruneVolumes, type VolumeCreateRequest, type VolumeListFilters, type VolumeListItem } from './volumes/volume-commands.ts';
export { engineInfo, goArch, type EngineInfo } from './system/engine-info.ts';
export { pruneSystem, type SystemPruneResult } from './system/prune-system.ts';
export { runHealthCheck } from './health/run-health-check.ts';
