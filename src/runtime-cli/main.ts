import { Command, CommanderError, Option } from 'commander';
import { Logger, setLogger } from '../lib/log.ts';
import { BerthError, ExecError, UsageError, messageOf } from '../lib/errors.ts';
import { err } from './output.ts';
import { mark } from '../lib/trace.ts';
import type { RuntimeContext } from '../runtime/lifecycle/context.ts';
import { defaultStateRoot, ROOT_STATE_DIR } from '../runtime/state/default-root.ts';

export const VERSION = '0.1.0';

interface GlobalOptions {
  root?: string;
  log?: string;
  logFormat: 'text' | 'json';
  debug?: boolean;
  systemdCgroup?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const int = (name: string) => (v: string): number => {
  if (!/^\d+$/.test(v)) throw new UsageError(`invalid value "${v}" for ${name}: expected a number`);
  return Number(v);
};

const GLOBAL_WITH_VALUE = new Set(['--root', '--log', '--log-format', '--rootless', '--criu']);

// The first argument that is neither a global option nor its value: the verb.
function findVerb(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (GLOBAL_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

// berth-runtime: runc's command line. Each action loads its module only when it runs, so a
// call pays for one verb's code.
export async function runRuntimeCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  let logger = new Logger();
  const program = new Command('berth-runtime');
  const ctx = (): RuntimeContext => {
    const g = program.opts<GlobalOptions>();
    if (g.systemdCgroup) throw new UsageError('--systemd-cgroup: berth-runtime has only the cgroupfs driver');
    logger = new Logger({ ...(g.log ? { file: g.log } : {}), format: g.logFormat, debug: g.debug ?? false });
    setLogger(logger);
    return { root: g.root ?? defaultStateRoot(), log: logger };
  };
  program
    .description('an OCI runtime with runc\'s command line')
    .version(`berth-runtime version ${VERSION}\nspec: 1.2.0`, '-v, --version')
    .option('--root <dir>', `directory for the state of containers (default: ${ROOT_STATE_DIR}, or $XDG_RUNTIME_DIR/berth-runtime when not root)`)
    .option('--log <file>', 'write log lines to this file instead of stderr')
    .addOption(new Option('--log-format <format>', 'log format').choices(['text', 'json']).default('text'))
    .option('--debug', 'log debug messages')
    .option('--systemd-cgroup', 'use the systemd cgroup driver (not supported)')
    .option('--rootless <value>', 'accepted for runc compatibility; rootless mode is detected')
    .option('--criu <path>', 'accepted for runc compatibility; checkpoint is not supported')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => err(s), writeOut: (s) => process.stdout.write(s) });

  const createOptions = (c: Command): Command =>
    c
      .option('-b, --bundle <dir>', 'bundle directory', '.')
      .option('--console-socket <path>', 'unix socket that receives the pty master')
      .option('--pid-file <path>', 'file to write the container\'s pid to')
      .option('--no-pivot', 'chroot instead of pivot_root (for a rootfs on ramfs)')
      .option('--no-new-keyring', 'do not create a new session keyring')
      .option('--preserve-fds <n>', 'pass this many fds after 0-2 into the container', int('--preserve-fds'), 0);

