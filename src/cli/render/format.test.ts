import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFormatted } from './format.ts';

const spec = { defaultTable: '{{.Repository}}\\t{{.Tag}}', headers: { '.Repository': 'REPOSITORY', '.Tag': 'TAG' } };
const rows = [{ Repository: 'busybox', Tag: 'latest', Labels: { a: 'b' } }];

test('table, template and json formats', () => {
  assert.equal(renderFormatted(undefined, rows, spec), 'REPOSITORY   TAG\nbusybox      latest\n');
  assert.equal(renderFormatted('table {{.Tag}}', rows, spec), 'TAG\nlatest\n');
  assert.equal(renderFormatted('{{.Repository}}:{{.Tag}}', rows, spec), 'busybox:latest\n');
  assert.equal(renderFormatted('{{json .Labels}} {{index .Labels "a"}} {{upper .Tag}}', rows, spec), '{"a":"b"} b LATEST\n');
  assert.equal(renderFormatted('{{range $k, $v := .Labels}}{{$k}}={{$v}}{{end}}', rows, spec), 'a=b\n');
  // keys sorted, as docker's json of its formatter context prints them
  assert.equal(renderFormatted('json', rows, spec), '{"Labels":{"a":"b"},"Repository":"busybox","Tag":"latest"}\n');
});
