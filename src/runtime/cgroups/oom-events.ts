import { watch, type FSWatcher } from 'node:fs';

// OOM kills of a container, for `berth-runtime events` ({"type":"oom"} lines) and the engine.
//
// runc registers an eventfd on memory.oom_control through cgroup.event_control (v1), and
// inotify on memory.events (v2). Node can create neither an eventfd nor pass one to the
// kernel that way, so berth counts instead: the kernel keeps a running total of OOM kills per
// memory cgroup (v1: memory.oom_control's oom_kill, Linux 4.13+; v2: memory.events' oom_kill),
// and a reader that remembers the last total knows how many happened since. On v2, a change of
// memory.events raises an inotify event, which fs.watch delivers, so a v2 watcher is woken by
// the kernel; on v1 it polls. A missed poll loses nothing: the next one sees the whole count.

export interface OomKillSource {
  oomKillCount(): bigint;
  oomNotifyFile(): string | undefined;
}

// Counts from the moment it is made: kills before that are history, not events.
export class OomKillCounter {
  readonly #source: OomKillSource;
  #last: bigint;

  constructor(source: OomKillSource) {
    this.#source = source;
    this.#last = source.oomKillCount();
  }

  // OOM kills since the previous call (or since the counter was made)
  newKills(): number {
    const now = this.#source.oomKillCount();
    // a counter that went down belongs to a new cgroup of the same path: start from it
    const delta = now >= this.#last ? now - this.#last : now;
    this.#last = now;
    return Number(delta);
  }
}

export interface OomWatch {
  close(): void;
}

// Calls `onKills(n)` whenever n new OOM kills are seen. v2: woken by memory.events changing,
// with a slow poll as a safety net; v1: polls every `intervalMs`. Errors reading the count
// (the cgroup went away with the container) end the watch through `onEnd`.
export function watchOomKills(source: OomKillSource, onKills: (count: number) => void, options: { intervalMs?: number; onEnd?: (err: unknown) => void } = {}): OomWatch {
  const counter = new OomKillCounter(source);
  let watcher: FSWatcher | undefined;
  let closed = false;
  const check = (): void => {
    if (closed) return;
    try {
      const n = counter.newKills();
      if (n > 0) onKills(n);
    } catch (err) {
      stop();
      options.onEnd?.(err);
    }
  };
  const file = source.oomNotifyFile();
  if (file) {
    try {
      watcher = watch(file, { persistent: false }, check);
      watcher.on('error', () => {});
    } catch {
      watcher = undefined;
    }
  }
  const interval = options.intervalMs ?? (watcher ? 5000 : 1000);
  const timer = setInterval(check, interval);
  timer.unref();
  function stop(): void {
    closed = true;
    clearInterval(timer);
    watcher?.close();
  }
  return { close: stop };
}
