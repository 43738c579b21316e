import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemError } from '../../lib/errors.ts';
import { makeCgroupFixture } from '../../../test/helpers/cgroup-fixture.ts';
import { parseCgroupUint, parseFlatKeyed, parseNestedKeyed, readCgroupFile, readCgroupFileIfExists, writeCgroupFile } from './cgroup-file.ts';

test('parsers', () => {
  assert.equal(parseCgroupUint('max\n', 'x'), 0xffffffffffffffffn);
  assert.equal(parseCgroupUint('9223372036854771712\n', 'x'), 9223372036854771712n);
  assert.equal(parseCgroupUint('-1', 'x'), 0n);
  assert.throws(() => parseCgroupUint('1.5', 'memory.max'), /parsing memory\.max: "1\.5" is not an integer/);
  assert.deepEqual([...parseFlatKeyed('a 1\nb 2 3\n\n')], [['a', '1'], ['b', '2 3']]);
  assert.deepEqual(
    [...parseNestedKeyed('8:0 rbytes=1 wbytes=2\n8:16 rios=3\n')].map(([k, v]) => [k, Object.fromEntries(v)]),
    [['8:0', { rbytes: '1', wbytes: '2' }], ['8:16', { rios: '3' }]],
  );
});

test('errors name the file, the value and the errno', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1');
  assert.throws(
    () => writeCgroupFile(`${dir}/missing`, 'pids.max', '5'),
    (e: unknown) => e instanceof SystemError && e.errno === 'ENOENT' && e.message === `writing "5" to ${dir}/missing/pids.max: no such file or directory (ENOENT)`,
  );
  assert.throws(() => readCgroupFile(dir, 'nope'), /reading .*\/nope: no such file or directory \(ENOENT\)/);
  assert.equal(readCgroupFileIfExists(dir, 'nope'), undefined);
});
