import { writeSync } from 'node:fs';

// Direct writes: process.stdout would switch a pipe shared with a container to non-blocking
// mode. EAGAIN (a non-blocking pipe set up by someone else) is retried; EPIPE ends quietly.
function writeAll(fd: number, text: string | Uint8Array): void {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return;
      throw e;
    }
  }
}

export function out(text: string | Uint8Array): void {
  writeAll(1, text);
}

export function err(text: string | Uint8Array): void {
  writeAll(2, text);
}

// Go's text/tabwriter as docker's tables use it (minwidth 10, tabwidth 1, padding 3): each
// column as wide as its widest cell plus padding; the last column is not padded.
export function tabwriter(rows: string[][], minWidth = 10, padding = 3): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(Math.max(minWidth, widths[i]! + padding)))).join(''))
    .map((l) => `${l.trimEnd()}\n`)
    .join('');
}
