import {
  containerPids,
  containerState,
  createContainer,
  deleteContainer,
  execProcess,
  killContainer,
  oomKillCount,
  pauseContainer,
  resumeContainer,
  startContainer,
  statsEvent,
  updateContainer,
  type RuntimeContext,
} from '../../runtime/index.ts';
import { OCI_VERSION } from '../../oci/runtime-spec.ts';
import type { RuntimeDriver } from './driver.ts';

// berth's own runtime, in-process (no runtime process to start: the default path's speed).
export function berthDriver(rctx: RuntimeContext): RuntimeDriver {
  return {
    name: 'berth',
    specVersion: OCI_VERSION,
    async create(req) {
      await createContainer(rctx, { id: req.id, bundle: req.bundle, monitor: req.monitor });
      return containerState(rctx, req.id).pid ?? 0;
    },
    start: (id) => startContainer(rctx, id),
    async state(id) {
      try {
        const s = containerState(rctx, id);
        return { status: s.status, pid: s.pid ?? 0 };
      } catch {
        return undefined;
      }
    },
    kill: (id, signal, opts) => killContainer(rctx, id, signal, opts ?? {}),
    async delete(id, cgroupsPath) {
      try {
        await deleteContainer(rctx, id, { force: true, cgroupsPath });
      } catch (err) {
        if (!/does not exist/.test((err as Error).message)) throw err;
      }
    },
    pause: (id) => pauseContainer(rctx, id),
    resume: (id) => resumeContainer(rctx, id),
    update: (id, resources) => updateContainer(rctx, id, resources),
    exec: (opts) => execProcess(rctx, opts),
    stats: async (id) => statsEvent(rctx, id),
    oomKillCount: async (id) => oomKillCount(rctx, id),
    pids: async (id) => containerPids(rctx, id),
  };
}
