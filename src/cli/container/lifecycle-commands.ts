import { startContainer, stopContainer, killContainer, removeContainer, attachToMonitor, enginePaths, waitForExitRecorded, onContainerExit, type EngineContext, type AttachSession } from '../../engine/index.ts';
import { BerthError, messageOf } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { err, out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { attachTerminal } from './attach-terminal.ts';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.ts';

// Commands on several containers: each is tried, each success prints the name it was given (as
// docker), each failure an "Error: ..." line; the exit status is 1 if any failed.
async function eachContainer(refs: string[], fn: (ref: string) => Promise<void>): Promise<number> {
  let failed = false;
  for (const ref of refs) {
    try {
      await fn(ref);
      out(`${ref}\n`);
    } catch (e) {
      failed = true;
      err(`Error response from daemon: ${e instanceof BerthError ? e.message : messageOf(e)}\n`);
    }
  }
  return failed ? 1 : 0;
}

export async function startCommand(ctx: CliContext, refs: string[], o: { attach?: boolean; interactive?: boolean; detachKeys?: string }): Promise<number> {
  const detachKeys = parseDetachKeys(o.detachKeys ?? DEFAULT_DETACH_KEYS);
  const engine = engineFor(ctx);
  if (!o.attach) {
    return eachContainer(refs, async (ref) => {
      const id = engine.store.resolve(ref).Id;
      await engine.store.withContainerLock(id, () => startContainer(engine, id));
    });
  }
  if (refs.length > 1) {
    err('Error: you cannot start and attach multiple containers at once\n');
    return 1;
  }
  try {
    const record = engine.store.resolve(refs[0]!);
    let session: AttachSession | undefined;
    await engine.store.withContainerLock(record.Id, () =>
      startContainer(engine, record.Id, {
        beforeStart: async () => {
          session = await attach(engine, record.Id);
        },
        ...(record.Config.Tty && process.stdout.isTTY ? { consoleSize: { height: process.stdout.rows, width: process.stdout.columns } } : {}),
      }),
    );
    if (!session) session = await attach(engine, record.Id);
    let detached = false;
    const s = session;
    const undo = attachTerminal(engine, record.Id, s, {
      tty: record.Config.Tty,
      stdin: o.interactive === true && record.Config.OpenStdin,
      detachKeys,
      onDetach: () => {
        detached = true;
        s.detach();
      },
    });
    let code = await session.exit;
    undo();
    if (detached) return 0;
    await waitForExitRecorded(engine, record.Id).catch(() => {});
    code ??= engine.store.get(record.Id)?.State.ExitCode ?? 1;
    return code;
  } catch (e) {
    err(`Error: ${e instanceof BerthError ? e.message : messageOf(e)}\n`);
    return 1;
  }
}

function attach(engine: EngineContext, id: string): Promise<AttachSession> {
  return attachToMonitor(enginePaths.attachSocket(engine.paths, id), { stdout: (d) => out(d), stderr: (d) => err(d) });
}

export async function attachCommand(ctx: CliContext, ref: string, o: { stdin?: boolean; detachKeys?: string }): Promise<number> {
  const detachKeys = parseDetachKeys(o.detachKeys ?? DEFAULT_DETACH_KEYS);
  const engine = engineFor(ctx);
  try {
    const record = engine.store.resolve(ref);
    if (record.State.Status !== 'running') throw new BerthError('E_CONTAINER_NOT_RUNNING', 'You cannot attach to a stopped container, start it first');
    const session = await attach(engine, record.Id);
    let detached = false;
    const undo = attachTerminal(engine, record.Id, session, {
      tty: record.Config.Tty,
      stdin: o.stdin !== false && record.Config.OpenStdin,
      detachKeys,
      onDetach: () => {
        detached = true;
        session.detach();
      },
    });
    let code = await session.exit;
    undo();
    // docker attach: the detach keys end it with this message and status 1
    if (detached) {
      err('read escape sequence\n');
      return 1;
    }
    await waitForExitRecorded(engine, record.Id).catch(() => {});
    code ??= engine.store.get(record.Id)?.State.ExitCode ?? 1;
    return code;
  } catch (e) {
    err(`Error: ${e instanceof BerthError ? e.message : messageOf(e)}\n`);
    return 1;
  }
}

export async function stopCommand(ctx: CliContext, refs: string[], o: { time?: string; signal?: string }): Promise<number> {
  const engine = engineFor(ctx);
  const t = o.time === undefined ? undefined : Number(o.time);
  return eachContainer(refs, (ref) => stopContainer(engine, ref, t));
}

export async function restartCommand(ctx: CliContext, refs: string[], o: { time?: string }): Promise<number> {
  const engine = engineFor(ctx);
  const t = o.time === undefined ? undefined : Number(o.time);
  return eachContainer(refs, async (ref) => {
    await stopContainer(engine, ref, t);
    const id = engine.store.resolve(ref).Id;
    await engine.store.withContainerLock(id, () => startContainer(engine, id));
  });
}

export async function killCommand(ctx: CliContext, refs: string[], o: { signal?: string }): Promise<number> {
  const engine = engineFor(ctx);
  return eachContainer(refs, (ref) => killContainer(engine, ref, o.signal ?? 'SIGKILL'));
}

export async function rmCommand(ctx: CliContext, refs: string[], o: { force?: boolean; volumes?: boolean }): Promise<number> {
  const engine = engineFor(ctx);
  return eachContainer(refs, (ref) => removeContainer(engine, ref, { force: o.force === true, volumes: o.volumes === true }));
}

// docker wait: blocks until each container has stopped, printing its exit code.
export async function waitCommand(ctx: CliContext, refs: string[]): Promise<number> {
  const engine = engineFor(ctx);
  let failed = false;
  for (const ref of refs) {
    try {
      const id = engine.store.resolve(ref).Id;
      for (;;) {
        const r = engine.store.get(id);
        if (!r) break;
        if (r.State.Status !== 'running' && r.State.Status !== 'paused' && r.State.Status !== 'restarting') {
          out(`${r.State.ExitCode}\n`);
          break;
        }
        if (r.State.Status === 'restarting') await new Promise((res) => setTimeout(res, 100));
        else await waitForExitRecorded(engine, id, 24 * 3600_000).catch(() => {});
      }
    } catch (e) {
      failed = true;
      err(`Error response from daemon: ${e instanceof BerthError ? e.message : messageOf(e)}\n`);
    }
  }
  return failed ? 1 : 0;
}

// The monitor's exit command (not for users): record the exit, clean up, apply --rm or restart.
export async function cleanupCommand(ctx: CliContext, id: string): Promise<number> {
  await onContainerExit(engineFor(ctx), id);
  return 0;
}
