import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { freezeV2, readV2FreezerState, thawV2 } from './freezer.ts';

// The fixture's "kernel" reports frozen in cgroup.events a little after cgroup.freeze changes.
function withKernel(t: { after(fn: () => void): void }, delayMs: number | undefined) {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', V2_LEAF_FILES);
  const timers: NodeJS.Timeout[] = [];
  t.after(() => timers.forEach(clearTimeout));
  fx.onWrite((file, value) => {
    if (!file.endsWith('cgroup.freeze') || delayMs === undefined) return;
    timers.push(setTimeout(() => writeFileSync(join(dir, 'cgroup.events'), `populated 1\nfrozen ${value}\n`), delayMs));
  });
  return { fx, dir };
}

test('freeze writes cgroup.freeze 1 and waits for "frozen 1"; thaw the reverse', async (t) => {
  const { fx, dir } = withKernel(t, 30);
  assert.equal(readV2FreezerState(dir), 'thawed');
  const freezing = freezeV2(dir);
  assert.equal(readV2FreezerState(dir), 'freezing');
  await freezing;
  assert.equal(readV2FreezerState(dir), 'frozen');
  await thawV2(dir);
  assert.equal(readV2FreezerState(dir), 'thawed');
  assert.deepEqual(fx.writes().map((w) => w.value), ['1', '0']);
});

test('a cgroup that never reports frozen is thawed and the freeze fails', async (t) => {
  const { fx, dir } = withKernel(t, undefined);
  await assert.rejects(freezeV2(dir, 100), /did not report "frozen 1" within 100 ms; thawed it again/);
  assert.deepEqual(fx.writes().map((w) => w.value), ['1', '0']);
});
