import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adjustDevptsGid } from './devpts-gid.ts';
import { describeContainerIds, hostIdOf } from './id-mappings.ts';
import { describePathBlock, firstUnsearchableDir } from './path-access.ts';
import { defaultSpec } from '../default-spec.ts';
import { checkSpec } from '../validate/checks.ts';
import { InvalidConfigError } from '../../lib/errors.ts';
import type { Spec } from '../../oci/runtime-spec.ts';

function userns(gidSize: number, mutate: (s: Spec) => void = () => {}): Spec {
  const s = defaultSpec();
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: gidSize }];
  mutate(s);
  return s;
}

test('ids map through the first mapping that covers them', () => {
  const maps = [{ containerID: 0, hostID: 1000, size: 1 }, { containerID: 1, hostID: 100000, size: 10 }];
  assert.equal(hostIdOf(maps, 0), 1000);
  assert.equal(hostIdOf(maps, 5), 100004);
  assert.equal(hostIdOf(maps, 11), undefined);
  assert.equal(describeContainerIds(maps), '0, 1-10');
});

test('devpts keeps gid=5 when it is mapped, drops it with a warning when not; the input is not changed', () => {
  const mapped = userns(65536);
  assert.equal(adjustDevptsGid(mapped).spec, mapped);
  const small = userns(1);
  const r = adjustDevptsGid(small);
  assert.deepEqual(r.spec.mounts!.find((m) => m.type === 'devpts')!.options, ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620']);
  assert.deepEqual(small.mounts!.find((m) => m.type === 'devpts')!.options!.includes('gid=5'), true);
  assert.deepEqual(r.warnings, ['mounts[2] (destination "/dev/pts"): gid=5 is dropped: gid 5 is not mapped in linux.gidMappings, so new terminals belong to the group of the process that opens them']);
  // no new user namespace: nothing to adjust
  assert.deepEqual(adjustDevptsGid(defaultSpec()).warnings, []);
});

test('validation: the process\'s uid, gid and additional gids must be mapped in a new user namespace', () => {
  const bundle = mkdtempSync(join(tmpdir(), 'berth-bundle-'));
  mkdirSync(join(bundle, 'rootfs'));
  try {
    const refuses = (field: string, message: RegExp, s: Spec): void => {
      assert.throws(() => checkSpec(s, { bundle, forCreate: true }), (e: unknown) => e instanceof InvalidConfigError && e.field === field && message.test(e.message));
    };
    checkSpec(userns(65536), { bundle, forCreate: true });
    refuses('process.user.uid', /uid 70000 is not mapped in linux\.uidMappings \(container uids 0-65535\)/, userns(65536, (s) => (s.process!.user.uid = 70000)));
    refuses('process.user.gid', /gid 5 is not mapped in linux\.gidMappings \(container gids 0\)/, userns(1, (s) => (s.process!.user.gid = 5)));
    refuses('process.user.additionalGids[1]', /gid 7 is not mapped/, userns(5, (s) => (s.process!.user.additionalGids = [1, 7])));
  } finally {
    rmSync(bundle, { recursive: true, force: true });
  }
});

test('the first directory a uid cannot search is named, with its mode, owner and the class to fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-access-'));
  try {
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'a'), 0o750);
    const block = firstUnsearchableDir(join(dir, 'a', 'b'), 123456, [654321]);
    assert.deepEqual(block && { dir: block.dir, mode: block.mode, cls: block.cls }, { dir: join(dir, 'a'), mode: 0o750, cls: 'o' });
    assert.equal(describePathBlock('uid 123456', block!), `uid 123456 cannot search "${join(dir, 'a')}" (mode 0750, owner 0:0): make it searchable (chmod o+x "${join(dir, 'a')}") or move the bundle`);
    assert.equal(firstUnsearchableDir(join(dir, 'a', 'b'), 123456, [0])?.dir, undefined, 'group 0 may search a 0750 root-group directory');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
