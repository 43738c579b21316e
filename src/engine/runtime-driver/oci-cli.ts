import { spawn, type StdioOptions } from 'node:child_process';
import { BerthError } from '../../lib/errors.ts';

export interface OciCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// runc writes its errors as logrus lines (`time=... level=error msg="..."`); crun as plain text.
// The message the user needs is the msg, unquoted.
export function runtimeMessage(stderr: string): string {
  const lines: string[] = [];
  for (const line of stderr.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const m = /\blevel=(\w+) msg="((?:[^"\\]|\\.)*)"/.exec(t);
    if (m) {
      if (m[1] === 'error' || m[1] === 'fatal') lines.push(m[2]!.replace(/\\(.)/g, '$1'));
    } else {
      lines.push(t);
    }
  }
  return [...new Set(lines)].join('; ');
}

// A foreground `exec` stays in our process group (with -t it reads the terminal, which a
// background group may not): what the terminal sends (SIGINT, SIGQUIT) reaches the runtime
// directly, and it forwards it to the process; what is sent to berth alone is passed on.
const TERMINAL_SIGNALS = ['SIGINT', 'SIGQUIT'] as const;
const PASSED_ON = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const;

function relaySignals(pid: number | undefined): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const s of TERMINAL_SIGNALS) handlers.set(s, () => {});
  for (const s of PASSED_ON) {
    handlers.set(s, () => {
      try {
        if (pid) process.kill(pid, s);
      } catch {
        // it has exited
      }
    });
  }
  for (const [s, h] of handlers) process.on(s, h);
  return () => {
    for (const [s, h] of handlers) process.off(s, h);
  };
}

// One call of the runtime's command line, its output captured (or, with stdio, not).
export function runOciCli(argv: string[], opts: { input?: string; stdio?: StdioOptions; relaySignals?: boolean } = {}): Promise<OciCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: opts.stdio ?? [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const unrelay = opts.relaySignals ? relaySignals(child.pid) : () => {};
    child.on('close', unrelay);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => {
      unrelay();
      reject(new BerthError('E_RUNTIME_EXEC', `executing ${argv[0]}: ${err.message}`));
    });
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + (signal ? 9 : 0), stdout, stderr }));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

// The call, failing with the runtime's own message.
export async function ociCall(name: string, argv: string[], verb: string, input?: string): Promise<string> {
  const r = await runOciCli(argv, input === undefined ? {} : { input });
  if (r.code !== 0) throw new BerthError('E_OCI_RUNTIME', `${name} ${verb}: ${runtimeMessage(r.stderr) || `exit status ${r.code}`}`);
  return r.stdout;
}
