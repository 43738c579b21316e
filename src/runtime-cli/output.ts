import { writeSync } from 'node:fs';

// Direct writes: process.stdout would switch a shared pipe to non-blocking mode, which the
// container (holding the same stdio) would then see.
export function out(text: string): void {
  writeSync(1, text);
}

export function err(text: string): void {
  writeSync(2, text);
}

// Go's text/tabwriter as runc uses it (minwidth 12, tabwidth 1, padding 3): each column as
// wide as its widest cell plus padding; the last column is not padded.
export function tabwriter(rows: string[][], minWidth = 12, padding = 3): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(Math.max(minWidth, widths[i]! + padding)))).join(''))
    .map((l) => `${l}\n`)
    .join('');
}
