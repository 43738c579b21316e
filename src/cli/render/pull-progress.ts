// Progress of a pull or push as docker shows it. On a terminal: a line per layer, rewritten in
// place (`<id>: Downloading [=====>     ]  1.2MB/3.4MB`). Otherwise: one plain line per status
// change, never a progress bar, so logs stay readable. Quiet: nothing.
import { humanSize } from './units.ts';
import { out } from './output.ts';

export interface ProgressEvent {
  id: string;
  status: string;
  current?: number;
  total?: number;
  detail?: string;
}

const BAR_WIDTH = 50;

export function progressBar(current: number, total: number): string {
  if (total <= 0) return humanSize(current, 4);
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.floor((current / total) * BAR_WIDTH)));
  const bar = filled === 0 ? ' '.repeat(BAR_WIDTH) : `${'='.repeat(filled - 1)}>${' '.repeat(BAR_WIDTH - filled)}`;
  return `[${bar}] ${humanSize(current, 4).padStart(8)}/${humanSize(total, 4)}`;
}

export class ProgressRenderer {
  readonly #tty: boolean;
  readonly #quiet: boolean;
  readonly #ids: string[] = [];
  readonly #last = new Map<string, string>();

  readonly #write: (text: string) => void;

  // `write`: stdout by default; `run` sends a pull's progress to stderr, as docker does
  constructor(o: { tty: boolean; quiet: boolean; write?: (text: string) => void }) {
    this.#write = o.write ?? out;
    this.#tty = o.tty;
    this.#quiet = o.quiet;
  }

  line(text: string): void {
    if (!this.#quiet) this.#write(`${text}\n`);
  }

  event(e: ProgressEvent): void {
    if (this.#quiet) return;
    const progress = e.current !== undefined && e.total !== undefined;
    if (!this.#tty) {
      // plain output: status changes only
      if (progress || this.#last.get(e.id) === e.status) return;
      this.#last.set(e.id, e.status);
      this.#write(`${e.id}: ${e.status}${e.detail ? ` ${e.detail}` : ''}\n`);
      return;
    }
    const text = `${e.id}: ${e.status}${progress ? ` ${progressBar(e.current!, e.total!)}` : ''}${e.detail ? ` ${e.detail}` : ''}`;
    let index = this.#ids.indexOf(e.id);
    if (index < 0) {
      this.#ids.push(e.id);
      this.#write(`${text}\n`);
      return;
    }
    const up = this.#ids.length - index;
    this.#write(`\x1b[${up}A\r\x1b[2K${text}\x1b[${up}B\r`);
  }
}
