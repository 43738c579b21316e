import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRootlessSpec } from './rootless-checks.ts';
import { defaultSpec } from '../default-spec.ts';
import { InvalidConfigError } from '../../lib/errors.ts';
import type { Spec } from '../../oci/runtime-spec.ts';
import type { IdMapWriters } from './id-map-writers.ts';

const alice = { uid: 1000, gid: 1000, name: 'alice', rootless: true };
const self: IdMapWriters = { uid: { kind: 'self' }, gid: { kind: 'self' }, setgroupsDenied: true };

function rootless(mutate: (s: Spec) => void = () => {}): Spec {
  const s = defaultSpec();
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
  mutate(s);
  return s;
}

function refuses(field: string, message: RegExp, s: Spec, writers = self): void {
  assert.throws(() => checkRootlessSpec(s, alice, writers), (e: unknown) => e instanceof InvalidConfigError && e.field === field && message.test(e.message));
}

test('a rootless config with a user namespace passes; without one it is refused with what to do', () => {
  checkRootlessSpec(rootless(), alice, self);
  refuses('linux.namespaces', /berth-runtime runs as user "alice" \(uid 1000\), not root: a rootless container needs a user namespace .*`berth-runtime spec --rootless` writes such a config/, defaultSpec());
});

test('sysctls: only namespaced ones, and only in a namespace of the container\'s own', () => {
  checkRootlessSpec(rootless((s) => (s.linux!.sysctl = { 'net.ipv4.ping_group_range': '0 0', 'kernel.shmmax': '1', 'fs.mqueue.msg_max': '10' })), alice, self);
  refuses('linux.sysctl.vm.swappiness', /is not namespaced: setting it would change the host, which a rootless container \(user "alice" \(uid 1000\)\) cannot do/, rootless((s) => (s.linux!.sysctl = { 'vm.swappiness': '1' })));
  refuses('linux.sysctl.kernel.msgmax', /belongs to the ipc namespace, which this rootless container shares with the host/, rootless((s) => {
    s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'ipc');
    s.linux!.sysctl = { 'kernel.msgmax': '1' };
  }));
});

test('devices are bound from the host: a node the host lacks is refused; supplementary groups need setgroups', () => {
  checkRootlessSpec(rootless((s) => (s.linux!.devices = [{ path: '/dev/null', type: 'c', major: 1, minor: 3 }])), alice, self);
  refuses('linux.devices[0]', /a rootless container cannot create device nodes, so berth binds the host's "\/dev\/berth-none" instead, and the host has none/, rootless((s) => (s.linux!.devices = [{ path: '/dev/berth-none', type: 'c', major: 1, minor: 3 }])));
  refuses('process.user.additionalGids', /setgroups is denied/, rootless((s) => (s.process!.user.additionalGids = [5])));
  checkRootlessSpec(rootless((s) => (s.process!.user.additionalGids = [5])), alice, { uid: { kind: 'tool', path: '/usr/bin/newuidmap' }, gid: { kind: 'tool', path: '/usr/bin/newgidmap' }, setgroupsDenied: false });
});

test('a hard rlimit above the user\'s own is refused', () => {
  refuses('process.rlimits[0]', /hard limit .* of RLIMIT_NOFILE is above user "alice" \(uid 1000\)'s own \(\d+\): only root can raise it/, rootless((s) => (s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1, hard: 2 ** 64 }])));
});
