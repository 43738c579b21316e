// berth: the docker-compatible command line. Global options come before the command (docker's
// rule); each command is a CommandSpec from commands/index.ts whose code is loaded only when it
// runs. Errors are printed as docker prints them (`Error: <message>`) and mapped to exit codes
// here and only here: 125 for a bad command line (docker's flag errors), 1 for failures of
// plain commands, and whatever a command returns (run-like commands return 125 for engine
// errors and the container's status otherwise).
import { createRequire } from 'node:module';
import { mark } from '../lib/trace.ts';
import { Command, CommanderError, Option } from 'commander';
import { BerthError, UsageError, messageOf } from '../lib/errors.ts';
import { Logger, setLogger, type LogLevel } from '../lib/log.ts';
import type { CliContext } from './cli-context.ts';
import type { CommandGroup, CommandSpec } from './command-spec.ts';
import { commands } from './commands/index.ts';
import { err, out } from './render/output.ts';

export const VERSION = '0.1.0';
const DEFAULT_ROOT = '/var/lib/berth';

const GROUPS: Record<CommandGroup, string> = {
  image: 'Manage images',
  container: 'Manage containers',
  system: 'Manage berth',
  volume: 'Manage volumes',
  network: 'Manage networks',
  builder: 'Manage builds',
};

// Thrown by a command to end with a given status after it printed its own errors (docker's
// StatusError: rmi of several images, one of which failed).
export class ExitStatus extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`exit status ${status}`);
    this.status = status;
  }
}

// Help goes out as commander writes it; commander's error lines are replaced by docker's
// (reportUsage), so its own are dropped.
const OUTPUT = {
  writeOut: (s: string) => out(s),
  writeErr: (s: string) => err(s),
  outputError: () => undefined,
};

interface GlobalOptions {
  root: string;
  runroot: string;
  logLevel: string;
  debug?: boolean;
  config?: string;
}

export async function runCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('berth');
  const abort = new AbortController();
  let logger = new Logger();
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) process.exit(sig === 'SIGINT' ? 130 : 143);
    interrupted = true;
    abort.abort(new BerthError('E_INTERRUPTED', sig === 'SIGINT' ? 'interrupted' : 'terminated'));
  };
  const ctx = (): CliContext => {
    const g = program.opts<GlobalOptions>();
    const level = (g.debug ? 'debug' : g.logLevel === 'warn' || g.logLevel === 'fatal' ? (g.logLevel === 'warn' ? 'warning' : 'error') : g.logLevel) as LogLevel;
    logger = new Logger({ debug: level === 'debug' });
    setLogger(logger);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return {
      root: g.root,
      runroot: g.runroot,
      logLevel: level,
      configDir: g.config,
      signal: abort.signal,
      // isatty(1), not process.stdout.isTTY: that getter makes a piped stdout non-blocking (for
      // every process sharing the pipe), and berth writes with writeSync; node:tty (which loads
      // node:net, ~3 ms) only for the commands that ask
      get stdoutIsTTY() {
        return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(1);
      },
    };
  };
  program
    .description('A container engine with a docker-compatible command line')
    .version(`berth version ${VERSION}`, '-v, --version', 'print version information and quit')
    .addOption(new Option('--root <dir>', 'root of the store (images, containers, volumes)').env('BERTH_ROOT').default(DEFAULT_ROOT))
    .addOption(new Option('--runroot <dir>', 'runtime state, emptied by a reboot (sockets, exit files)').env('BERTH_RUNROOT').default('/run/berth'))
    .addOption(new Option('-l, --log-level <level>', 'set the logging level').choices(['debug', 'info', 'warn', 'error', 'fatal']).default('info'))
    .option('-D, --debug', 'enable debug mode')
    .option('--config <dir>', 'location of client config files (registry credentials)')
    .enablePositionalOptions()
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput(OUTPUT);

  const groups = new Map<CommandGroup, Command>();
  const groupCommand = (g: CommandGroup): Command => {
    let c = groups.get(g);
    if (!c) {
      c = program.command(g).description(GROUPS[g]).exitOverride().configureOutput(OUTPUT);
      groups.set(g, c);
    }
    return c;
  };
  const define = (parent: Command, name: string, spec: CommandSpec, aliases: string[]): void => {
    const c = parent.command(spec.args ? `${name} ${spec.args}` : name).description(spec.description).exitOverride().configureOutput(OUTPUT);
    for (const a of aliases) c.alias(a);
    spec.options?.(c);
    c.allowExcessArguments(false);
    c.action(async (...a: unknown[]) => {
      const cmd = a[a.length - 1] as Command;
      const opts = cmd.opts();
      const code = await spec.run(ctx(), a.slice(0, -2), opts);
      if (typeof code === 'number') exitCode = code;
    });
  };
  // Only the invoked command is defined when argv names one: defining every command and its
  // options (run's and create's are about a hundred each) costs ~10 ms of every call. Help, an
  // unknown command, or an argv this scan is not sure of defines them all, as before.
  const invoked = invokedCommand(argv);
  if (invoked?.group) define(groupCommand(invoked.group), invoked.spec.name, invoked.spec, invoked.spec.aliases ?? []);
  else if (invoked) define(program, invoked.name, invoked.spec, invoked.spec.group ? [] : (invoked.spec.aliases ?? []));
  else {
    for (const spec of commands) {
      if (spec.group) define(groupCommand(spec.group), spec.name, spec, spec.aliases ?? []);
      else define(program, spec.name, spec, spec.aliases ?? []);
      for (const top of spec.topLevel ?? []) define(program, top, spec, []);
    }
  }

  try {
    mark('cli: program defined');
    await program.parseAsync(argv, { from: 'user' });
    return interrupted ? 130 : exitCode;
  } catch (e) {
    if (e instanceof ExitStatus) return e.status;
    if (e instanceof CommanderError) return reportUsage(e, argv);
    if (interrupted && abort.signal.aborted) {
      err(`Error: ${messageOf(abort.signal.reason)}\n`);
      return 130;
    }
    return reportError(logger, e);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

// The global options taking a value (in their separate-word form), and those without one.
const GLOBAL_WITH_VALUE = new Set(['--root', '--runroot', '-l', '--log-level', '--config']);
const GLOBAL_FLAGS = new Set(['-D', '--debug']);

// The command argv names, as define() would register it: a top-level name (a command without a
// group, one of its aliases, or a grouped command's top-level spelling) or `<group> <name|alias>`.
// undefined when argv names none, or has a global option this scan does not know (a bundle of
// short flags, help, version): then every command is defined and commander decides.
export function invokedCommand(argv: string[]): { spec: CommandSpec; name: string; group?: CommandGroup } | undefined {
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const a = argv[i]!;
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!GLOBAL_FLAGS.has(a) && !(a.includes('=') && GLOBAL_WITH_VALUE.has(a.slice(0, a.indexOf('='))))) return undefined;
  }
  const word = argv[i];
  if (word === undefined) return undefined;
  if (Object.hasOwn(GROUPS, word)) {
    const sub = argv[i + 1];
    const spec = sub === undefined ? undefined : commands.find((c) => c.group === word && (c.name === sub || c.aliases?.includes(sub)));
    return spec ? { spec, name: spec.name, group: word as CommandGroup } : undefined;
  }
  const spec = commands.find((c) => (!c.group && (c.name === word || c.aliases?.includes(word))) || c.topLevel?.includes(word));
  return spec ? { spec, name: spec.group ? word : spec.name } : undefined;
}

