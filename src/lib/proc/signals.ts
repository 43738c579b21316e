import { constants } from 'node:os';
import { UsageError } from '../errors.ts';

const byNumber = new Map<number, string>();
for (const [name, n] of Object.entries(constants.signals)) if (!byNumber.has(n)) byNumber.set(n, name);

// "KILL", "SIGKILL", "kill" or "9" -> 9, as runc and docker accept them.
export function parseSignal(text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 64) return n;
    throw new UsageError(`invalid signal "${text}": numbers go from 1 to 64`);
  }
  const upper = text.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? /^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (rt) {
    const off = Number(rt[1] ?? 0);
    const n = name.startsWith('SIGRTMIN') ? 34 + off : 64 - off;
    if (n >= 34 && n <= 64) return n;
  }
  const n = (constants.signals as Record<string, number>)[name];
  if (n === undefined) throw new UsageError(`invalid signal "${text}"`);
  return n;
}

export function signalName(n: number): string {
  return byNumber.get(n) ?? `signal ${n}`;
}

// The signals a foreground `run`/`exec` passes on to the container (runc forwards all but
// SIGCHLD, SIGWINCH and SIGURG; these are the ones Node can catch and does not use itself:
// SIGPROF and SIGVTALRM belong to its profiler).
export const FORWARDED_SIGNALS: NodeJS.Signals[] = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGCONT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGPWR', 'SIGXCPU', 'SIGXFSZ',
];

// Forwards signals to `pid` until the returned function is called.
export function forwardSignals(pid: () => number | undefined, winchTo?: () => number | undefined): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of FORWARDED_SIGNALS) {
    const h = (): void => {
      const p = pid();
      if (p) {
        try {
          process.kill(p, sig);
        } catch {
          // already gone: its exit is on its way
        }
      }
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  if (winchTo) {
    const h = (): void => {
      const p = winchTo();
      if (p) {
        try {
          process.kill(p, 'SIGWINCH');
        } catch {
          // gone
        }
      }
    };
    handlers.set('SIGWINCH', h);
    process.on('SIGWINCH', h);
  }
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
  };
}

// A wait status as a shell reports it: the exit code, or 128 + the signal.
export function exitCodeOf(waitStatus: number): number {
  const sig = waitStatus & 0x7f;
  if (sig === 0) return (waitStatus >> 8) & 0xff;
  return 128 + sig;
}
