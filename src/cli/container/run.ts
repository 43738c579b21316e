import { createContainer, startContainer, attachToMonitor, enginePaths, waitForExitRecorded, waitForRemoval, onContainerExit, readExitFile, VolumeStore, type AttachSession, type CreateRequest, type EngineContext } from '../../engine/index.ts';
import { BerthError, ExecError, messageOf } from '../../lib/errors.ts';
import { mark } from '../../lib/trace.ts';
import type { CliContext } from '../cli-context.ts';
import { err, out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { imageForRun } from './image-for-run.ts';
import { UnknownRuntimeError } from '../../engine/runtime-driver/runtime-binaries.ts';
import { envList, healthcheck, hostConfig, labels, memoryChecks, mounts } from './run-flags.ts';
import { attachTerminal } from './attach-terminal.ts';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.ts';

// docker's exit codes for run-like commands: 125 when berth fails, 126 when the program cannot
// be invoked, 127 when it cannot be found, else the program's own status.
export function exitCodeFor(e: unknown): number {
  // docker's daemon refuses an unknown runtime in these words, and its CLI prefixes them so
  if (e instanceof UnknownRuntimeError) err(`berth: Error response from daemon: ${e.message}.\n`);
  else err(`Error: ${e instanceof BerthError ? e.message : `internal error: ${messageOf(e)}`}\n`);
  if (e instanceof ExecError) return e.reason === 'not-found' ? 127 : 126;
  return 125;
}

function createRequest(image: string, img: Awaited<ReturnType<typeof imageForRun>>, cmd: string[], o: Record<string, unknown>): CreateRequest {
  const h = hostConfig(o);
  memoryChecks(h);
  const hc = healthcheck(o);
  const entrypoint = o['entrypoint'] as string | undefined;
  return {
    ...(o['name'] !== undefined ? { name: o['name'] as string } : {}),
    image,
    imageId: img.id,
    imageConfig: img.config,
    layers: img.layers,
    ...(cmd.length ? { cmd } : {}),
    ...(entrypoint !== undefined ? { entrypoint: entrypoint === '' ? [] : [entrypoint] } : {}),
    env: envList(o),
    ...(o['workdir'] !== undefined ? { workingDir: o['workdir'] as string } : {}),
    ...(o['user'] !== undefined ? { user: o['user'] as string } : {}),
    labels: labels(o),
    tty: o['tty'] === true,
    openStdin: o['interactive'] === true,
    ...(o['hostname'] !== undefined ? { hostname: o['hostname'] as string } : {}),
    ...(o['domainname'] !== undefined ? { domainname: o['domainname'] as string } : {}),
    ...(o['stopSignal'] !== undefined ? { stopSignal: o['stopSignal'] as string } : {}),
    ...(o['stopTimeout'] !== undefined ? { stopTimeout: Number(o['stopTimeout']) } : {}),
    ...(hc ? { healthcheck: hc } : {}),
    hostConfig: h,
    mounts: mounts(o),
  };
}

async function create(ctx: CliContext, image: string, cmd: string[], o: Record<string, unknown>): Promise<{ engine: EngineContext; id: string }> {
  // flags first: a bad flag must not cost a pull
  mark('run: action');
  hostConfig(o);
  if (o['detachKeys'] !== undefined) parseDetachKeys(o['detachKeys'] as string);
  const img = await imageForRun(ctx, image, (o['pull'] as string | undefined) ?? 'missing', o['platform'] as string | undefined);
  mark('run: image resolved');
  const req = createRequest(image, img, cmd, o);
  const engine = engineFor(ctx);
  const record = createContainer(engine, req, new VolumeStore(engine.paths));
  mark('run: container record written');
  return { engine, id: record.Id };
}

export async function createCommand(ctx: CliContext, image: string, cmd: string[], o: Record<string, unknown>): Promise<number> {
  try {
    const { id } = await create(ctx, image, cmd, o);
    out(`${id}\n`);
    return 0;
  } catch (e) {
    return exitCodeFor(e);
  }
}

// docker run: create, start, and unless -d, stay attached until the program exits and return its
// status; with --rm, also until the container is removed.
export async function runCommand(ctx: CliContext, image: string, cmd: string[], o: Record<string, unknown>): Promise<number> {
  let engine: EngineContext;
  let id: string;
  try {
    ({ engine, id } = await create(ctx, image, cmd, o));
  } catch (e) {
    return exitCodeFor(e);
  }
  const detach = o['detach'] === true;
  let session: AttachSession | undefined;
  // without a restart policy, the exit is recorded here as soon as the exit code arrives: a new
  // berth process for the monitor's exit command would cost more than the rest of the run. The
  // claim goes out before the program starts, so the monitor has it however short the run.
  const cleanupHere = !detach && (o['restart'] ?? 'no') === 'no';
  try {
    await engine.store.withContainerLock(id, () =>
      startContainer(engine, id, {
        beforeStart: detach
          ? undefined
          : async () => {
              session = await attachToMonitor(enginePaths.attachSocket(engine.paths, id), {
                // out/err retry EAGAIN: a bare writeSync threw it (and lost the output) when
                // stdout was a pipe some process had made non-blocking
                stdout: (d) => out(d),
                stderr: (d) => err(d),
              });
              if (cleanupHere) session.claimCleanup();
            },
        ...(o['tty'] === true && !detach && process.stdout.isTTY ? { consoleSize: { height: process.stdout.rows, width: process.stdout.columns } } : {}),
      }),
    );
  } catch (e) {
    session?.detach();
    if (o['rm'] === true) {
      const { removeContainer } = await import('../../engine/index.ts');
      await removeContainer(engine, id, { force: true, volumes: true }).catch(() => {});
    }
    return exitCodeFor(e);
  }
  mark('run: started');
  if (detach) {
    out(`${id}\n`);
    return 0;
  }
  let detached = false;
  const stopTerminal = attachTerminal(engine, id, session!, {
    tty: o['tty'] === true,
    stdin: o['interactive'] === true,
    detachKeys: parseDetachKeys((o['detachKeys'] as string | undefined) ?? DEFAULT_DETACH_KEYS),
    onDetach: () => {
      detached = true;
      session!.detach();
    },
  });
  let code = await session!.exit;
  stopTerminal();
  // docker run: the detach keys leave the container running (the monitor, no longer claimed,
  // records its exit) and exit 0
  if (detached) return 0;
  // a stdin write that met the closed socket ends the session before the exit frame is read; the
  // monitor wrote the exit file before it sent the frame
  if (code === undefined) code = readExitFile(engine, id)?.exitCode;
  mark('run: exited');
  if (cleanupHere && code !== undefined) await onContainerExit(engine, id);
  else await waitForExitRecorded(engine, id).catch(() => {});
  mark('run: cleaned up');
  if (code === undefined) code = engine.store.get(id)?.State.ExitCode ?? 125;
  if (o['rm'] === true) await waitForRemoval(engine, id).catch(() => {});
  return code;
}
