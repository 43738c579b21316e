import { join, resolve } from 'node:path';
import { compileSeccompCached } from '../seccomp/cache.ts';
import { closeSync, openSync } from 'node:fs';
import { userInfo } from 'node:os';
import { OCI_VERSION, type LinuxResources, type State } from '../../oci/runtime-spec.ts';
import { loadBundleConfig } from '../validate/index.ts';
import { resolveBundlePath } from '../bundle-paths.ts';
import { buildCreatePlan, type MonitorOptions } from '../plan/create-plan.ts';
import { hostFacts } from '../plan/host-facts.ts';
import { hostCgroupLayout } from '../cgroups/detect.ts';
import { createCgroupDirs, resolveCgroupDirs } from '../cgroups/placement.ts';
import { createCgroupManager } from '../cgroups/manager.ts';
import { containerDeviceRules } from '../cgroups/container-device-rules.ts';
import { spawnHelper, errorFromHelper, type SpawnedHelper } from '../helper/spawn.ts';
import type { HelperPlan } from '../helper/plan.ts';
import { MsgType } from '../helper/protocol.ts';
import { messageName } from '../helper/channel.ts';
import { claimContainerDir, removeContainerDir, writeRecord, fifoPath, checkContainerId, type ContainerRecord } from '../state/container-record.ts';
import { readProcStat } from '../state/status.ts';
import { runHooks, runHooksWarnOnly } from '../hooks.ts';
import { Rollback } from '../../lib/rollback.ts';
import { mark } from '../../lib/trace.ts';
import { waitGone } from '../../lib/proc/wait-gone.ts';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { BerthError, HookError, InternalError, UsageError } from '../../lib/errors.ts';
import type { RuntimeContext } from './context.ts';
import { runtimeUser } from '../rootless/runtime-user.ts';
import { chooseIdMapWriters, ROOT_WRITERS } from '../rootless/id-map-writers.ts';
import { checkRootlessSpec } from '../rootless/rootless-checks.ts';
import { planRootlessCgroups } from '../rootless/rootless-cgroups.ts';
import { newUserNamespace } from '../userns/id-mappings.ts';
import { adjustDevptsGid } from '../userns/devpts-gid.ts';
import { explainRootfsAccess } from '../userns/explain-access.ts';

export interface CreateOptions {
  id: string;
  // the engine's containers keep the helper as their monitor (logs, attach, exit file)
  monitor?: MonitorOptions & { errorLog: string };
  bundle?: string;
  pidFile?: string;
  consoleSocket?: string;
  preserveFds?: number;
  noPivot?: boolean;
  noNewKeyring?: boolean;
}

export interface CreatedContainer {
  record: ContainerRecord;
  helper: SpawnedHelper;
  plan: HelperPlan;
}

function hookState(record: Pick<ContainerRecord, 'id' | 'bundle' | 'annotations'>, status: State['status'], pid?: number): State {
  const s: State = { ociVersion: OCI_VERSION, id: record.id, status, bundle: record.bundle };
  if (pid !== undefined) s.pid = pid;
  if (record.annotations) s.annotations = record.annotations;
  return s;
}

