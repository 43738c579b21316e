import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

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

// Every entry the log files hold, oldest first.
export function readLogEntries(path: string): LogEntry[] {
  return new LogFollower(path).poll({ final: true });
}

// Reads the log from its oldest file on, and on each poll what was written since, across any
// number of rotations in between: it keeps the inode of the file it is in and where, finds that
// file again among <log>.N ... <log>.1, <log> (wherever rotation renamed it), reads it to its
// end and then every newer file whole. Only files that rotation dropped before a poll are lost
// (as with docker, whose follower also reads the live file).
export class LogFollower {
  readonly #path: string;
  #ino = 0;
  #offset = 0;
  #rest: Buffer = Buffer.alloc(0);
  readonly #partial = new Map<string, LogEntry>();

  constructor(path: string) {
    this.#path = path;
  }

  // `final`: nothing more will come (the container stopped): an unfinished line is returned too
  poll(o: { final?: boolean } = {}): LogEntry[] {
    const out: LogEntry[] = [];
    // a rename between listing the files and opening one: list again
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.#readNew(out)) break;
    }
    if (o.final) {
      if (this.#rest.length > 0) parseLines(`${this.#rest.toString('utf8')}\n`, out, this.#partial);
      this.#rest = Buffer.alloc(0);
      for (const p of this.#partial.values()) out.push(p);
      this.#partial.clear();
    }
    return out;
  }

  // false when the files moved under it
  #readNew(out: LogEntry[]): boolean {
    const files: { path: string; ino: number }[] = [];
    for (const f of logFiles(this.#path)) {
      try {
        files.push({ path: f, ino: statSync(f).ino });
      } catch {
        return false;
      }
    }
    let from = files.findIndex((f) => f.ino === this.#ino);
    if (from < 0) {
      // the start, or our file was dropped: from the oldest one there is
      from = 0;
      this.#offset = 0;
      this.#rest = Buffer.alloc(0);
    }
    for (let i = from; i < files.length; i++) {
      const f = files[i]!;
      let fd: number;
      try {
        fd = openSync(f.path, 'r');
      } catch {
        return false;
      }
      try {
        if (fstatSync(fd).ino !== f.ino) return false;
        if (f.ino !== this.#ino) {
          this.#ino = f.ino;
          this.#offset = 0;
        }
        this.#readFrom(fd, out);
      } finally {
        closeSync(fd);
      }
    }
    return true;
  }

  #readFrom(fd: number, out: LogEntry[]): void {
    const buf = Buffer.alloc(65536);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, this.#offset);
      if (n <= 0) break;
      this.#offset += n;
      // whole lines only: a line the monitor is still writing is kept for the next poll, as bytes
      // (a chunk may end inside a UTF-8 sequence)
      const data = this.#rest.length ? Buffer.concat([this.#rest, buf.subarray(0, n)]) : Buffer.from(buf.subarray(0, n));
      const cut = data.lastIndexOf(0x0a);
      this.#rest = cut < 0 ? data : data.subarray(cut + 1);
      if (cut >= 0) parseLines(data.subarray(0, cut + 1).toString('utf8'), out, this.#partial);
    }
  }
}
