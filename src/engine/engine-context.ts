import type { Logger } from '../lib/log.ts';
import type { RuntimeContext } from '../runtime/index.ts';
import { ContainerStore } from './store/container-store.ts';
import { runtimeRoot, type EnginePaths } from './paths.ts';

export interface EngineContext {
  paths: EnginePaths;
  log: Logger;
  store: ContainerStore;
  // argv that runs this berth again (the monitor's exit command): [launcher] where the launcher's
  // #! line names the project's Node
  berthCommand: string[];
  signal?: AbortSignal;
}

export function engineContext(o: { paths: EnginePaths; log: Logger; berthCommand: string[]; signal?: AbortSignal }): EngineContext {
  return { ...o, store: new ContainerStore(o.paths) };
}

export function runtimeContext(ctx: EngineContext): RuntimeContext {
  return { root: runtimeRoot(ctx.paths), log: ctx.log };
}
