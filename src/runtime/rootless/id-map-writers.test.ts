import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseIdMapWriters, ROOT_WRITERS, type SubidFiles } from './id-map-writers.ts';
import { InvalidConfigError, SystemError } from '../../lib/errors.ts';
import type { RuntimeUser } from './runtime-user.ts';

const alice: RuntimeUser = { uid: 1000, gid: 1001, name: 'alice', rootless: true };
const own = { uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }], gidMappings: [{ containerID: 0, hostID: 1001, size: 1 }] };
const range = { uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }] };

function fixture(subuid: string, subgid: string, tools = true): { files: SubidFiles; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-subid-'));
  writeFileSync(join(dir, 'subuid'), subuid);
  writeFileSync(join(dir, 'subgid'), subgid);
  const bin = join(dir, 'bin');
  if (tools) {
    mkdirSync(bin);
    for (const t of ['newuidmap', 'newgidmap']) {
      writeFileSync(join(bin, t), '#!/bin/sh\n');
      chmodSync(join(bin, t), 0o755);
    }
  }
  return { files: { subuid: join(dir, 'subuid'), subgid: join(dir, 'subgid'), path: `/nonexistent:${bin}` }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

test('root writes every map itself', () => {
  assert.equal(chooseIdMapWriters(range, { ...alice, uid: 0, rootless: false }), ROOT_WRITERS);
});

test('a rootless user\'s own id is written directly, with setgroups denied for the gid map', () => {
  const f = fixture('', '');
  try {
    assert.deepEqual(chooseIdMapWriters(own, alice, f.files), { uid: { kind: 'self' }, gid: { kind: 'self' }, setgroupsDenied: true });
  } finally {
    f.remove();
  }
});

test('ranges from /etc/subuid go through newuidmap/newgidmap found in PATH; the own id may be one of the lines', () => {
  const f = fixture('alice:100000:65536\n', '1000:100000:65536\n');
  try {
    const w = chooseIdMapWriters(range, alice, f.files);
    assert.deepEqual(w.uid, { kind: 'tool', path: f.files.path.split(':')[1] + '/newuidmap' });
    assert.deepEqual(w.gid, { kind: 'tool', path: f.files.path.split(':')[1] + '/newgidmap' });
    assert.equal(w.setgroupsDenied, false);
    // shadow's newgidmap denies setgroups when a line maps the user's own gid alone
    const mixed = { uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }, { containerID: 1, hostID: 100000, size: 65535 }], gidMappings: [{ containerID: 0, hostID: 1001, size: 1 }, { containerID: 1, hostID: 100000, size: 65535 }] };
    const m = chooseIdMapWriters(mixed, alice, f.files);
    assert.equal(m.uid.kind, 'tool');
    assert.equal(m.setgroupsDenied, true);
  } finally {
    f.remove();
  }
});

test('diagnostics: no range, a range too small, no newuidmap in PATH', () => {
  const none = fixture('bob:100000:65536\n', 'alice:100000:65536\n');
  try {
    assert.throws(
      () => chooseIdMapWriters(range, alice, none.files),
      (e: unknown) => e instanceof InvalidConfigError && e.field === 'linux.uidMappings' && /user "alice" \(uid 1000\) has no range in .*subuid, and mapping uids other than its own \(1000\) needs one: add a range \(usermod --add-subuids 100000-165535 alice\) or map only uid 1000 \(size 1\)/.test(e.message),
    );
  } finally {
    none.remove();
  }
  const small = fixture('alice:100000:1000\n', 'alice:100000:65536\n');
  try {
    assert.throws(
      () => chooseIdMapWriters(range, alice, small.files),
      (e: unknown) => e instanceof InvalidConfigError && e.field === 'linux.uidMappings[0]' && /host uids 100000-165535 \(65536\) are not all in user "alice" \(uid 1000\)'s ranges in .*subuid \(100000-100999\)/.test(e.message),
    );
  } finally {
    small.remove();
  }
  const noTools = fixture('alice:100000:65536\n', 'alice:100000:65536\n', false);
  try {
    assert.throws(
      () => chooseIdMapWriters(range, alice, noTools.files),
      (e: unknown) => e instanceof SystemError && e.errno === 'ENOENT' && /linux\.uidMappings: mapping uids other than your own needs newuidmap, which is not in PATH \(.*\): install the uidmap package/.test(e.message),
    );
  } finally {
    noTools.remove();
  }
});
