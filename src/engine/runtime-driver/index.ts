import type { ContainerRecord } from '../container-types.ts';
import { runtimeContext, type EngineContext } from '../engine-context.ts';
import { berthDriver } from './berth-driver.ts';
import { externalRuntimeRoot } from '../paths.ts';
import { runtimeName } from './runtime-binaries.ts';
import type { RuntimeDriver } from './driver.ts';

export type { RuntimeDriver, RuntimeName, DriverState } from './driver.ts';

// The driver of the runtime a container's record names. berth's is in-process and loaded with the
// engine; the external one is loaded only for a container that names runc or crun, so the
// default path pays nothing for it.
export async function driverFor(ctx: EngineContext, record: Pick<ContainerRecord, 'HostConfig'>): Promise<RuntimeDriver> {
  const name = runtimeName(record.HostConfig.Runtime);
  if (name === 'berth') return berthDriver(runtimeContext(ctx));
  const { ociCliDriver } = await import('./oci-cli-driver.ts');
  return ociCliDriver(name, externalRuntimeRoot(ctx.paths, name));
}
