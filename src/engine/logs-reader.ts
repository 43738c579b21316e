import { existsSync, readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';

// The monitor's log: CRI lines "<RFC3339Nano> <stdout|stderr> <F|P> <text>", rotated into
// <log>.1 (newer) ... <log>.N (oldest).

export interface LogEntry {
  time: string;
  stream: 'stdout' | 'stderr';
  text: string; // with its newline, unless the container never ended the line
}

function parseLines(text: string, out: LogEntry[], partial: Map<string, LogEntry>): void {
  for (const line of text.split('\n')) {
    if (!line) continue;
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1);
    const c = line.indexOf(' ', b + 1);
    if (a < 0 || b < 0 || c < 0) continue;
    const time = line.slice(0, a);
    const stream = line.slice(a + 1, b) as 'stdout' | 'stderr';
    const tag = line.slice(b + 1, c);
    const body = line.slice(c + 1);
    const pending = partial.get(stream);
    if (tag === 'P') {
      if (pending) pending.text += body;
      else partial.set(stream, { time, stream, text: body });
      continue;
    }
    if (pending) {
      pending.text += `${body}\n`;
      out.push(pending);
      partial.delete(stream);
    } else {
      out.push({ time, stream, text: `${body}\n` });
    }
  }
}

export function logFiles(path: string): string[] {
  const files: string[] = [];
  for (let i = 1; existsSync(`${path}.${i}`); i++) files.unshift(`${path}.${i}`);
  if (existsSync(path)) files.push(path);
  return files;
}

export function readLogEntries(path: string): LogEntry[] {
  const out: LogEntry[] = [];
  const partial = new Map<string, LogEntry>();
  for (const f of logFiles(path)) parseLines(readFileSync(f, 'utf8'), out, partial);
  for (const p of partial.values()) out.push(p);
  return out.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
}

// Follows the newest file from `offset`, noticing rotation (a new inode at the path).
export class LogFollower {
  readonly #path: string;
  #ino = 0;
  #offset = 0;
  #rest = '';
  readonly #partial = new Map<string, LogEntry>();

  constructor(path: string) {
    this.#path = path;
    try {
      const st = statSync(path);
      this.#ino = st.ino;
      this.#offset = st.size;
    } catch {
      // not written yet
    }
  }

  poll(): LogEntry[] {
    let st;
    try {
      st = statSync(this.#path);
    } catch {
      return [];
    }
    const out: LogEntry[] = [];
    if (st.ino !== this.#ino) {
      // rotated: the rest of the old file is now <path>.1
      if (this.#ino !== 0) this.#readFrom(`${this.#path}.1`, out);
      this.#ino = st.ino;
      this.#offset = 0;
    }
    this.#readFrom(this.#path, out);
    return out;
  }

  #readFrom(path: string, out: LogEntry[]): void {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    try {
      const buf = Buffer.alloc(65536);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, this.#offset);
        if (n <= 0) break;
        this.#offset += n;
        const text = this.#rest + buf.subarray(0, n).toString('utf8');
        const cut = text.lastIndexOf('\n');
        this.#rest = cut < 0 ? text : text.slice(cut + 1);
        if (cut >= 0) parseLines(text.slice(0, cut + 1), out, this.#partial);
      }
    } finally {
      closeSync(fd);
    }
  }
}
