import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCgroupFixture } from '../../../../test/helpers/cgroup-fixture.ts';
import { freezeV1, readV1FreezerState, thawV1 } from './freezer.ts';

test('freeze writes FROZEN and returns once freezer.state says so; thaw writes THAWED', async (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('freezer/c1', { 'freezer.state': 'THAWED\n' });
  assert.equal(readV1FreezerState(dir), 'thawed');
  await freezeV1(dir);
  assert.equal(readV1FreezerState(dir), 'frozen');
  await thawV1(dir);
  assert.equal(readV1FreezerState(dir), 'thawed');
  assert.deepEqual(fx.writes().map((w) => w.value), ['FROZEN', 'THAWED']);
});

test('FREEZING is waited out', async (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('freezer/c1', { 'freezer.state': 'THAWED\n' });
  const state = join(dir, 'freezer.state');
  // the "kernel": FREEZING from the first FROZEN write until 50 ms later, then FROZEN
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  t.after(() => clearTimeout(timer));
  fx.onWrite((file, value) => {
    if (!file.endsWith('freezer.state') || value !== 'FROZEN') return;
    timer ??= setTimeout(() => {
      done = true;
      writeFileSync(state, 'FROZEN\n');
    }, 50);
    if (!done) writeFileSync(state, 'FREEZING\n');
  });
  assert.equal((await Promise.all([freezeV1(dir), new Promise((r) => setTimeout(r, 10)).then(() => readV1FreezerState(dir))]))[1], 'freezing');
  assert.equal(readV1FreezerState(dir), 'frozen');
  assert.ok(fx.writes().every((w) => w.value === 'FROZEN'));
});

test('a cgroup stuck FREEZING is thawed again and the freeze fails', async (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('freezer/c1', { 'freezer.state': 'THAWED\n' });
  fx.onWrite((file, value) => {
    if (value === 'FROZEN') writeFileSync(join(fx.root, file), 'FREEZING\n');
  });
  await assert.rejects(freezeV1(dir, 200), /still FREEZING after 200 ms .* thawed it again/);
  const values = fx.writes().map((w) => w.value);
  assert.equal(values.at(-1), 'THAWED');
  // thawed and retried at least once before giving up, as runc does
  assert.ok(values.filter((v) => v === 'FROZEN').length >= 2, values.join(' '));
  assert.equal(readV1FreezerState(dir), 'thawed');
});
