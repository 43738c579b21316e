import { readFileSync } from 'node:fs';
import type { Process, Spec } from '../../oci/runtime-spec.ts';
import { Op, Stage } from '../helper/protocol.ts';
import type { PlanBuilder } from '../helper/plan.ts';
import { capabilityNumber } from '../capabilities.ts';
import { RLIMIT, PERSONALITY, rlimitValue } from './linux-constants.ts';
import { secureJoin } from '../../lib/fs/secure-join.ts';
import type { CompiledSeccomp } from '../seccomp/compile.ts';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface SeccompInput {
  compiled: CompiledSeccomp;
  // a socket connected to linux.seccomp.listenerPath, and the CONTINUE state index holding the
  // container process state sent with the listener fd
  listener?: { slot: number; stateIndex: number };
}

export interface ProcessInput {
  seccomp?: SeccompInput;
  // a pty slave to become the controlling terminal and stdio
  terminalSlave?: number;
  preserveFds: number;
  // the create barrier: wait on the exec fifo before the last steps
  barrier?: { fifoSlot: number; closeSync: boolean };
  setsid: boolean;
  lastCap: number;
  rootfs?: string; // for HOME from the image's /etc/passwd
  startHookStateIndex?: number;
  warnings: string[];
}

function capMask(names: string[] | undefined, set: string, lastCap: number, warnings: string[]): bigint {
  let mask = 0n;
  for (const name of names ?? []) {
    const n = capabilityNumber(name);
    if (n === undefined) continue; // validation rejected unknown names already
    if (n > lastCap) {
      warnings.push(`process.capabilities.${set}: ${name} is not known to this kernel and is skipped`);
      continue;
    }
    mask |= 1n << BigInt(n);
  }
  return mask;
}

// HOME from the rootfs's /etc/passwd when the config does not set it, as runc does.
export function homeFor(rootfs: string | undefined, uid: number): string {
  if (!rootfs) return '/';
  try {
    const text = readFileSync(secureJoin(rootfs, '/etc/passwd'), 'utf8');
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f.length >= 6 && Number(f[2]) === uid && f[5]) return f[5];
    }
  } catch {
    // no passwd file: the default
  }
  return '/';
}

