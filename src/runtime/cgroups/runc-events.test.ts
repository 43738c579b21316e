import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOomEvent, formatStatsEvent } from './runc-events.ts';
import { emptyStats } from './stats.ts';

test('empty stats print what runc prints for a container with no data', () => {
  assert.equal(
    formatStatsEvent('c1', emptyStats()),
    '{"type":"stats","id":"c1","data":{"cpu":{},"cpuset":{"cpu_exclusive":0,"mem_hardwall":0,"mem_exclusive":0,"memory_migrate":0,"memory_spread_page":0,"memory_spread_slab":0,"memory_pressure":0,"sched_load_balance":0,"sched_relax_domain_level":0},"memory":{},"pids":{},"blkio":{},"hugetlb":{},"intel_rdt":{},"network_interfaces":null}}',
  );
});

test('numbers stay exact past 2^53 and zero fields follow runc\'s omitempty/omitzero', () => {
  const s = emptyStats();
  s.cpu.usage.total = 1500000n;
  s.cpu.usage.user = 1000000n;
  s.memory.usage = { usage: 4096n, limit: 0xffffffffffffffffn, max: 0n, failcnt: 0n };
  s.memory.raw = { file: 0n, anon: 4096n };
  s.pids = { current: 2n, limit: 0n };
  s.hugetlb = { '2MB': { usage: 0n, max: 0n, failcnt: 0n } };
  s.blkio.ioServiceBytesRecursive = [{ major: 8n, minor: 0n, op: 'Read', value: 512n }];
  const data = JSON.parse(formatStatsEvent('c1', s)).data as Record<string, unknown>;
  assert.deepEqual(data['cpu'], { usage: { total: 1500000, kernel: 0, user: 1000000 } });
  assert.deepEqual(data['pids'], { current: 2 });
  assert.deepEqual(data['hugetlb'], { '2MB': { failcnt: 0 } });
  assert.deepEqual(data['blkio'], { ioServiceBytesRecursive: [{ major: 8, op: 'Read', value: 512 }] });
  const text = formatStatsEvent('c1', s);
  assert.match(text, /"memory":\{"usage":\{"limit":18446744073709551615,"usage":4096,"failcnt":0\},"raw":\{"anon":4096,"file":0\}\}/);
});

test('oom events', () => {
  assert.equal(formatOomEvent('web'), '{"type":"oom","id":"web"}');
});
