// What every command gets: the global options, resolved once.
import type { LogLevel } from '../lib/log.ts';

export interface CliContext {
  root: string;
  logLevel: LogLevel;
  // docker's client config directory (config.json with registry credentials)
  configDir: string | undefined;
  // aborted on the first Ctrl-C (SIGINT) or SIGTERM
  signal: AbortSignal;
  stdoutIsTTY: boolean;
}