export function processEnv(p: Process, rootfs: string | undefined): string[] {
  const env = [...(p.env ?? [])];
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${homeFor(rootfs, p.user.uid)}`);
  return env;
}

// The process half of the init, in runc's order (finalizeNamespace, then the fifo, then exec):
// limits and the bounding set while still privileged; the identity change with keep-caps so the
// permitted set survives it; the final capability sets; cwd retried after the identity change
// (the container's user may reach a directory the runtime's may not); the program looked up
// before the barrier so that a missing one is a create error; no-new-privileges and exec last.
export function addProcessSteps(b: PlanBuilder, spec: Spec, p: Process, input: ProcessInput): void {
  if (input.setsid) b.add(Stage.INIT, Op.SETSID, 'process (new session)');
  if (input.terminalSlave !== undefined) {
    b.add(Stage.INIT, Op.SET_CTTY, 'process.terminal', [input.terminalSlave]);
    b.add(Stage.INIT, Op.DUP_STDIO, 'process.terminal', [input.terminalSlave]);
    b.add(Stage.INIT, Op.CLOSE_SLOT, 'process.terminal', [input.terminalSlave]);
  }
  p.rlimits?.forEach((r, i) => {
    b.add(Stage.INIT, Op.SETRLIMIT, `process.rlimits[${i}] (${r.type} soft ${r.soft} hard ${r.hard})`, [RLIMIT[r.type]!, rlimitValue(r.soft), rlimitValue(r.hard)]);
  });
  const persona = spec.linux?.personality;
  if (persona) b.add(Stage.INIT, Op.PERSONALITY, 'linux.personality', [PERSONALITY[persona.domain]!]);
  // Without no-new-privileges, loading a filter needs CAP_SYS_ADMIN: load it while it is still
  // there (runc does the same); with it, as close to exec as possible, so the filter need not
  // allow what the runtime itself does until then.
  if (input.seccomp && !p.noNewPrivileges) {
    // close_range may be outside an older profile: mark the fds before the filter is in place
    b.add(Stage.INIT, Op.CLOSE_FDS, 'closing inherited fds', [3 + input.preserveFds]);
    addSeccompStep(b, input.seccomp);
  }
  const caps = p.capabilities;
  if (caps) {
    b.add(Stage.INIT, Op.CAP_BOUNDING, 'process.capabilities.bounding', [capMask(caps.bounding, 'bounding', input.lastCap, input.warnings), input.lastCap]);
  }
  b.add(Stage.INIT, Op.CHDIR, `process.cwd "${p.cwd}"`, [1], [p.cwd]);
  if (caps) b.add(Stage.INIT, Op.KEEPCAPS, 'process.capabilities', [1]);
  const gids = p.user.additionalGids ?? [];
  b.add(Stage.INIT, Op.SETGROUPS, `process.user.additionalGids [${gids.join(', ')}]`, gids);
  b.add(Stage.INIT, Op.SETRESGID, `process.user.gid ${p.user.gid}`, [p.user.gid]);
  b.add(Stage.INIT, Op.SETRESUID, `process.user.uid ${p.user.uid}`, [p.user.uid]);
  if (caps) {
    b.add(Stage.INIT, Op.KEEPCAPS, 'process.capabilities', [0]);
    b.add(Stage.INIT, Op.CAPSET, 'process.capabilities (effective, permitted, inheritable)', [
      capMask(caps.effective, 'effective', input.lastCap, input.warnings),
      capMask(caps.permitted, 'permitted', input.lastCap, input.warnings),
      capMask(caps.inheritable, 'inheritable', input.lastCap, input.warnings),
    ]);
    const permitted = capMask(caps.permitted, 'permitted', input.lastCap, []);
    const inheritable = capMask(caps.inheritable, 'inheritable', input.lastCap, []);
    let ambient = capMask(caps.ambient, 'ambient', input.lastCap, input.warnings);
    // the kernel raises an ambient capability only if it is permitted and inheritable too
    for (const name of caps.ambient ?? []) {
      const bit = 1n << BigInt(capabilityNumber(name) ?? 0);
      if ((ambient & bit) !== 0n && (permitted & inheritable & bit) === 0n) {
        input.warnings.push(`process.capabilities.ambient: ${name} is skipped: an ambient capability must also be in the permitted and inheritable sets`);
        ambient &= ~bit;
      }
    }
    if (ambient !== 0n) b.add(Stage.INIT, Op.CAP_AMBIENT, 'process.capabilities.ambient', [ambient]);
  }
  b.add(Stage.INIT, Op.CHDIR, `process.cwd "${p.cwd}"`, [2], [p.cwd]);
  b.add(Stage.INIT, Op.UMASK, 'process.user.umask', [p.user.umask ?? 0o022]);
  const env = processEnv(p, input.rootfs);
  const path = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  const args = p.args ?? [];
  b.add(Stage.INIT, Op.LOOKUP_EXEC, `process.args[0] "${args[0]}"`, [], [args[0] ?? '', path]);
  if (!(input.seccomp && !p.noNewPrivileges)) b.add(Stage.INIT, Op.CLOSE_FDS, 'closing inherited fds', [3 + input.preserveFds]);
  if (input.barrier) b.add(Stage.INIT, Op.BARRIER, 'waiting for start', [input.barrier.fifoSlot, input.barrier.closeSync ? 1 : 0]);
  (spec.hooks?.startContainer ?? []).forEach((h, i) => {
    if (input.startHookStateIndex === undefined) return;
    addHookRun(b, `hooks.startContainer[${i}] ("${h.path}")`, h, input.startHookStateIndex);
  });
  if (p.noNewPrivileges) b.add(Stage.INIT, Op.NO_NEW_PRIVS, 'process.noNewPrivileges');
  b.add(Stage.INIT, Op.RESET_SIGNALS, 'process (default signal handling)');
  if (input.seccomp && p.noNewPrivileges) addSeccompStep(b, input.seccomp);
  b.add(Stage.INIT, Op.EXEC, `process.args[0] "${args[0]}"`, [args.length, 127, 126], [...args, ...env]);
}

function addSeccompStep(b: PlanBuilder, s: SeccompInput): void {
  b.add(Stage.INIT, Op.SECCOMP, 'linux.seccomp', [s.compiled.flags, s.listener?.slot ?? -1, s.listener?.stateIndex ?? -1], [s.compiled.program]);
}

export function addHookRun(b: PlanBuilder, what: string, h: { path: string; args?: string[]; env?: string[]; timeout?: number }, stateIndex: number): void {
  const args = h.args ?? [];
  b.add(Stage.INIT, Op.RUN_HOOK, what, [h.timeout ?? 0, stateIndex, args.length], [h.path, ...args, ...(h.env ?? [])]);
}
