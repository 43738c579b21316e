// What every command gets: the global options, resolved once.
import type { LogLevel } from '../lib/log.ts';

export interface CliContext {
  root: string;
  // runtime state that a reboot may empty (--runroot, BERTH_RUNROOT)
  runroot: string;
  logLevel: LogLevel;
  // docker's client config directory (config.json with registry credentials)
  configDir: string | undefined;
  // aborted on the first Ctrl-C (SIGINT) or SIGTERM
  signal: AbortSignal;
  stdoutIsTTY: boolean;
}
