import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from './index.ts';
import { defaultSpec } from '../default-spec.ts';
import type { Spec } from '../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../lib/errors.ts';

const bundle = mkdtempSync(join(tmpdir(), 'berth-validate-'));
mkdirSync(join(bundle, 'rootfs'));
process.on('exit', () => rmSync(bundle, { recursive: true, force: true }));

function check(mutate: (s: Spec & Record<string, unknown>) => void): InvalidConfigError | undefined {
  const s = defaultSpec() as Spec & Record<string, unknown>;
  mutate(s);
  try {
    parseConfig(JSON.stringify(s), 'config.json', bundle);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof InvalidConfigError, `expected InvalidConfigError, got ${String(err)}`);
    return err;
  }
}

function rejects(field: string, pattern: RegExp, mutate: (s: Spec & Record<string, unknown>) => void): void {
  const err = check(mutate);
  assert.ok(err, `expected ${field} to be rejected`);
  assert.equal(err.field, field);
  assert.match(err.message, pattern);
}

test('runc\'s default spec is valid', () => {
  assert.equal(check(() => {}), undefined);
});

test('invalid JSON names the file', () => {
  assert.throws(() => parseConfig('{ nope', '/b/config.json', bundle), /"\/b\/config\.json" is not valid JSON/);
});

test('missing and mistyped fields are named by their JSON path', () => {
  rejects('ociVersion', /is required/, (s) => delete (s as Partial<Spec>).ociVersion);
  rejects('process.user', /is required/, (s) => delete (s.process as Partial<NonNullable<Spec['process']>>).user);
  rejects('process.user.uid', /expected an integer, got a string/, (s) => ((s.process!.user as unknown as Record<string, unknown>).uid = '0'));
  rejects('process.args[1]', /expected a string, got a number/, (s) => ((s.process!.args as unknown[]) = ['sh', 1]));
  rejects('mounts[0].destination', /is required/, (s) => delete (s.mounts![0] as Partial<NonNullable<Spec['mounts']>[0]>).destination);
  rejects('root', /is required/, (s) => delete s.root);
  rejects('process.cwd', /must be an absolute path/, (s) => (s.process!.cwd = 'tmp'));
  rejects('process.args', /must name the program/, (s) => (s.process!.args = []));
  rejects('process.env[0]', /NAME=value/, (s) => (s.process!.env = ['NOEQUALS']));
});

test('namespaces: unknown type, duplicates, missing paths and mount namespace', () => {
  rejects('linux.namespaces[6].type', /unknown namespace type "bogus"/, (s) => s.linux!.namespaces!.push({ type: 'bogus' as 'pid' }));
  rejects('linux.namespaces[6].type', /given twice/, (s) => s.linux!.namespaces!.push({ type: 'pid' }));
  rejects('linux.namespaces[0].path', /does not exist/, (s) => (s.linux!.namespaces![0] = { type: 'pid', path: '/proc/nonexistent/ns/pid' }));
  rejects('linux.namespaces', /mount namespace is required/, (s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'mount')));
  rejects('linux.uidMappings', /needs uid mappings/, (s) => s.linux!.namespaces!.push({ type: 'user' }));
  rejects('linux.uidMappings', /need a new user namespace/, (s) => (s.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]));
  rejects('hostname', /needs a uts namespace/, (s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'uts')));
  rejects('linux.timeOffsets', /new time namespace/, (s) => (s.linux!.timeOffsets = { boottime: { secs: 1 } }));
});

test('mounts: relative destination and missing bind source', () => {
  rejects('mounts[7].destination', /must be an absolute path, got "data"/, (s) => s.mounts!.push({ destination: 'data', type: 'tmpfs', source: 'tmpfs' }));
  rejects('mounts[7].source', /bind source ".*nonexistent" does not exist/, (s) => s.mounts!.push({ destination: '/d', type: 'bind', source: 'nonexistent' }));
});

test('rootfs that does not exist or is not a directory', () => {
  rejects('root.path', /rootfs ".*missing" does not exist/, (s) => (s.root!.path = 'missing'));
  rejects('root.path', /is not a directory/, (s) => (s.root!.path = '/etc/hostname'));
});

test('rlimits, capabilities, devices, sysctl, hooks, propagation', () => {
  rejects('process.rlimits[1].type', /unknown rlimit "RLIMIT_BOGUS"/, (s) => s.process!.rlimits!.push({ type: 'RLIMIT_BOGUS', soft: 1, hard: 1 }));
  rejects('process.rlimits[0]', /soft limit 5 is above hard limit 1/, (s) => (s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 5, hard: 1 }]));
  rejects('process.capabilities.bounding[14]', /unknown capability "CAP_FLY"/, (s) => s.process!.capabilities!.bounding!.push('CAP_FLY'));
  rejects('linux.devices[0].type', /unknown device type "x"/, (s) => (s.linux!.devices = [{ path: '/dev/x', type: 'x', major: 1, minor: 1 }]));
  rejects('linux.sysctl.net.ipv4.ip_forward', /need a network namespace/, (s) => {
    s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'network');
    s.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
  });
  rejects('hooks.prestart[0].path', /must be an absolute path/, (s) => (s.hooks = { prestart: [{ path: 'hook' }] }));
  rejects('hooks.poststop[0].timeout', /greater than zero/, (s) => (s.hooks = { poststop: [{ path: '/bin/true', timeout: 0 }] }));
  rejects('linux.rootfsPropagation', /unknown propagation "sideways"/, (s) => (s.linux!.rootfsPropagation = 'sideways'));
});

test('security modules the host lacks are refused, not ignored', { skip: process.platform !== 'linux' }, () => {
  rejects('process.apparmorProfile', /AppArmor is not enabled/, (s) => (s.process!.apparmorProfile = 'docker-default'));
  rejects('process.selinuxLabel', /SELinux is not enabled/, (s) => (s.process!.selinuxLabel = 'system_u:system_r:container_t:s0'));
});