  // Only the verb being run is defined (commander's set-up of every verb costs milliseconds on
  // every call); help and unknown verbs get them all.
  const define: Record<string, () => void> = {
    spec: () => {
      program
        .command('spec')
        .description('write a default config.json')
        .option('-b, --bundle <dir>', 'bundle directory', '.')
        .option('--rootless', 'a config for a rootless container')
        .action(async (o) => {
          const { specCommand } = await import('./spec.ts');
          specCommand(o);
        });
    },
    create: () => {
      createOptions(program.command('create <container-id>').description('create a container'))
        .action(async (id: string, o) => {
          const { createCommand } = await import('./create.ts');
          await createCommand(ctx(), id, o);
        });
    },
    run: () => {
      createOptions(program.command('run <container-id>').description('create, start and wait for a container'))
        .option('-d, --detach', 'return once the container has started')
        .option('--keep', 'keep the container after it exits')
        .action(async (id: string, o) => {
          mark('cli: run action');
          const { runCommand } = await import('./run.ts');
          mark('cli: run module loaded');
          exitCode = await runCommand(ctx(), id, o);
        });
    },
    start: () => {
      program
        .command('start <container-id>')
        .description('run the program of a created container')
        .action(async (id: string) => {
          const { startContainer } = await import('../runtime/lifecycle/start.ts');
          await startContainer(ctx(), id);
        });
    },
    state: () => {
      program
        .command('state <container-id>')
        .description('print the state of a container as JSON')
        .action(async (id: string) => {
          const { stateCommand } = await import('./state.ts');
          stateCommand(ctx(), id);
        });
    },
    kill: () => {
      program
        .command('kill <container-id> [signal]')
        .description('send a signal to a container (default SIGTERM)')
        .option('-a, --all', 'signal every process of the container')
        .action(async (id: string, signal: string | undefined, o) => {
          const { killContainer } = await import('../runtime/lifecycle/kill.ts');
          await killContainer(ctx(), id, signal ?? 'SIGTERM', { all: o.all === true });
        });
    },
    delete: () => {
      program
        .command('delete <container-id>')
        .description('delete a container')
        .option('-f, --force', 'kill a running container first')
        .action(async (id: string, o) => {
          const { deleteContainer } = await import('../runtime/lifecycle/delete.ts');
          await deleteContainer(ctx(), id, { force: o.force === true });
        });
    },
    list: () => {
      program
        .command('list')
        .alias('ls')
        .description('list containers')
        .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
        .option('-q, --quiet', 'print only ids')
        .action(async (o) => {
          const { listCommand } = await import('./list.ts');
          listCommand(ctx(), o);
        });
    },
    ps: () => {
      program
        .command('ps <container-id> [ps-args...]')
        .description('list the processes of a container')
        .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
        .passThroughOptions()
        .action(async (id: string, psArgs: string[], o) => {
          const { psCommand } = await import('./ps.ts');
          psCommand(ctx(), id, psArgs, o);
        });
    },
    exec: () => {
      program
        .command('exec <container-id> [command...]')
        .description('run a process in a running container')
        .option('-p, --process <file>', 'process.json to run')
        .option('-t, --tty', 'allocate a pseudo-terminal')
        .option('-e, --env <NAME=value>', 'add an environment variable', collect)
        .option('--cwd <dir>', 'working directory')
        .option('-u, --user <uid[:gid]>', 'user to run as')
        .option('-g, --additional-gids <gid>', 'additional group', (v: string, prev: number[] = []) => [...prev, int('--additional-gids')(v)])
        .option('-c, --cap <capability>', 'add a capability', collect)
        .option('--no-new-privs', 'set no-new-privileges')
        .option('-d, --detach', 'return once the process has started')
        .option('--pid-file <path>', 'file to write the process\'s pid to')
        .option('--console-socket <path>', 'unix socket that receives the pty master')
        .option('--preserve-fds <n>', 'pass this many fds after 0-2 into the process', int('--preserve-fds'), 0)
        .option('--process-label <label>', 'SELinux label (not supported on this host)')
        .option('--apparmor <profile>', 'AppArmor profile (not supported on this host)')
        .passThroughOptions()
        .action(async (id: string, command: string[], o) => {
          const { execCommand } = await import('./exec.ts');
          exitCode = await execCommand(ctx(), id, command, o);
        });
    },
    update: () => {
      program
        .command('update <container-id>')
        .description('change the resource limits of a running container')
        .option('-r, --resources <file>', 'a JSON LinuxResources file, or - for stdin')
        .option('--memory <bytes>', 'memory limit (e.g. 512m)')
        .option('--memory-swap <bytes>', 'memory plus swap limit, -1 for unlimited')
        .option('--memory-reservation <bytes>', 'memory soft limit')
        .option('--cpu-shares, --cpu-share <n>', 'relative CPU weight')
        .option('--cpu-quota <us>', 'CPU time per period, -1 for unlimited')
        .option('--cpu-period <us>', 'CPU period')
        .option('--cpu-rt-runtime <us>', 'realtime CPU time per period')
        .option('--cpu-rt-period <us>', 'realtime CPU period')
        .option('--cpuset-cpus <list>', 'CPUs allowed (e.g. 0-1)')
        .option('--cpuset-mems <list>', 'memory nodes allowed')
        .option('--pids-limit <n>', 'maximum number of processes, -1 for unlimited')
        .option('--blkio-weight <n>', 'block IO weight (10-1000)')
        .action(async (id: string, o) => {
          const { updateCommand } = await import('./update.ts');
          await updateCommand(ctx(), id, o);
        });
    },
    pause: () => {
      program
        .command('pause <container-id>')
        .description('freeze every process of a container')
        .action(async (id: string) => {
          const { pauseContainer } = await import('../runtime/lifecycle/pause.ts');
          await pauseContainer(ctx(), id);
        });
    },
    resume: () => {
      program
        .command('resume <container-id>')
        .description('thaw a paused container')
        .action(async (id: string) => {
          const { resumeContainer } = await import('../runtime/lifecycle/pause.ts');
          await resumeContainer(ctx(), id);
        });
    },
    events: () => {
      program
        .command('events <container-id>')
        .description('stats every interval and OOM events, as JSON lines, until the container stops')
        .option('--stats', 'print one stats event and exit')
        .option('--interval <duration>', 'time between stats events', '5s')
        .action(async (id: string, o) => {
          const { eventsCommand } = await import('./events.ts');
          await eventsCommand(ctx(), id, o);
        });
    },
  };
  const verb = findVerb(argv);
  const only = verb === 'ls' ? 'list' : verb;
  if (only && define[only]) define[only]();
  else for (const d of Object.values(define)) d();

  mark('cli: program defined');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander printed its message; --help and --version are not failures
      return e.exitCode === 0 ? 0 : 1;
    }
    return reportError(logger, e);
  }
}

// runc exits 1 on every error; berth-runtime does too, except that a program that cannot be
// found or run gives 127 / 126 like a shell (and docker), which scripts can tell apart.
function reportError(logger: Logger, e: unknown): number {
  if (e instanceof BerthError) {
    logger.error(e.message);
    if (logger.debugEnabled && e.cause) logger.debug(`caused by: ${messageOf(e.cause)}`);
    if (e instanceof ExecError) return e.reason === 'not-found' ? 127 : 126;
    return 1;
  }
  logger.error(`internal error: ${messageOf(e)}`);
  if (e instanceof Error && e.stack) logger.debug(e.stack);
  return 1;
}
