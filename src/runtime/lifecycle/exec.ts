import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileSeccompCached } from '../seccomp/cache.ts';
import type { Process } from '../../oci/runtime-spec.ts';
import { readRecord } from '../state/container-record.ts';
import { deriveStatus } from '../state/status.ts';
import { buildExecPlan } from '../plan/exec-plan.ts';
import { runtimeUser } from '../rootless/runtime-user.ts';
import { kernelLastCap } from '../capabilities.ts';
import { checkShape } from '../validate/shape.ts';
import { checkSpec } from '../validate/checks.ts';
import type { Socket } from 'node:net';
import { spawnHelper, spawnHelperOnSocket, errorFromHelper } from '../helper/spawn.ts';
import { MsgType } from '../helper/protocol.ts';
import { forwardSignals, exitCodeOf } from '../../lib/proc/signals.ts';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { ConflictError, InternalError, InvalidConfigError, UsageError, type BerthError } from '../../lib/errors.ts';
import type { RuntimeContext } from './context.ts';

export interface ExecOptions {
  id: string;
  // a process.json, or the container's process with these overrides (runc exec's flags)
  processFile?: string;
  args?: string[];
  tty?: boolean;
  env?: string[];
  cwd?: string;
  user?: string;
  additionalGids?: number[];
  caps?: string[];
  noNewPrivileges?: boolean;
  detach?: boolean;
  // with detach: a helper someone else starts, on this socket (the engine's container monitor, so
  // that it reaps the process; runc leaves that to its caller's subreaper, containerd's shim).
  // The process's stdio is then that helper's, /dev/null.
  helperSocket?: () => Promise<Socket>;
  pidFile?: string;
  consoleSocket?: string;
  preserveFds?: number;
  // the process's stdin, stdout and stderr: the caller's (default), or /dev/null ('ignore') for
  // an engine whose user did not attach them (docker exec without -i, exec -d)
  stdio?: [number | 'ignore', number | 'ignore', number | 'ignore'];
}

function parseUser(text: string): { uid: number; gid?: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`invalid --user "${text}": expected uid[:gid] as numbers`);
  return m[2] === undefined ? { uid: Number(m[1]) } : { uid: Number(m[1]), gid: Number(m[2]) };
}

function loadProcessFile(path: string): Process {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidConfigError('', `--process "${path}": ${(err as Error).message}`);
  }
  const spec = checkShape({ ociVersion: '1.2.0', process: doc });
  return spec.process!;
}

export function execProcessSpec(base: Process | undefined, opts: ExecOptions): Process {
  if (opts.processFile) return loadProcessFile(resolve(opts.processFile));
  if (!base) throw new InternalError('the container has no process in its config');
  const p: Process = structuredClone(base);
  if (!opts.args || opts.args.length === 0) throw new UsageError('exec needs a command to run, or --process');
  p.args = opts.args;
  p.terminal = opts.tty ?? false;
  delete p.consoleSize;
  if (opts.env) p.env = [...(p.env ?? []), ...opts.env];
  if (opts.cwd) p.cwd = opts.cwd;
  if (opts.user) {
    const u = parseUser(opts.user);
    p.user = { ...p.user, uid: u.uid, gid: u.gid ?? p.user.gid };
  }
  if (opts.additionalGids) p.user.additionalGids = opts.additionalGids;
  if (opts.caps && opts.caps.length > 0) {
    const c = (p.capabilities ??= {});
    for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) c[set] = [...new Set([...(c[set] ?? []), ...opts.caps])];
  }
  if (opts.noNewPrivileges) p.noNewPrivileges = true;
  return p;
}

// Runs a new process in a running container. Foreground: returns its exit code; detached: its
// pid once it has started.
export async function execProcess(ctx: RuntimeContext, opts: ExecOptions): Promise<number> {
  const record = readRecord(ctx.root, opts.id);
  const status = deriveStatus(ctx.root, record);
  if (status !== 'running' && status !== 'created') throw new ConflictError('E_CONTAINER_NOT_RUNNING', `cannot exec in container "${opts.id}": it is ${status}`);
  const p = execProcessSpec(record.config.process, opts);
  checkSpec({ ociVersion: record.ociVersion, process: p }, { bundle: record.bundle, forCreate: false });
  if (p.terminal && opts.detach && !opts.consoleSocket) throw new UsageError('--tty with --detach needs --console-socket');
  const profile = record.config.linux?.seccomp;
  if (profile?.syscalls?.some((sc) => sc.action === 'SCMP_ACT_NOTIFY')) {
    throw new UsageError('exec into a container whose seccomp profile uses SCMP_ACT_NOTIFY is not supported yet');
  }
  const seccomp = profile ? await compileSeccompCached(profile, join(ctx.root, '.cache', 'seccomp')) : undefined;
  const { plan, warnings } = buildExecPlan(record.config, p, {
    ...(seccomp ? { seccomp } : {}),
    initPid: record.pid,
    cgroups: record.cgroups,
    ...(opts.consoleSocket ? { consoleSocket: resolve(opts.consoleSocket) } : {}),
    detach: opts.detach ?? false,
    preserveFds: opts.preserveFds ?? 0,
    chrootToInit: record.noPivot,
    lastCap: kernelLastCap(),
    rootfs: record.rootfs,
    rootless: runtimeUser().rootless,
  });
  for (const w of warnings) ctx.log.warn(w);
  // a helperSocket that cannot be had (the monitor is gone) leaves the helper to us, as runc's
  const socket = opts.detach && opts.helperSocket ? await opts.helperSocket().catch(() => undefined) : undefined;
  const helper = socket ? spawnHelperOnSocket(socket, plan) : spawnHelper(plan, { preserveFds: opts.preserveFds ?? 0, ...(opts.stdio ? { stdio: opts.stdio } : {}) });
  let pid: number | undefined;
  const stop = opts.detach ? () => {} : forwardSignals(() => pid, () => helper.child?.pid);
  let failure: BerthError | undefined;
  let status2: number | undefined;
  try {
    for (;;) {
      const m = await helper.channel.next();
      if (m.type === MsgType.PID) {
        pid = m.pid;
        if (opts.pidFile) writeFileAtomic(resolve(opts.pidFile), String(pid));
      } else if (m.type === MsgType.ERROR) {
        failure ??= errorFromHelper(plan, m.step, m.errno, m.detail);
      } else if (m.type === MsgType.WARNING) {
        ctx.log.warn(errorFromHelper(plan, m.step, m.errno, m.detail).message);
      } else if (m.type === MsgType.EXITED) {
        status2 = m.status;
      } else if (m.type === 'eof') {
        break;
      }
    }
    await helper.exit;
  } finally {
    stop();
  }
  if (failure) throw failure;
  if (opts.detach) {
    if (pid === undefined) throw new InternalError('the helper reported no pid for the exec\'d process');
    return 0;
  }
  if (status2 === undefined) throw new InternalError('the helper exited without reporting the process\'s exit status');
  return exitCodeOf(status2);
}
