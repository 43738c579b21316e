import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidCpuList, parseCpuList } from './cpu-list.ts';

test('cpu lists', () => {
  for (const ok of ['', '0', '0-3', '0-3,8', '1,3,5-7']) assert.equal(isValidCpuList(ok), true, ok);
  for (const bad of ['a', '3-1', '0-', ',1', '1,,2', '0 1', '-1']) assert.equal(isValidCpuList(bad), false, bad);
  assert.deepEqual(parseCpuList('0-2,5\n'), [0, 1, 2, 5]);
  assert.deepEqual(parseCpuList(''), []);
});
