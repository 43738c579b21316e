// TabWriter against Go's text/tabwriter (the oracle in testdata/go-oracle.go), measuring cells
// in code points as Go's package does; docker's column widths get their own cases below.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { displayWidth } from './display-width.ts';
import { TabWriter, alignColumns, dockerTableOptions, goCellWidth, type TabWriterOptions } from './tabwriter.ts';
import { goOracle, runOracle, type OracleResult } from './testdata/go-oracle.ts';

interface Case {
  input: string;
  minwidth?: number;
  tabwidth?: number;
  padding?: number;
  padchar?: string;
  flags?: number;
}

// text/tabwriter's flag bits
const AlignRight = 4;
const DiscardEmptyColumns = 8;
const TabIndent = 16;
const Debug = 32;

const cases: Case[] = [
  { input: '' },
  { input: 'no tabs at all' },
  { input: 'no newline\tat end' },
  { input: 'a\tb\tc\naa\tbb\tcc\naaa\tbbb\tccc\n' },
  { input: 'CONTAINER ID\tIMAGE\tNAMES\n4fa6e0f0c678\tnginx:1.25\tweb\n9c1b2d3e4f5a\tpostgres:16-alpine\tdb\n' },
  { input: 'a\tb\n\nc\td\n' },
  { input: 'a\tb\nsingle cell line\nc\td\n' },
  { input: 'aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n' },
  { input: '\t\tleading empty\n\tone\n' },
  { input: 'trailing tab\t\nx\t\n' },
  { input: 'é\tü\nlonger\tü\n' },
  { input: 'x\ty\fa\tb\n' },
  { input: 'x\vy\vz\nxx\v\vzz\n' },
  { input: 'a\tb\tc\n', minwidth: 0, padding: 0 },
  { input: 'a\tb\tc\nlonger\tbb\tc\n', minwidth: 5, padding: 1, padchar: '.' },
  { input: 'a\tb\tc\nlonger\tbb\tc\n', padchar: '\t', tabwidth: 8, minwidth: 0, padding: 1 },
  { input: 'a\tb\tc\nlonger\tbb\tc\n', flags: AlignRight, minwidth: 0, padding: 1 },
  { input: 'a\tb\tc\nlonger\tbb\tc\n', flags: Debug, minwidth: 0, padding: 1 },
  { input: 'a\v\vc\nlonger\v\vc\n', flags: DiscardEmptyColumns, minwidth: 0, padding: 1 },
  { input: '\t\tx\n\ty\n', flags: TabIndent, minwidth: 0, padding: 1, tabwidth: 4 },
  { input: 'x\ty\fa\tb\n', flags: Debug },
  { input: 'ID\tNAME\n1\tone\n2\ttwo\n\nID\tNAME\n10\tten\n' },
  { input: 'a\tb\r\nc\td\r\n' },
];

function options(c: Case): TabWriterOptions {
  const flags = c.flags ?? 0;
  return {
    minWidth: c.minwidth ?? 10,
    tabWidth: c.tabwidth ?? 1,
    padding: c.padding ?? 3,
    padChar: c.padchar ?? ' ',
    alignRight: (flags & AlignRight) !== 0,
    discardEmptyColumns: (flags & DiscardEmptyColumns) !== 0,
    tabIndent: (flags & TabIndent) !== 0,
    debug: (flags & Debug) !== 0,
    cellWidth: goCellWidth,
  };
}

const oracle = goOracle();
const skip = oracle === null ? 'go is not installed (install.sh installs golang-go): no oracle to compare with' : false;
let results: OracleResult[] = [];

before(() => {
  if (oracle === null) return;
  results = runOracle(cases.map((c) => ({
    kind: 'tabwriter', input: c.input, minwidth: c.minwidth ?? 10, tabwidth: c.tabwidth ?? 1,
    padding: c.padding ?? 3, padchar: c.padchar ?? ' ', flags: c.flags ?? 0,
  })));
});

describe('tabwriter vs go text/tabwriter', () => {
  cases.forEach((c, i) => {
    test(JSON.stringify(c), { skip }, () => {
      assert.equal(alignColumns(c.input, options(c)), results[i]!.out.toString('utf8'));
    });
  });

  test('writes split anywhere give the same result', { skip }, () => {
    const c = cases[4]!;
    const w = new TabWriter(options(c));
    for (const ch of c.input) w.write(ch);
    assert.equal(w.flush(), results[4]!.out.toString('utf8'));
  });
});

describe('docker column widths', () => {
  test('wide characters take two columns, combining marks none', () => {
    assert.equal(displayWidth('abc'), 3);
    assert.equal(displayWidth('日本語'), 6);
    assert.equal(displayWidth('ｱｲ'), 2);
    assert.equal(displayWidth('e\u0301'), 1);
    assert.equal(displayWidth('👩‍💻'), 2);
    assert.equal(displayWidth('😀x'), 3);
    assert.equal(displayWidth('a\u200bb'), 2);
  });

  test('a table with CJK names lines up on the terminal', () => {
    const out = alignColumns('NAME\tID\n日本\t1\nweb\t2\n', dockerTableOptions);
    assert.equal(out, 'NAME      ID\n日本      1\nweb       2\n');
  });
});
