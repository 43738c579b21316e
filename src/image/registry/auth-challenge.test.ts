import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthChallenges } from './auth-challenge.ts';

test('parses bearer and basic challenges', () => {
  assert.deepEqual(parseAuthChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
  ]);
  assert.deepEqual(parseAuthChallenges('Basic realm="basic-realm"'), [{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
  assert.deepEqual(parseAuthChallenges(['Basic realm=x', 'Bearer realm="a,b", error="insufficient_scope"']), [
    { scheme: 'basic', params: { realm: 'x' } },
    { scheme: 'bearer', params: { realm: 'a,b', error: 'insufficient_scope' } },
  ]);
  assert.deepEqual(parseAuthChallenges(undefined), []);
});
