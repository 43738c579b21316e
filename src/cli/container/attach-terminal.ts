import { isatty } from 'node:tty';
import { signalContainer, type AttachSession, type EngineContext } from '../../engine/index.ts';
import { FORWARDED_SIGNALS } from '../../lib/proc/signals.ts';
import { DetachMatcher } from './detach-keys.ts';

// Our side of an attached container: stdin to it (raw on a terminal, with the window size kept
// in step), and without a terminal our signals forwarded to it (docker's --sig-proxy). Returns
// the function that undoes all of it. With a terminal and stdin, the detach keys (docker's
// ctrl-p ctrl-q by default) call onDetach instead of reaching the container.
export interface TerminalOptions {
  tty: boolean;
  stdin: boolean;
  detachKeys?: number[];
  onDetach?: () => void;
}

export function attachTerminal(engine: EngineContext, id: string, session: AttachSession, o: TerminalOptions): () => void {
  const undo: (() => void)[] = [];
  if (o.stdin) {
    // only with -i: process.stdin's getter builds a stream (~4 ms of a run)
    const stdin = process.stdin;
    if (o.tty && stdin.isTTY) {
      stdin.setRawMode(true);
      undo.push(() => stdin.setRawMode(false));
    }
    const matcher = o.tty && o.onDetach && o.detachKeys?.length ? new DetachMatcher(o.detachKeys) : undefined;
    let detached = false;
    const onData = (d: Buffer): void => {
      if (detached) return;
      if (!matcher) return session.stdin(d);
      const r = matcher.feed(d);
      if (r.forward.length > 0) session.stdin(r.forward);
      if (r.detach) {
        detached = true;
        o.onDetach!();
      }
    };
    const onEnd = (): void => session.closeStdin();
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    undo.push(() => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      stdin.destroy();
    });
  }
  // isatty: process.stdout on a pipe would make it non-blocking (run writes with writeSync)
  if (o.tty && isatty(1)) {
    const resize = (): void => session.resize(process.stdout.rows, process.stdout.columns);
    resize();
    process.on('SIGWINCH', resize);
    undo.push(() => process.off('SIGWINCH', resize));
  }
  if (!o.tty) {
    // the CLI's own Ctrl-C handling steps aside while the container gets the signals
    const saved = FORWARDED_SIGNALS.map((sig) => [sig, process.listeners(sig)] as const);
    for (const [sig] of saved) process.removeAllListeners(sig);
    const handlers: [NodeJS.Signals, () => void][] = FORWARDED_SIGNALS.map((sig) => [
      sig,
      () => {
        signalContainer(engine, id, sig).catch(() => {});
      },
    ]);
    for (const [s, h] of handlers) process.on(s, h);
    undo.push(() => {
      for (const [s, h] of handlers) process.off(s, h);
      for (const [sig, ls] of saved) for (const l of ls) process.on(sig, l as () => void);
    });
  }
  return () => {
    for (const u of undo.reverse()) u();
  };
}
