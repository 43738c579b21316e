import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCgroupFixture } from '../../../test/helpers/cgroup-fixture.ts';
import { OomKillCounter, watchOomKills } from './oom-events.ts';
import { readV2OomKillCount } from './v2/memory.ts';

test('the counter reports kills since the last call, from its creation on', () => {
  let total = 5n;
  const c = new OomKillCounter({ oomKillCount: () => total, oomNotifyFile: () => undefined });
  assert.equal(c.newKills(), 0);
  total = 7n;
  assert.equal(c.newKills(), 2);
  assert.equal(c.newKills(), 0);
  total = 1n; // a new cgroup at the same path
  assert.equal(c.newKills(), 1);
});

test('v1: polling finds new kills', async () => {
  let total = 0n;
  const seen: number[] = [];
  const w = watchOomKills({ oomKillCount: () => total, oomNotifyFile: () => undefined }, (n) => seen.push(n), { intervalMs: 5 });
  total = 3n;
  await new Promise((r) => setTimeout(r, 40));
  w.close();
  assert.deepEqual(seen, [3]);
});

test('v2: a change of memory.events wakes the watcher (inotify, no polling needed)', async (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', { 'memory.events': 'oom 0\noom_kill 0\n' });
  const file = join(dir, 'memory.events');
  const got = new Promise<number>((resolve) => {
    const w = watchOomKills({ oomKillCount: () => readV2OomKillCount(dir), oomNotifyFile: () => file }, (n) => {
      w.close();
      resolve(n);
    }, { intervalMs: 60_000 });
  });
  writeFileSync(file, 'oom 1\noom_kill 1\n');
  assert.equal(await got, 1);
});

test('a vanished cgroup ends the watch', async () => {
  const ended = await new Promise<unknown>((resolve) => {
    watchOomKills({ oomKillCount: (() => { let n = 0; return () => { if (n++ > 0) throw new Error('gone'); return 0n; }; })(), oomNotifyFile: () => undefined }, () => {}, { intervalMs: 5, onEnd: resolve });
  });
  assert.match(String(ended), /gone/);
});
