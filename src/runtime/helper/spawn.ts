import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Socket } from 'node:net';
import { HelperChannel } from './channel.ts';
import { encodePlan, type HelperPlan, type PlanStep } from './plan.ts';
import { readFileSync, statSync } from 'node:fs';
import { MsgType, Op } from './protocol.ts';
import { helperPath } from '../../lib/install-paths.ts';
import { mark } from '../../lib/trace.ts';
import { describeErrno, errnoName } from '../../lib/errno.ts';
import { ExecError, HookError, SystemError, type BerthError } from '../../lib/errors.ts';

export interface SpawnedHelper {
  channel: HelperChannel;
  // absent for a helper someone else started (spawnHelperOnSocket)
  child?: ChildProcess;
  exit: Promise<number | null>;
}

export interface SpawnOptions {
  // The caller's fds 3..3+preserveFds-1 reach the container at the same numbers.
  preserveFds?: number;
  // the helper's own fds 0-2: the caller's by default (they become the container's); a monitor
  // gets /dev/null and a log file, so it holds nothing of the command that started it
  stdio?: [number | 'ignore', number | 'ignore', number | 'ignore'];
}

// Starts the helper with the caller's stdio (which becomes the container's), any preserved
// fds, and the sync socket just above them; then sends the plan.
export function spawnHelper(plan: HelperPlan, options: SpawnOptions = {}): SpawnedHelper {
  const preserve = options.preserveFds ?? 0;
  const stdio: StdioOptions = options.stdio ? [...options.stdio] : ['inherit', 'inherit', 'inherit'];
  for (let fd = 3; fd < 3 + preserve; fd++) stdio.push(fd);
  stdio.push('pipe');
  const syncFd = 3 + preserve;
  // Its own session: the terminal's signals reach the runtime, which forwards them; the helper
  // and the container are not killed behind its back by a Ctrl-C meant for the container.
  mark('spawn: before');
  const child = spawn(helperPath(), [String(syncFd)], { stdio, detached: true });
  mark('spawn: after');
  const socket = child.stdio[syncFd] as Socket;
  const channel = new HelperChannel(socket);
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  sendPlan(socket, plan);
  return { channel, child, exit };
}

// A helper started by another process (the container's monitor, for `exec -d`) whose plan
// channel is this socket. Its exit is not ours to see: it counts as over when the channel ends.
export function spawnHelperOnSocket(socket: Socket, plan: HelperPlan): SpawnedHelper {
  const channel = new HelperChannel(socket);
  const exit = new Promise<number | null>((resolve) => socket.once('close', () => resolve(null)));
  // it may come paused (read up to a handover): the channel reads it from here
  socket.resume();
  sendPlan(socket, plan);
  return { channel, exit };
}

function sendPlan(socket: Socket, plan: HelperPlan): void {
  const body = encodePlan(plan);
  const header = Buffer.alloc(16);
  header.writeUInt32LE(MsgType.PLAN, 0);
  header.writeInt32LE(-1, 4);
  header.writeUInt32LE(body.length, 12);
  socket.write(Buffer.concat([header, body]));
}

function hostLacksSysResource(): boolean {
  try {
    const bnd = /^CapBnd:\s+([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return bnd !== undefined && (BigInt(`0x${bnd}`) & (1n << 24n)) === 0n;
  } catch {
    return false;
  }
}

// newuidmap and newgidmap work only as setuid root (Debian) or with cap_setuid/cap_setgid file
// capabilities (Fedora); when one failed and is not setuid root, that is the likely cause.
function idToolHint(tool: string): string {
  try {
    const st = statSync(tool);
    if ((st.mode & 0o4000) !== 0 && st.uid === 0) return '';
    return ` (${tool} is not setuid root: reinstall the uidmap package, or \`chmod u+s ${tool}\` as root)`;
  } catch {
    return '';
  }
}

// The few failures whose cause is the host rather than the config get a sentence saying so.
function hintFor(s: PlanStep | undefined, errno: number): string {
  if (!s) return '';
  if (s.op === Op.RUN_TOOL && /\/new[ug]idmap$/.test(String(s.strs[0]))) return idToolHint(String(s.strs[0]));
  const resource = (s.op === Op.SETRLIMIT && errno === 1) || (s.op === Op.WRITE_CHILD_PROC && s.strs[0] === 'oom_score_adj' && errno === 13);
  if (resource && hostLacksSysResource()) {
    return s.op === Op.SETRLIMIT
      ? ' (raising a hard limit needs CAP_SYS_RESOURCE, which is not in this host\'s capability bounding set)'
      : ' (lowering oom_score_adj needs CAP_SYS_RESOURCE, which is not in this host\'s capability bounding set)';
  }
  return '';
}

// A helper failure as the user should read it: where in the config it came from, what the
// helper was doing, and the errno. Exec failures become ExecError so callers can map them to
// 127 and 126 as docker does.
export function errorFromHelper(plan: HelperPlan, step: number, errno: number, detail: string): BerthError {
  const s = step >= 0 ? plan.steps[step] : undefined;
  const where = s?.what ? `${s.what}: ` : '';
  const why = errno ? `: ${describeErrno(errno)}` : '';
  const message = `${where}${detail}${why}${hintFor(s, errno)}`;
  if (s && (s.op === Op.LOOKUP_EXEC || s.op === Op.EXEC)) {
    if (errno === 2) return new ExecError('not-found', message);
    if (errno === 13 || errno === 8 || errno === 21) return new ExecError('cannot-invoke', message);
  }
  if (s && s.op === Op.RUN_HOOK) return new HookError(message);
  return new SystemError('E_RUNTIME_STEP', message, errno ? errnoName(errno) : '');
}
