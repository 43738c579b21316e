import { appendFileSync, writeSync } from 'node:fs';

// Written with writeSync: process.stderr would make a pipe shared with the container non-blocking.
// runc's log shapes (logrus), because containerd and podman parse them: with --log-format json
// each line is {"level","msg","time"}; text is `time="..." level=error msg="..."`.
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  file?: string;
  format?: LogFormat;
  debug?: boolean;
}

export class Logger {
  readonly #file: string | undefined;
  readonly #format: LogFormat;
  readonly #debug: boolean;

  constructor(options: LoggerOptions = {}) {
    this.#file = options.file;
    this.#format = options.format ?? 'text';
    this.#debug = options.debug ?? false;
  }

  get debugEnabled(): boolean {
    return this.#debug;
  }

  debug(msg: string): void {
    if (this.#debug) this.#write('debug', msg);
  }

  info(msg: string): void {
    this.#write('info', msg);
  }

  // Warnings go to the log file when there is one, and always to stderr: a user must see them.
  warn(msg: string): void {
    this.#write('warning', msg);
    if (this.#file !== undefined) writeSync(2, `warning: ${msg}\n`);
  }

  // Errors reach stderr even with --log: the caller (containerd, podman, a user) reads one of them.
  error(msg: string): void {
    this.#write('error', msg);
    if (this.#file !== undefined) writeSync(2, `${msg}\n`);
  }

  #write(level: LogLevel, msg: string): void {
    const time = new Date().toISOString();
    let line: string;
    if (this.#format === 'json') {
      line = JSON.stringify({ level, msg, time });
    } else if (this.#file === undefined) {
      line = level === 'warning' ? `warning: ${msg}` : level === 'error' ? msg : `${level}: ${msg}`;
    } else {
      line = `time="${time}" level=${level} msg=${JSON.stringify(msg)}`;
    }
    if (this.#file === undefined) {
      writeSync(2, `${line}\n`);
      return;
    }
    try {
      appendFileSync(this.#file, `${line}\n`);
    } catch {
      writeSync(2, `${line}\n`);
    }
  }
}

// Until the CLI has parsed --log, messages go to stderr.
export let log = new Logger();

export function setLogger(logger: Logger): void {
  log = logger;
}
