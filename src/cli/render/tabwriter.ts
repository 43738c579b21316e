// Go's text/tabwriter (elastic tabstops) as docker's fork of it uses it for every table:
// cells are terminated by '\t' (or '\v'), lines by '\n' (or '\f', which also ends the column
// block); a column is a run of consecutive lines that have a cell in it, and each column is as
// wide as its widest cell plus padding, but at least minWidth. Text after the last tab of a line
// is not part of any column.
//
// Docker measures cells in terminal columns (go-runewidth), Go's own package in code points;
// `cellWidth` picks the rule. Go's Escape (0xff) and FilterHTML modes are left out: docker uses
// neither, and U+00FF is an ordinary letter in a JS string.
import { displayWidth } from './display-width.ts';
import { runeCount } from './go-template/utf8-bytes.ts';

export interface TabWriterOptions {
  minWidth: number;
  tabWidth: number;
  padding: number;
  padChar: string;
  alignRight?: boolean;
  // handle empty columns terminated only by '\v' as if they were not there
  discardEmptyColumns?: boolean;
  // pad leading empty cells with tabs whatever the padding character
  tabIndent?: boolean;
  // print '|' between columns
  debug?: boolean;
  cellWidth?: (text: string) => number;
}

// docker's table settings: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0), widths in columns.
export const dockerTableOptions: TabWriterOptions = { minWidth: 10, tabWidth: 1, padding: 3, padChar: ' ', cellWidth: displayWidth };

// Go's text/tabwriter measure: one column per code point.
export const goCellWidth = runeCount;

interface Cell {
  text: string;
  width: number;
  htab: boolean;
}

export class TabWriter {
  readonly #opt: Required<TabWriterOptions>;
  #out = '';
  // text of the cell being written (Go keeps one buffer and sizes; a JS string per cell avoids
  // re-slicing a growing string)
  #cellText = '';

  #lines: Cell[][] = [[]];
  #widths: number[] = [];

  constructor(options: TabWriterOptions) {
    if (options.minWidth < 0 || options.tabWidth < 0 || options.padding < 0) {
      throw new RangeError('negative minwidth, tabwidth, or padding');
    }
    this.#opt = {
      alignRight: false, discardEmptyColumns: false, tabIndent: false, debug: false, cellWidth: displayWidth,
      ...options,
    };
    if (options.padChar === '\t') this.#opt.alignRight = false;
  }

  #reset(): void {
    this.#cellText = '';
    this.#lines = [[]];
    this.#widths = [];
  }

  // `measure` is false only for the text after the last line break at a flush, which belongs
  // to no column (Go leaves its width at zero too).
  #terminateCell(htab: boolean, measure = true): number {
    const text = this.#cellText;
    const line = this.#lines[this.#lines.length - 1]!;
    line.push({ text, width: measure && text !== '' ? this.#opt.cellWidth(text) : 0, htab });
    this.#cellText = '';
    return line.length;
  }

  #writePadding(textw: number, cellw: number, useTabs: boolean): void {
    const { padChar, tabWidth } = this.#opt;
    if (padChar === '\t' || useTabs) {
      if (tabWidth === 0) return;
      cellw = Math.ceil(cellw / tabWidth) * tabWidth;
      const n = cellw - textw;
      if (n < 0) throw new Error('internal error: tabwriter padding is negative');
      this.#out += '\t'.repeat(Math.ceil(n / tabWidth));
      return;
    }
    if (cellw > textw) this.#out += padChar.repeat(cellw - textw);
  }

  #writeLines(line0: number, line1: number): void {
    const { alignRight, debug, tabIndent } = this.#opt;
    for (let i = line0; i < line1; i++) {
      const line = this.#lines[i]!;
      let useTabs = tabIndent;
      for (let j = 0; j < line.length; j++) {
        const c = line[j]!;
        if (j > 0 && debug) this.#out += '|';
        if (c.text === '') {
          if (j < this.#widths.length) this.#writePadding(c.width, this.#widths[j]!, useTabs);
          continue;
        }
        useTabs = false;
        const text = c.text;
        if (!alignRight) {
          this.#out += text;
          if (j < this.#widths.length) this.#writePadding(c.width, this.#widths[j]!, false);
        } else {
          if (j < this.#widths.length) this.#writePadding(c.width, this.#widths[j]!, false);
          this.#out += text;
        }
      }
      if (i + 1 === this.#lines.length) {
        // the last buffered line has no newline yet: write what is pending of it
        this.#out += this.#cellText;
      } else {
        this.#out += '\n';
      }
    }
  }

  #format(line0: number, line1: number): void {
    const column = this.#widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= this.#lines[row]!.length - 1) continue;
      // this line has a cell in this column: it starts a block of lines that all do
      this.#writeLines(line0, row);
      line0 = row;
      let width = this.#opt.minWidth;
      let discardable = true;
      for (; row < line1; row++) {
        const line = this.#lines[row]!;
        if (column >= line.length - 1) break;
        const c = line[column]!;
        const w = c.width + this.#opt.padding;
        if (w > width) width = w;
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && this.#opt.discardEmptyColumns) width = 0;
      this.#widths.push(width);
      this.#format(line0, row);
      this.#widths.pop();
      line0 = row;
    }
    this.#writeLines(line0, line1);
  }

  #flushInternal(): void {
    if (this.#cellText !== '') this.#terminateCell(false, false);
    this.#format(0, this.#lines.length);
    this.#reset();
  }

  write(text: string): void {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 0x09 && ch !== 0x0b && ch !== 0x0a && ch !== 0x0c) continue;
      this.#cellText += text.slice(n, i);
      n = i + 1;
      const ncells = this.#terminateCell(ch === 0x09);
      if (ch === 0x0a || ch === 0x0c) {
        this.#lines.push([]);
        // a line of one cell cannot affect later columns: format what is buffered now
        if (ch === 0x0c || ncells === 1) {
          this.#flushInternal();
          if (ch === 0x0c && this.#opt.debug) this.#out += '---\n';
        }
      }
    }
    this.#cellText += text.slice(n);
  }

  // Formats everything buffered and returns all output produced since the last call.
  flush(): string {
    this.#flushInternal();
    const out = this.#out;
    this.#out = '';
    return out;
  }
}

// Aligns a whole text at once.
export function alignColumns(text: string, options: TabWriterOptions = dockerTableOptions): string {
  const w = new TabWriter(options);
  w.write(text);
  return w.flush();
}
