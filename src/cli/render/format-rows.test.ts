// formatRows against a Go program doing what docker's formatter.Context.Write does (the oracle in
// testdata/go-oracle.go: Go's text/template and text/tabwriter with docker's settings). Rows use
// characters one column wide, where docker's go-runewidth and Go's rune count agree.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TemplateError } from './go-template/template-error.ts';
import { formatRows, headerFromFieldName, prepareFormat } from './format-rows.ts';
import { psHeaders, psRows } from './go-template/testdata/docker-data.ts';
import { encodeGoData, goOracle, runOracle, type OracleResult } from './testdata/go-oracle.ts';

const rows = psRows();
const defaultPs = 'table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}';

interface Case {
  format: string;
  rows: unknown[];
}

const cases: Case[] = [
  { format: defaultPs, rows },
  { format: defaultPs, rows: [] },
  { format: 'table {{.ID}}\t{{.Names}}', rows },
  { format: 'table {{.Names}}\\t{{.Status}}\\t{{.Labels}}', rows },
  { format: 'table', rows },
  { format: 'table{{.ID}}', rows },
  { format: '  table {{.ID}}  ', rows },
  { format: '{{.ID}}', rows },
  { format: '{{.ID}}\\t{{.Names}}\\n', rows },
  { format: '  {{.Names}}  ', rows },
  { format: 'json', rows },
  { format: '{{json .}}', rows: rows.slice(0, 1) },
  { format: 'table {{upper .Names}}\\t{{lower .State}}\\t{{title .Status}}\\t{{json .ID}}', rows },
  { format: 'table {{truncate .ID 4}}\\t{{split .Networks ","}}\\t{{join (split .Networks ",") "+"}}', rows },
  { format: 'table {{pad .Names 1 1}}\\t{{.ID}}', rows },
  { format: 'table {{.Image}}\\t{{.NoSuchHeader}}', rows: rows.map(({ Image }) => ({ Image, NoSuchHeader: 'x' })) },
  { format: 'table {{.ID}}\\t{{printf "%.3s" .Names}}\\t{{len .Names}}', rows },
  { format: 'table {{.ID}}\\t{{if eq .State "running"}}up{{else}}down{{end}}', rows },
  { format: 'table {{range $i, $n := split .Networks ","}}{{if $i}} {{end}}{{$n}}{{end}}\\t{{.ID}}', rows },
  { format: 'table {{.ID}}\\t{{.Mounts.Name}}', rows },
  { format: 'table {{.ID', rows },
  { format: '{{.ID}} {{index .Names 1}}', rows },
  { format: 'table {{.ID}}\\t{{index .Names 1}}', rows: [] },
  { format: 'table {{.Labels}}', rows: [{ Labels: 'a=b' }, { Labels: '' }] },
];

function headersFor(format: string): Record<string, string> {
  // formatRows names fields that have no docker header from the field name: give Go the same map
  const names: Record<string, string> = {};
  const { template } = prepareFormat(format, { defaultTableFormat: defaultPs });
  for (const f of template.fieldNames()) names[f] = headerFromFieldName(f);
  return { ...names, ...psHeaders };
}

function run(format: string, data: unknown[]): { out: string; err: string | null } {
  try {
    return { out: formatRows(format, data, { headers: psHeaders, defaultTableFormat: defaultPs }), err: null };
  } catch (e) {
    if (e instanceof TemplateError) return { out: '', err: e.message };
    throw e;
  }
}

const oracle = goOracle();
const skip = oracle === null ? 'go is not installed (install.sh installs golang-go): no oracle to compare with' : false;
let results: OracleResult[] = [];

before(() => {
  if (oracle === null) return;
  results = runOracle(cases.map((c) => {
    let headers: Record<string, string> = psHeaders;
    try {
      headers = headersFor(c.format);
    } catch {
      // a format that does not parse has no header
    }
    return {
      kind: 'table',
      template: c.format === 'table' ? defaultPs : c.format,
      rows: c.rows.map(encodeGoData),
      headers: encodeGoData(headers),
    };
  }));
});

describe('--format rendering vs docker formatter behaviour in go', () => {
  cases.forEach((c, i) => {
    test(JSON.stringify(c.format), { skip }, () => {
      const got = run(c.format, c.rows);
      const want = results[i]!;
      assert.equal(got.err, want.err);
      assert.equal(got.out, want.out.toString('utf8'));
    });
  });
});

describe('--format details', () => {
  test('default ps table', () => {
    const out = formatRows(defaultPs, rows.slice(0, 2), { headers: psHeaders });
    assert.equal(out.split('\n')[0], 'CONTAINER ID   IMAGE                COMMAND                  CREATED        STATUS                   PORTS                                   NAMES');
  });

  test('header names from field names', () => {
    assert.equal(headerFromFieldName('CreatedAt'), 'CREATED AT');
    assert.equal(headerFromFieldName('IPAddress'), 'IP ADDRESS');
    assert.equal(headerFromFieldName('ID'), 'ID');
    assert.equal(headerFromFieldName('LocalVolumes'), 'LOCAL VOLUMES');
    assert.equal(formatRows('table {{.CreatedAt}}\t{{.Size}}', []), 'CREATED AT   SIZE\n');
  });

  test('errors read as docker prints them', () => {
    assert.throws(() => formatRows('{{.ID', rows), { message: 'template parsing error: template: :1: unclosed action' });
    assert.throws(() => formatRows('{{.Nope.X}}', [{ Nope: 1 }]), {
      message: 'template parsing error: template: :1:7: executing "" at <.Nope.X>: can\'t evaluate field X in type interface {}',
    });
  });

  test('wide characters align by terminal columns', () => {
    const out = formatRows('table {{.Name}}\t{{.ID}}', [{ Name: '日本語の名前', ID: '1' }, { Name: 'web', ID: '2' }]);
    assert.equal(out, 'NAME           ID\n日本語の名前   1\nweb            2\n');
  });
});