// Creates the container up to the barrier: its process exists in all its namespaces and
// cgroups, on its rootfs, waiting for `start`. `foreground` is `run`: the helper stays its
// parent and the sync socket stays open so exec errors and the exit status come back.
export async function createContainerProcess(ctx: RuntimeContext, opts: CreateOptions, foreground: boolean): Promise<CreatedContainer> {
  mark('create: start');
  checkContainerId(opts.id);
  const bundle = resolve(opts.bundle ?? '.');
  const spec = loadBundleConfig(bundle);
  const terminal = spec.process?.terminal === true;
  if (terminal && !opts.consoleSocket && !foreground && !opts.monitor) {
    throw new UsageError('process.terminal is true: --console-socket is required when the runtime does not stay attached (create, run -d)');
  }
  if (!terminal && opts.consoleSocket) throw new UsageError('--console-socket was given but process.terminal is false in config.json');
  if (opts.noNewKeyring === false) {
    // the session keyring is left to the kernel either way; the flag is accepted for runc's callers
  }
  mark('create: config loaded');
  const rootfs = resolveBundlePath(bundle, spec.root!.path);
  const user = runtimeUser();
  const userns = newUserNamespace(spec);
  // rootless: how the id maps get written, checked (with /etc/subuid, newuidmap) before anything
  // is made, then what a rootless container cannot have
  const idMapWriters = user.rootless && userns ? chooseIdMapWriters(userns, user) : ROOT_WRITERS;
  if (user.rootless) checkRootlessSpec(spec, user, idMapWriters);
  const devpts = adjustDevptsGid(spec);
  for (const w of devpts.warnings) ctx.log.warn(w);
  const base = { id: opts.id, bundle, annotations: spec.annotations };

  const rollback = new Rollback();
  let helper: SpawnedHelper | undefined;
  let pid: number | undefined;
  let hooksFailed = false;
  try {
    claimContainerDir(ctx.root, opts.id);
    rollback.push('removing the state directory', () => removeContainerDir(ctx.root, opts.id));
    let cgroups = resolveCgroupDirs(hostCgroupLayout(), spec.linux?.cgroupsPath, opts.id);
    let resources: LinuxResources = { ...spec.linux?.resources, devices: containerDeviceRules(spec.linux) };
    if (user.rootless) {
      const own = planRootlessCgroups(cgroups, spec.linux?.resources, user);
      for (const w of own.warnings) ctx.log.warn(w);
      cgroups = own.dirs;
      resources = { ...own.resources };
    }
    const cgroupsCreated = createCgroupDirs(cgroups);
    const cgroupManager = createCgroupManager(cgroups, { created: cgroupsCreated });
    rollback.push('removing the cgroups', () => cgroupManager.destroy());
    // the limits are written before the container process exists
    const applied = cgroups.length > 0 ? cgroupManager.apply(resources) : { warnings: [], native: [] };
    for (const w of applied.warnings) ctx.log.warn(w);

    mark('create: cgroups made');
    // compiled here, before anything runs, so a bad profile is a create error; loaded only when
    // the config has a filter (the syscall tables are not small)
    const seccomp = spec.linux?.seccomp ? await compileSeccompCached(spec.linux.seccomp, join(ctx.root, '.cache', 'seccomp')) : undefined;
    for (const w of seccomp?.warnings ?? []) ctx.log.warn(`linux.seccomp: ${w}`);
    const { plan, warnings } = buildCreatePlan(devpts.spec, {
      bundle,
      rootfs,
      fifoPath: fifoPath(ctx.root, opts.id),
      ...(opts.consoleSocket ? { consoleSocket: resolve(opts.consoleSocket) } : {}),
      preserveFds: opts.preserveFds ?? 0,
      noPivot: opts.noPivot ?? false,
      cgroups,
      foreground,
      ...(opts.monitor ? { monitor: opts.monitor } : {}),
      ...(seccomp ? { seccomp } : {}),
      cgroupNative: applied.native,
      host: hostFacts(),
      idMapWriters,
      rootless: user.rootless,
    });
    for (const w of warnings) ctx.log.warn(w);
    ctx.log.debug(`plan for "${opts.id}": ${plan.steps.length} steps`);

    mark('create: plan built');
    let errorLogFd: number | undefined;
    if (opts.monitor) errorLogFd = openSync(opts.monitor.errorLog, 'a', 0o600);
    try {
      helper = spawnHelper(plan, { preserveFds: opts.preserveFds ?? 0, ...(errorLogFd !== undefined ? { stdio: ['ignore', 'ignore', errorLogFd] as ['ignore', 'ignore', number] } : {}) });
    } finally {
      if (errorLogFd !== undefined) closeSync(errorLogFd);
    }
    mark('create: helper spawned');
    const h = helper;
    rollback.push('stopping the container process', async () => {
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
        const left = await waitGone([pid], 5000);
        if (left.length > 0) throw new InternalError(`container process ${pid} did not die after SIGKILL`);
      }
      h.child?.kill('SIGKILL');
      await h.exit;
    });

    for (;;) {
      const m = await helper.channel.next();
      mark(`create: message ${messageName(m)}`);
      if (m.type === MsgType.PID) {
        pid = m.pid;
      } else if (m.type === MsgType.HOOKS) {
        const state = hookState(base, 'created', pid);
        try {
          await runHooks('prestart', spec.hooks?.prestart, state);
          await runHooks('createRuntime', spec.hooks?.createRuntime, state);
        } catch (err) {
          hooksFailed = true;
          throw err;
        }
        const processState = {
          ociVersion: OCI_VERSION,
          fds: ['seccompFd'],
          pid,
          metadata: spec.linux?.seccomp?.listenerMetadata ?? '',
          state: hookState(base, 'creating', pid),
        };
        helper.channel.sendContinue([JSON.stringify(state), JSON.stringify(hookState(base, 'created', pid)), JSON.stringify(processState)]);
      } else if (m.type === MsgType.WARNING) {
        ctx.log.warn(errorFromHelper(plan, m.step, m.errno, m.detail).message);
      } else if (m.type === MsgType.ERROR) {
        const err = explainRootfsAccess(errorFromHelper(plan, m.step, m.errno, m.detail), rootfs, userns);
        if (err instanceof HookError) hooksFailed = true;
        throw err;
      } else if (m.type === MsgType.CREATED) {
        break;
      } else {
        throw new InternalError(`the container process ended before it was created (${messageName(m)})`);
      }
    }
    if (pid === undefined) throw new InternalError('the helper reported no container pid');
    const stat = readProcStat(pid);
    if (!stat) throw new InternalError(`container process ${pid} vanished right after it was created`);
    const record: ContainerRecord = {
      ociVersion: spec.ociVersion,
      id: opts.id,
      pid,
      startTime: stat.startTime,
      bundle,
      rootfs,
      created: new Date().toISOString(),
      owner: userInfo().username,
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
      cgroups,
      cgroupsCreated,
      noPivot: opts.noPivot ?? false,
      config: spec,
    };
    writeRecord(ctx.root, record);
    mark('create: state written');
    if (opts.pidFile) writeFileAtomic(resolve(opts.pidFile), String(pid));
    rollback.commit();
    if (opts.monitor) {
      // the monitor outlives this process
      helper.child?.unref();
      helper.channel.close();
    } else if (!foreground) {
      await helper.exit;
    }
    return { record, helper, plan };
  } catch (err) {
    helper?.channel.close();
    const failures = await rollback.run();
    for (const f of failures) ctx.log.warn(`cleaning up after a failed create: ${f}`);
    if (hooksFailed) await runHooksWarnOnly('poststop', spec.hooks?.poststop, hookState(base, 'stopped'), (m) => ctx.log.warn(m));
    if (err instanceof BerthError) throw err;
    throw err;
  }
}

export async function createContainer(ctx: RuntimeContext, opts: CreateOptions): Promise<void> {
  await createContainerProcess(ctx, opts, false);
}