// docker's flag errors (unknown flag, bad value) exit 125; argument-count errors exit 1.
function reportUsage(e: CommanderError, argv: string[]): number {
  if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
  const words = argv.filter((a, i) => !a.startsWith('-') && !(i > 0 && ['--root', '--runroot', '--log-level', '-l', '--config'].includes(argv[i - 1]!)));
  const cmd = words.slice(0, words[0] && words[0] in GROUPS ? 2 : 1).join(' ');
  const msg = e.message.replace(/^error: /, '');
  const flag = /unknown option '([^']+)'/.exec(msg);
  const help = `See 'berth ${cmd ? `${cmd} ` : ''}--help'.`;
  switch (e.code) {
    case 'commander.unknownOption':
      err(`unknown flag: ${flag?.[1] ?? msg}\n${help}\n`);
      return 125;
    case 'commander.optionMissingArgument':
    case 'commander.invalidArgument':
    case 'commander.missingMandatoryOptionValue':
      err(`invalid argument: ${msg}\n${help}\n`);
      return 125;
    case 'commander.unknownCommand': {
      const m = /unknown command '([^']+)'/.exec(msg);
      err(`berth: '${m?.[1] ?? cmd}' is not a berth command.\nSee 'berth --help'\n`);
      return 1;
    }
    default:
      err(`"berth ${cmd}" ${msg}\n${help}\n`);
      return 1;
  }
}

function reportError(logger: Logger, e: unknown): number {
  if (e instanceof BerthError) {
    err(`Error: ${e.message}\n`);
    if (logger.debugEnabled) {
      for (let c: unknown = e.cause; c; c = (c as { cause?: unknown }).cause) logger.debug(`caused by: ${messageOf(c)}`);
    }
    return e instanceof UsageError ? 125 : 1;
  }
  err(`Error: internal error: ${messageOf(e)}\n`);
  if (e instanceof Error && e.stack) logger.debug(e.stack);
  return 1;
}
