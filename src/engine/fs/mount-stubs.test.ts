import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stubPaths } from './mount-stubs.ts';

test('the runtime\'s mount points and the parents they alone changed are left out', () => {
  const changes = [
    { kind: 'C' as const, path: '/etc' },
    { kind: 'A' as const, path: '/etc/hosts' },
    { kind: 'A' as const, path: '/etc/resolv.conf' },
    { kind: 'A' as const, path: '/tmp/x' },
    { kind: 'C' as const, path: '/tmp' },
  ];
  assert.deepEqual([...stubPaths(changes)].sort(), ['/etc', '/etc/hosts', '/etc/resolv.conf']);
  const kept = [...changes, { kind: 'C' as const, path: '/etc/group' }];
  assert.deepEqual([...stubPaths(kept)].sort(), ['/etc/hosts', '/etc/resolv.conf'], '/etc has a real change');
  assert.equal(stubPaths([{ kind: 'A', path: '/x' }]).size, 0);
});
